"""The threat model over this stop's new inputs: the site's folder, its preview server, the
search database in .jatac/index, and a case's title in the wide search. A partner can push a
link anywhere in the repository, and a title can name any case."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import Jatac


@pytest.fixture
def example(tmp_path: Path) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path / "example").root)


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not jatac's")
    return outside


def test_a_link_pushed_into_the_site_folder_is_not_written_through(example: Jatac, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    site = example.root / "build" / "site"
    site.mkdir(parents=True)
    (site / ".jatac-site.json").write_text('{"pages": {}}')
    os.symlink(outside, site / "agencies")
    example("site")  # built in a new folder: the link is not in it, nor followed when the old goes
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert not (site / "agencies").is_symlink() and (site / "agencies" / "index.html").is_file()


def test_the_preview_serves_nothing_a_link_points_to(example: Jatac, tmp_path: Path) -> None:
    import threading

    from jatac.site.serve import server

    outside = _outside(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>home</p>")
    os.symlink(outside, site / "etcl")
    httpd = server(site, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        assert urllib.request.urlopen(f"{base}/index.html").read() == b"<p>home</p>"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/etcl/keep.txt")
        assert refused.value.code == 404
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_pushed_index_link_keeps_the_search_database_in_the_repository(
    example: Jatac, tmp_path: Path
) -> None:
    outside = _outside(tmp_path)
    local = example.root / ".jatac"
    local.mkdir(exist_ok=True)
    index = local / "index"
    if index.exists():
        import shutil

        shutil.rmtree(index)
    os.symlink(outside, index)
    result = example("search", "Melrose", ok=False)
    assert result.exit_code == 1 and "outside the repository" in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]


def test_a_title_naming_a_withheld_case_keeps_the_case_from_the_wide_search(example: Jatac) -> None:
    example("set", "JAT-2026-0012", "title=Zebra follow-up of JAT-2025-0002 at Fishermead")
    core = json.loads(example("search", "zebra", "--format", "json").stdout)
    assert [h["case"] for h in core] == ["JAT-2026-0012"]
    wide = json.loads(example("search", "zebra", "--audience", "wide", "--format", "json").stdout)
    assert wide == []
