"""The partners' website in a real browser: Debian's chromium, driven by Playwright.

Playwright runs the system browser (``/usr/bin/chromium``, or ``JATAC_CHROMIUM``), never
one of its own downloads; `make test` installs both. A machine without them FAILS these
tests, with the reason: a browser test that cannot run is never counted as passed.
The accessibility check is axe-core (bundled by axe-playwright-python, run offline in
the page) against WCAG 2.0, 2.1 and 2.2 A and AA.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_site import WITHHELD

CHROMIUM = os.environ.get("JATAC_CHROMIUM", "/usr/bin/chromium")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: run `make test` (it installs the test tools)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no chromium at {CHROMIUM}: run `make test` as root, or `apt-get install chromium`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's wide and core sites, built once for this module's tests."""
    from datetime import date

    from jatac.clock import as_of
    from jatac.setup.demo import make_demo
    from jatac.site.build import build
    from tests.conftest import TODAY

    root = tmp_path_factory.mktemp("site")
    repo = make_demo(root / "demo")  # the demo commits as its own identity
    with as_of(date.fromisoformat(TODAY)):
        return {audience: build(repo, audience, root / audience).out for audience in ("wide", "core")}


def page_of(browser: Any, path: Path, javascript: bool = True) -> Any:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri())
    return page


def test_the_home_page_shows_the_overdue_action(browser: Any, sites: dict[str, Path]) -> None:
    page = page_of(browser, sites["wide"] / "index.html")
    overdue = page.locator("h2#overdue + table")
    assert overdue.is_visible()
    row = overdue.locator("tr", has_text="JAT-2026-0007/A2")
    assert "Fit polycarbonate glazing" in row.inner_text()
    assert "108 days" in row.inner_text()
    row.get_by_role("link", name="JAT-2026-0007/A2").click()
    assert page.url.endswith("cases/JAT-2026-0007.html")
    assert "Stones thrown" in page.locator("h1").inner_text()


def test_search_finds_a_case_by_a_word_of_its_description(browser: Any, sites: dict[str, Path]) -> None:
    page = page_of(browser, sites["wide"] / "search.html")
    # "shutter" is only in JAT-2026-0002's description ("a shop shutter forced in January")
    page.get_by_label("Words to find").fill("shutter")
    results = page.locator("#results li")
    results.first.wait_for()
    assert "JAT-2026-0002" in results.first.inner_text()
    assert "1 case found" in page.locator("#summary").inner_text()
    # from the home page's form too, the search arriving in the address
    home = page_of(browser, sites["wide"] / "index.html")
    home.get_by_label("Search the cases").fill("Melrose shutter")
    home.get_by_role("button", name="Search").click()
    home.locator("#results li").first.wait_for()
    assert "JAT-2026-0002" in home.locator("#results").inner_text()


def test_the_wide_site_shows_no_withheld_case_even_to_search(browser: Any, sites: dict[str, Path]) -> None:
    page = page_of(browser, sites["wide"] / "cases/index.html")
    text = page.locator("body").inner_text()
    assert "3 cases marked OFFICIAL-SENSITIVE are withheld" in text
    for case_id, title in WITHHELD.items():
        assert title not in text and case_id not in text
    search = page_of(browser, sites["wide"] / "search.html")
    search.get_by_label("Words to find").fill("cuckooing")
    search.wait_for_function("document.getElementById('summary').textContent.length > 0")
    assert search.locator("#summary").inner_text() == "0 cases found."
    # the core site finds it
    core = page_of(browser, sites["core"] / "search.html")
    core.get_by_label("Words to find").fill("cuckooing")
    core.locator("#results li").first.wait_for()
    assert "JAT-2026-0006" in core.locator("#results").inner_text()


def test_the_agency_page_is_seen_and_saved_as_a_screenshot(
    browser: Any, sites: dict[str, Path], tmp_path: Path
) -> None:
    page = page_of(browser, sites["wide"] / "agencies/youth-service.html")
    assert page.locator("h1").inner_text() == "Children and Youth Provision"
    actions = page.locator("table").first.inner_text()
    assert "JAT-2026-0007/A2" in actions and "overdue 108 days" in actions
    shot = tmp_path / "agency-youth-service.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    home = tmp_path / "home.png"
    page_of(browser, sites["wide"] / "index.html").screenshot(path=str(home), full_page=True)
    assert home.stat().st_size > 10_000


def test_the_pages_work_with_javascript_off(browser: Any, sites: dict[str, Path]) -> None:
    page = page_of(browser, sites["wide"] / "index.html", javascript=False)
    assert "JAT-2026-0007/A2" in page.locator("h2#overdue + table").inner_text()
    search = page_of(browser, sites["wide"] / "search.html", javascript=False)
    assert "needs JavaScript" in search.locator("main").inner_text()
    search.get_by_role("link", name="the list of every case").click()
    assert "JAT-2026-0002" in search.locator("main").inner_text()


@pytest.mark.parametrize(
    "name",
    [
        "index.html",
        "agencies/youth-service.html",
        "cases/JAT-2026-0002.html",
        "meetings/2026-12-07-coordinating.html",
        "performance.html",
        "search.html",
    ],
)
def test_pages_meet_wcag_aa_by_axe_core(browser: Any, sites: dict[str, Path], name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = page_of(browser, sites["wide"] / name)
    if name == "search.html":
        page.get_by_label("Words to find").fill("Melrose")
        page.locator("#results li").first.wait_for()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
