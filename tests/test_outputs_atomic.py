"""Nothing half-done after an interruption (issue 21, section 6): outputs of many files are built
beside their place and arrive whole, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from jatac.storage.outputs import staged_files, staged_folder


def test_an_interrupted_build_leaves_the_last_good_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with staged_folder(site) as new:
        (new / "index.html").write_text("good", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), staged_folder(site) as new:
        (new / "index.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt  # Ctrl+C in the middle of the next build
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no half-built folder beside it
    assert (site / "index.html").read_text(encoding="utf-8") == "good"


def test_a_swap_killed_between_its_two_renames_is_put_right_next_time(tmp_path: Path) -> None:
    site = tmp_path / "site"
    previous = tmp_path / ".jatac-previous-site.0001"
    previous.mkdir()
    (previous / "index.html").write_text("good", encoding="utf-8")
    (tmp_path / ".jatac-staging-site.0002").mkdir()  # what a killed build left
    with staged_folder(site) as new:
        assert (site / "index.html").read_text(encoding="utf-8") == "good"  # back before the build
        (new / "index.html").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (site / "index.html").read_text(encoding="utf-8") == "new"


def test_mail_drafts_arrive_together_or_not_at_all(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "last-week.eml").write_text("kept", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), staged_files(outbox) as new:
        (new / "police.eml").write_text("one", encoding="utf-8")
        raise KeyboardInterrupt
    assert sorted(p.name for p in outbox.iterdir()) == ["last-week.eml"]
    with staged_files(outbox) as new:
        (new / "police.eml").write_text("one", encoding="utf-8")
        (new / "fire.eml").write_text("two", encoding="utf-8")
    assert sorted(p.name for p in outbox.iterdir()) == ["fire.eml", "last-week.eml", "police.eml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox"]
