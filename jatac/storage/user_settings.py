"""This computer's own settings for jatac: kept in the user's account, never in a repository.

What a shared repository may not decide for itself (a pushed template running script in
the published site) is allowed only here, in ``~/.config/jatac/settings.toml`` (or under
``XDG_CONFIG_HOME``), beside the keys jatac keeps for this user. A settings file that
lies inside the repository being worked on (a partner could push it) is not read.

    [site]
    # files of a case repository allowed to run script in the site, each exactly as it
    # was read when allowed: "PATH sha256:DIGEST" (jatac site prints the line to add)
    allow_script = ["templates/site/search.js sha256:3b0c..."]

An allowance names a file's content, not only its name: a later push that changes the
file needs allowing again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from jatac.errors import Refused


def path() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "jatac" / "settings.toml"


def _inside(file: Path, root: Path) -> bool:
    real, real_root = os.path.realpath(file), os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def read(root: Path) -> dict[str, Any]:
    """The settings (empty when there are none, or when they lie inside ``root``)."""
    import tomllib

    file = path()
    if _inside(file, root):
        return {}  # a settings file a partner could push is no setting of this computer
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise Refused(f"{file} cannot be read: {e}", hint="Fix or remove the file, then run again.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise Refused(
            f"{file} is not valid TOML: {e}",
            hint="Each allowance is one line in quotes under [site], e.g. "
            'allow_script = ["templates/site/search.js sha256:..."]',
        ) from None


def allowance(relpath: str, content: str | bytes) -> str:
    """The line that allows ``relpath`` with exactly this content to run script in the site."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return f"{relpath} sha256:{hashlib.sha256(data).hexdigest()}"


def allows_script(root: Path, relpath: str, content: str | bytes) -> bool:
    """Whether this computer's settings allow ``relpath``, as it is now, to run script in the site."""
    site = read(root).get("site")
    allowed = site.get("allow_script") if isinstance(site, dict) else None
    if not isinstance(allowed, list):
        return False
    return allowance(relpath, content) in {str(a).strip() for a in allowed}
