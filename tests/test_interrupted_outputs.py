"""Nothing half-done after an interruption (issue 21, section 6).

A command that writes more than one output file leaves, when it is cut short (Ctrl+C, a
kill, a refusal part way), the outputs of its last good run as they were, and the next run
succeeds. Real `python -m jatac` processes, interrupted with SIGINT or killed with SIGKILL
while they write; a generated repository of 400 cases, so that the site takes long enough
to build to be stopped in the middle.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import Jatac, jatac_process, kill_group, wait_for
from tests.test_sending import DEC, POLICE
from tests.test_sending import partners as partners  # the starter with two agencies' mailboxes

CASES = 400


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository of 400 cases with the wide site built in build/site (never changed: each
    test takes a copy)."""
    from benchmarks.generate import generate

    root = generate(tmp_path_factory.mktemp("gen") / "repo", cases=CASES, seed=5)
    home = tmp_path_factory.mktemp("home")  # jatac's key for its local state: not the real one's
    proc = jatac_process(root, "site", JATAC_TODAY="2026-11-16", HOME=str(home))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return root


@pytest.fixture
def big(generated: Path, tmp_path: Path) -> Jatac:
    root = tmp_path / "repo"
    shutil.copytree(generated, root, symlinks=True)
    return Jatac(root)


