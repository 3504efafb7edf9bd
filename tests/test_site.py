"""jatac site: the partners' website, built from the example partnership.

What a partner would notice: the pages are there, the wide site holds no withheld
case (anywhere: pages, search index, file names), every page is marked, a rebuild
renders only what changed and drops what may no longer be shown, and case text is
shown as text. The browser tests are in test_site_browser.py.
"""

from __future__ import annotations

import re
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import Jatac

WITHHELD = {
    "JAT-2026-0006": "Suspected cuckooing of vulnerable tenants in Fishermead",
    "JAT-2026-0010": "Racist graffiti and verbal abuse at Conniburrow local centre",
    "JAT-2025-0002": "Open drug dealing in stairwells and underpasses in Fishermead",
}


@pytest.fixture
def demo(tmp_path: Path) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path / "demo").root)


def files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_wide_site_holds_no_withheld_case_and_says_how_many(demo: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = demo("site", "--out", str(out))
    assert "3 OFFICIAL-SENSITIVE case(s) withheld" in result.stderr
    site = files(out)
    assert {"index.html", "cases/JAT-2026-0002.html", "agencies/tvp.html", "performance.html"} <= set(site)
    assert "meetings/2026-12-07-coordinating.html" in site
    for name, text in site.items():
        for case_id, title in WITHHELD.items():
            assert title not in text, f"{title!r} is in {name}"
            assert case_id not in text and case_id not in name, f"{case_id} is in {name}"
    assert "3 withheld" in site["index.html"]
    for name, text in site.items():
        if name.endswith(".html"):
            # the site's pages, and the agenda and minutes documents with their own layout
            assert len(re.findall(r'class="marking[^"]*">OFFICIAL<', text)) == 2, f"{name} is not marked"


def test_the_core_site_shows_every_case_marked_as_it_is(demo: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = demo("site", "--audience", "core", "--out", str(out))
    assert "OFFICIAL-SENSITIVE" in result.stdout + result.stderr
    page = (out / "cases/JAT-2026-0006.html").read_text(encoding="utf-8")
    assert WITHHELD["JAT-2026-0006"] in page
    assert page.count('class="marking sensitive">OFFICIAL-SENSITIVE<') == 2
    assert ">OFFICIAL<" in (out / "cases/JAT-2026-0002.html").read_text(encoding="utf-8")


def test_a_wide_build_over_a_core_site_removes_the_withheld_pages(demo: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "site"
    demo("site", "--audience", "core", "--out", str(out))
    assert (out / "cases/JAT-2026-0006.html").is_file()
    result = demo("site", "--audience", "wide", "--out", str(out))
    assert "removed" in result.stdout
    for name, text in files(out).items():
        for case_id, title in WITHHELD.items():
            assert title not in text and case_id not in name, name


def test_a_rebuild_renders_only_the_pages_that_changed(demo: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "site"
    demo("site", "--out", str(out))
    before = {p: (out / p).stat().st_mtime_ns for p in files(out)}
    again = demo("site", "--out", str(out))
    assert " 0 written" in again.stdout
    demo("set", "JAT-2026-0003", "priority=low")
    third = demo("site", "--out", str(out))
    changed = {p for p in files(out) if (out / p).stat().st_mtime_ns != before[p]}
    assert "cases/JAT-2026-0003.html" in changed
    assert "cases/JAT-2026-0002.html" not in changed
    assert "priority" not in third.stderr
    assert "low" in (out / "cases/JAT-2026-0003.html").read_text(encoding="utf-8")


def test_the_home_page_shows_the_overdue_actions(demo: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "site"
    demo("site", "--out", str(out))
    home = (out / "index.html").read_text(encoding="utf-8")
    for ref in ("JAT-2026-0007/A2", "JAT-2025-0004/A6", "JAT-2026-0002/A4"):
        assert ref in home
    assert "2026-12-07" in home and "2026-11-30" in home  # the next meeting and its agenda send-by date


def test_case_text_is_shown_never_run(demo: Jatac, tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> {{ 7*7 }} </script><img src=x onerror=alert(2)>"
    demo(
        "new-issue",
        "--title",
        f"Noise {hostile}",
        "--category",
        "asb",
        "--location",
        "bletchley",
        "--raised-by",
        "tvp",
        "--description",
        f"Loud parties {hostile}",
    )
    out = tmp_path / "site"
    demo("site", "--out", str(out))
    page = next(t for n, t in files(out).items() if n.startswith("cases/JAT-2026-") and "Loud parties" in t)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in page
    index = (out / "search-index.js").read_text(encoding="utf-8")
    assert "</script>" not in index and "<\\/script>" in index


def test_a_folder_jatac_did_not_make_is_refused(demo: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"my work")
    result = demo("site", "--out", str(out), ok=False)
    assert result.exit_code == 1
    assert "not a site jatac built" in result.stderr
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


def test_the_default_folder_is_build_site_and_the_repository_is_untouched(demo: Jatac) -> None:
    before, head = demo.snapshot(), demo.git("rev-parse", "HEAD")
    demo("site")
    after = demo.snapshot()
    assert (demo.root / "build/site/index.html").is_file()
    assert {k: v for k, v in after.items() if not k.startswith("build/")} == before
    assert demo.git("rev-parse", "HEAD") == head
    assert demo.git("status", "--porcelain") == ""


def test_an_unknown_audience_is_refused(demo: Jatac, tmp_path: Path) -> None:
    result = demo("site", "--audience", "public", "--out", str(tmp_path / "s"), ok=False)
    assert result.exit_code == 1 and "not an audience" in result.stderr
    assert not (tmp_path / "s").exists()


def test_the_preview_serves_the_site_on_this_computer_only(demo: Jatac, tmp_path: Path) -> None:
    from jatac.site.serve import server

    out = tmp_path / "site"
    demo("site", "--out", str(out))
    httpd = server(out, 0)
    host, port = httpd.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as response:
            assert "Overdue actions" in response.read().decode("utf-8")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_meeting_page_links_its_minutes_and_pdfs_as_the_audience_may_see_them(
    demo: Jatac, tmp_path: Path
) -> None:
    held = "2026-12-07"
    after = {"JATAC_TODAY": "2026-12-08"}
    demo("minutes", "new", held, env={"JATAC_TODAY": held})
    build = demo.root / "build"
    build.mkdir(exist_ok=True)
    (build / f"agenda-{held}-coordinating.pdf").write_bytes(b"%PDF-1.7 core agenda")
    (build / f"agenda-{held}-coordinating-wide.pdf").write_bytes(b"%PDF-1.7 wide agenda")
    core, wide = tmp_path / "core", tmp_path / "wide"
    demo("site", "--audience", "core", "--out", str(core), env=after)
    demo("site", "--audience", "wide", "--out", str(wide), env=after)

    page = (core / f"meetings/{held}-coordinating.html").read_text(encoding="utf-8")
    assert f'href="{held}-coordinating-minutes.html"' in page
    assert "The minutes</a> (draft)" in page  # not yet agreed: the partners see so
    minutes = (core / f"meetings/{held}-coordinating-minutes.html").read_text(encoding="utf-8")
    assert "OFFICIAL-SENSITIVE" in minutes  # they name the sensitive cases the group discussed
    assert (core / f"meetings/agenda-{held}-coordinating.pdf").is_file()

    page = (wide / f"meetings/{held}-coordinating.html").read_text(encoding="utf-8")
    assert "minutes are marked OFFICIAL-SENSITIVE and withheld" in page
    assert not (wide / f"meetings/{held}-coordinating-minutes.html").exists()
    # the core group's papers never reach the wide site; the wide version does
    assert not (wide / f"meetings/agenda-{held}-coordinating.pdf").exists()
    assert (wide / f"meetings/agenda-{held}-coordinating-wide.pdf").read_bytes().endswith(b"wide agenda")
