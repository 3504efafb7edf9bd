"""A local preview of the site: a web server on this computer only (127.0.0.1)."""

from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _Quiet(SimpleHTTPRequestHandler):
    """Serves the site's folder; says nothing per request (the command says where it is)."""

    def translate_path(self, path: str) -> str:
        """Only files inside the site's folder: a link pushed into it answers "not found"."""
        import os

        full = super().translate_path(path)
        root = os.path.realpath(self.directory)
        real = os.path.realpath(full)
        if real != root and not real.startswith(root + os.sep):
            return os.path.join(root, ".no-such-page")  # not found (404), never the file outside
        return full

    def end_headers(self) -> None:
        """Every answer carries the site's policy (only the site's own script runs, whatever a
        file in the folder says) and nosniff (a file is run as script only if it is one)."""
        from jatac.site.scripts import served_policy

        self.send_header("Content-Security-Policy", served_policy(Path(self.translate_path(self.path))))
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def server(folder: Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server of ``folder`` on 127.0.0.1 (``port`` 0: any free one); the caller runs it."""
    handler = partial(_Quiet, directory=str(folder))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