@pytest.fixture
def demo(tmp_path: Path) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path / "demo").root)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links too, as where they lead), with its bytes."""
    found: dict[str, bytes] = {}
    for top, dirs, names in os.walk(folder):
        for name in [*names, *(d for d in dirs if os.path.islink(os.path.join(top, d)))]:
            path = Path(top, name)
            rel = path.relative_to(folder).as_posix()
            found[rel] = b"-> " + os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return found


def written_since(folder: Path, start: int) -> int:
    """How many files under ``folder`` were written since ``start`` (ns): the pages a build
    under way has made so far, wherever it puts them."""
    count = 0
    for top, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):  # gone as we looked
                count += os.lstat(os.path.join(top, name)).st_mtime_ns > start
    return count


def beside(build: Path) -> list[str]:
    return sorted(p.name for p in build.iterdir())


# -- the site ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "how, after",
    [
        (signal.SIGINT, 1),  # Ctrl+C as the first pages are written
        (signal.SIGINT, 150),  # ... in the middle
        (signal.SIGKILL, 1),
        (signal.SIGKILL, 150),
    ],
    ids=["ctrl-c-early", "ctrl-c-midway", "kill-early", "kill-midway"],
)
def test_an_interrupted_site_build_leaves_the_last_good_site(
    big: Jatac, how: signal.Signals, after: int
) -> None:
    build = big.root / "build"
    site = build / "site"
    last = tree(site)
    assert len(last) > CASES / 2
    # a core build over the wide site: every page is made again, none carried over
    start = time.time_ns()
    proc = jatac_process(big.root, "site", "--audience", "core")
    try:
        wait_for(lambda: written_since(build, start) >= after or proc.poll() is not None, seconds=120)
        assert proc.poll() is None, "the build ended before it could be interrupted"
        if how == signal.SIGKILL:
            kill_group(proc)
        else:
            proc.send_signal(how)
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 130 and "Traceback" not in err, err
    finally:
        kill_group(proc)
    assert tree(site) == last  # byte for byte the last good (wide) site
    if how == signal.SIGINT:
        assert beside(build) == [".gitignore", "site"]  # the half-built folder went with Ctrl+C
    result = big("site", "--audience", "core")
    assert beside(build) == [".gitignore", "site"]  # what a kill left is cleared by the next build
    assert json.loads((site / ".jatac-site.json").read_text(encoding="utf-8"))["audience"] == "core"
    assert "Traceback" not in result.stderr


def test_a_site_build_killed_between_its_two_renames_is_put_right_by_the_next(big: Jatac) -> None:
    build = big.root / "build"
    site = build / "site"
    last = tree(site)
    # what a kill after the last site was moved aside, before the new one came in, leaves
    site.rename(build / ".jatac-previous-site.1a2b3c4d")
    shutil.copytree(build / ".jatac-previous-site.1a2b3c4d", build / ".jatac-staging-site.5e6f7a8b")
    result = big("site")
    assert beside(build) == [".gitignore", "site"]
    assert " 0 written" in result.stdout  # the last good site was back before the build looked
    assert tree(site) == last


def test_a_rebuild_with_nothing_changed_carries_every_page_over(big: Jatac) -> None:
    site = big.root / "build" / "site"
    before = {rel: (site / rel).stat() for rel in tree(site)}
    result = big("site")
    assert " 0 written" in result.stdout
    after = {rel: (site / rel).stat() for rel in tree(site)}
    assert after.keys() == before.keys()
    pages = [rel for rel in before if rel != ".jatac-site.json"]
    # the same files (hard links into the new folder), not pages rendered again
    assert all(after[rel].st_ino == before[rel].st_ino for rel in pages)
    assert all(after[rel].st_mtime_ns == before[rel].st_mtime_ns for rel in pages)
    assert beside(site.parent) == [".gitignore", "site"]


def test_a_site_build_refused_part_way_leaves_the_last_good_site(demo: Jatac) -> None:
    from jatac.site.build import CASE
    from jatac.storage.repository import Repository

    demo("site", "--audience", "core")
    site = demo.root / "build" / "site"
    last = tree(site)
    # a partner's case page template that fails on the last case the build makes, after the
    # others were made with it (each of those now says "v2")
    every, _ = Repository(demo.root).records(CASE, as_data=True)
    own = (Path(__file__).parents[1] / "templates" / "site" / "case.html.j2").read_text(encoding="utf-8")
    failing = f'{{% if case.id == "{every[-1]["id"]}" %}}{{{{ case.nothing.more }}}}{{% endif %}}'
    template = demo.root / "templates" / "site" / "case.html.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(
        own.replace("{% block body %}", f"{{% block body %}}{failing}<p>v2</p>"), encoding="utf-8"
    )
    result = demo("site", "--audience", "core", ok=False)
    assert result.exit_code == 1 and "case.html.j2" in result.stderr
    assert tree(site) == last
    assert beside(site.parent) == [".gitignore", "site"]


# -- papers (one file each: agenda, minutes, reports, calendar, export) and mail drafts ----------


def _stopped_while_the_pdf_is_made(root: Path, how: signal.Signals, tmp: Path, *args: str, **env: str) -> str:
    """Run jatac ``args`` and interrupt it while Typst makes its PDF (its folder in TMPDIR);
    returns what it said on stderr."""
    tmp.mkdir()
    proc = jatac_process(root, *args, TMPDIR=str(tmp), JATAC_TODAY="2026-12-07", **env)
    try:
        wait_for(lambda: any(tmp.glob("jatac-pdf-*")) or proc.poll() is not None, seconds=60)
        assert proc.poll() is None, "jatac ended before it could be interrupted"
        if how == signal.SIGKILL:
            kill_group(proc)
            return ""
        proc.send_signal(how)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and "Traceback" not in err, err
        return err
    finally:
        kill_group(proc)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_an_interrupted_paper_leaves_the_last_one(demo: Jatac, how: signal.Signals, tmp_path: Path) -> None:
    build = demo.root / "build"
    made = Path(demo("agenda", "--format", "pdf", env={"JATAC_TODAY": "2026-12-07"}).stdout.split()[0])
    last, listing = made.read_bytes(), beside(build)
    demo("set", "JAT-2026-0003", "priority=low")  # the next agenda would differ
    _stopped_while_the_pdf_is_made(demo.root, how, tmp_path / "tmp", "agenda", "--format", "pdf")
    assert made.read_bytes() == last and beside(build) == listing  # no half file, no temporary one


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_mail_drafts_leave_the_outbox_as_it_was(
    partners: Jatac, how: signal.Signals, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    env = {"JATAC_TODAY": "2026-12-07", "JATAC_SMTP_FROM": POLICE}
    partners("send", "agenda", DEC, "--eml", str(outbox), env=env)
    (outbox / "last-week.eml").write_bytes(b"a draft of last week's")
    last = tree(outbox)
    partners("set", "JAT-2026-0001", "priority=low")
    _stopped_while_the_pdf_is_made(
        partners.root,
        how,
        tmp_path / "tmp",
        "send",
        "agenda",
        DEC,
        "--eml",
        str(outbox),
        JATAC_SMTP_FROM=POLICE,
    )
    assert tree(outbox) == last
    partners("send", "agenda", DEC, "--eml", str(outbox), env=env)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".jatac-")] == []
    assert "last-week.eml" in tree(outbox)


def test_mail_drafts_that_cannot_all_be_put_in_place_are_none_of_them(
    partners: Jatac, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    (outbox / "agenda-2026-12-14-coordinating-police.eml").mkdir(parents=True)  # in the way
    env = {"JATAC_TODAY": "2026-12-07", "JATAC_SMTP_FROM": POLICE}
    result = partners("send", "agenda", DEC, "--eml", str(outbox), env=env, ok=False)
    assert result.exit_code == 1 and "is a folder" in result.stderr
    assert sorted(p.name for p in outbox.iterdir()) == ["agenda-2026-12-14-coordinating-police.eml"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".jatac-")] == []


# -- the demo (a whole repository folder) --------------------------------------------------------


@pytest.mark.parametrize("when", ["copying", "committing"])
def test_an_interrupted_demo_is_replaced_by_the_next(tmp_path: Path, when: str) -> None:
    target = tmp_path / "demo"
    proc = jatac_process(tmp_path, "demo", str(target))
    try:
        if when == "copying":  # as soon as anything of the new demo is on disk
            wait_for(lambda: any(tmp_path.glob("*demo*")) or proc.poll() is not None, seconds=60)
        else:
            wait_for(lambda: (target / ".git").exists() or proc.poll() is not None, seconds=60)
    finally:
        kill_group(proc)
    again = jatac_process(tmp_path, "demo", str(target))
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]
    assert (target / ".jatac-demo").is_file() and (target / "jatac.yaml").is_file()
