"""Issue 21, section 7: agreed minutes stay as agreed, also when rendered and applied.

`jatac minutes agree` fixes what was agreed: the digest of the record in its commit, and a
sealed copy of it on this computer. A partner's pushed commit (made here with plain git, as a
partner would) that edits the agreed record, adds a decision, says minutes are agreed that
never were, or forges an agreeing commit, is reported by validate and refused by render, the
agenda, the site and apply, with the tree and HEAD left as they were. A correction recorded
with `jatac minutes correct` is accepted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from jatac.git.agreed import record_digest
from jatac.storage.repository import KINDS, Repository
from tests.conftest import Jatac
from tests.test_agreed_minutes_kept import DEC, MINUTES, NOV, on, pushed

JAN = "2027-01-11"
MEETING = "2026-11-16-coordinating"
ADOPT = "do=adopt case={case} lead=asb-team problem_manager='ASB Team Leader'"


def checked(jatac: Jatac) -> dict[str, Any]:
    """The minutes as jatac checks them (what a partner running jatac would digest)."""
    data: dict[str, Any] = Repository(jatac.root).record(KINDS["minutes"], MEETING).model_dump(mode="json")
    return data


@pytest.fixture
def case(jatac: Jatac) -> str:
    return jatac.new("Groups at the underpass")


def written(jatac: Jatac, case: str) -> Jatac:
    """The November minutes written (a decision to adopt ``case``) and circulated."""
    jatac("minutes", "new", NOV)
    jatac(
        "minutes",
        "record",
        NOV,
        "3",
        "--heard",
        "Two actions overdue.",
        "--decision",
        ADOPT.format(case=case),
    )
    jatac("minutes", "circulate", NOV, env=on("2026-11-17"))
    return jatac


@pytest.fixture
def agreed(jatac: Jatac, case: str) -> Jatac:
    written(jatac, case)
    jatac("minutes", "agree", NOV, "--at", DEC, env=on(DEC))
    return jatac


def commit_as_partner(jatac: Jatac, message: str) -> None:
    jatac.git("commit", "-qam", message)


def refused(
    jatac: Jatac, args: list[str], said: str = "changed since they were agreed", day: str = DEC
) -> str:
    """``args`` refused (exit 1) naming the minutes file and the way back; tree and HEAD unchanged."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False, env=on(day))
    assert result.exit_code == 1, result.output
    assert MINUTES in result.stderr and said in result.stderr, result.stderr
    assert "jatac minutes correct" in result.stderr and "git checkout" in result.stderr
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    assert jatac.status() == ""
    return result.stderr


def refused_everywhere(jatac: Jatac, said: str = "changed since they were agreed") -> None:
    """Reported by validate; refused by render, the next agenda (it shows them), the site, apply."""
    result = jatac("validate", ok=False, env=on(DEC))
    assert result.exit_code == 1 and MINUTES in result.stderr and said in result.stderr, result.stderr
    refused(jatac, ["minutes", "render", NOV, "-f", "md"], said)
    refused(jatac, ["agenda", DEC, "-f", "md"], said)
    refused(jatac, ["site"], said)
    refused(jatac, ["minutes", "apply", NOV], said)


def test_agreeing_fixes_the_digest_of_the_record_in_the_commit_and_on_this_computer(
    agreed: Jatac,
) -> None:
    body = agreed.git("log", "-1", "--format=%b")
    data = checked(agreed)
    assert f"Jatac-Agreed-Digest: {record_digest(data)}" in body
    sealed = (agreed.root / ".jatac" / "agreed.json").read_bytes()
    assert sealed.startswith(b"jatac-local-state-1 ")  # sealed with this user's key, not plain JSON
    assert json.loads(sealed.split(b"\n", 1)[1]) == {MINUTES: record_digest(data)}
    assert "All valid" in agreed("validate", env=on(DEC)).stdout
    agreed("minutes", "render", NOV, "-f", "md", env=on(DEC))
    assert "1 decision(s) applied" in agreed("minutes", "apply", NOV, env=on(DEC)).stdout


def test_a_pushed_commit_editing_an_agreed_decision_is_refused(agreed: Jatac) -> None:
    pushed(agreed, "lead: asb-team", "lead: police")
    refused_everywhere(agreed)


def test_a_pushed_commit_adding_a_decision_to_agreed_minutes_is_refused(agreed: Jatac, case: str) -> None:
    other = agreed.new("Fly-tipping behind the shops")
    path = agreed.root / MINUTES
    line = next(x for x in path.read_text().splitlines() if f"case: {case}" in x)
    pushed(agreed, line, f"{line}\n{line.replace(case, other)}")
    assert f"case: {other}" in path.read_text()
    refused_everywhere(agreed)


def test_minutes_pushed_as_agreed_that_were_never_agreed_are_refused(jatac: Jatac, case: str) -> None:
    written(jatac, case)
    pushed(jatac, "state: circulated", "state: agreed\nagreed_at: 2026-12-14")
    refused_everywhere(jatac, "they were never agreed")


def test_a_forged_agreement_with_its_digest_is_caught_where_the_minutes_were_agreed(agreed: Jatac) -> None:
    # the partner rewrites the history (a force-push this computer pulls): the agreement
    # made here is gone, and a forged one agrees an edited record, with a digest that fits it
    agreed.git("reset", "-q", "--hard", "HEAD~1")
    path = agreed.root / MINUTES
    path.write_text(
        path.read_text()
        .replace("lead: asb-team", "lead: police")
        .replace("state: circulated", "state: agreed\nagreed_at: 2026-12-14")
    )
    forged = record_digest(checked(agreed))
    commit_as_partner(
        agreed,
        f"{MEETING}: minutes agreed as a correct record at the meeting of {DEC}\n\n"
        f"Jatac-Agreed-Digest: {forged}\nJatac-Command: minutes agree\nJatac-Meeting: {MEETING}\n",
    )
    refused_everywhere(agreed, "changed since they were agreed on this computer")


def test_a_forged_agreement_after_the_real_one_is_caught_on_any_computer(agreed: Jatac) -> None:
    (agreed.root / ".jatac" / "agreed.json").unlink()  # a computer that did not agree them
    pushed(agreed, "lead: asb-team", "lead: police")
    forged = record_digest(checked(agreed))
    (agreed.root / MINUTES).write_text((agreed.root / MINUTES).read_text() + "\n")
    commit_as_partner(
        agreed,
        f"{MEETING}: minutes agreed again\n\nJatac-Agreed-Digest: {forged}\n"
        f"Jatac-Command: minutes agree\nJatac-Meeting: {MEETING}\n",
    )
    refused_everywhere(agreed)  # the first agreement is what was agreed


def test_minutes_agreed_then_pushed_back_to_a_draft_are_refused(agreed: Jatac) -> None:
    pushed(agreed, "state: agreed", "state: circulated")
    pushed(agreed, "agreed_at: 2026-12-14\n", "")
    pushed(agreed, "lead: asb-team", "lead: police")
    result = agreed("validate", ok=False, env=on(DEC))
    assert "were agreed (commit" in result.stderr and "now say they are circulated" in result.stderr
    refused(agreed, ["minutes", "apply", NOV], "now say they are circulated")
    refused(agreed, ["minutes", "render", NOV, "-f", "md"], "now say they are circulated")


def test_a_recorded_correction_is_accepted_and_a_pushed_one_is_not(agreed: Jatac) -> None:
    agreed(
        "minutes", "correct", NOV,
        "--what", "JAT03: the lead agency is the police", "--why", "Misheard", "--at", JAN,
        env=on(JAN),
    )  # fmt: skip
    assert "Jatac-Corrections-Digest: sha256:" in agreed.git("log", "-1", "--format=%b")
    assert "All valid" in agreed("validate", env=on(JAN)).stdout
    md = Path(agreed("minutes", "render", NOV, "-f", "md", env=on(JAN)).stdout.strip())
    assert "the lead agency is the police" in md.read_text()
    assert "1 decision(s) applied" in agreed("minutes", "apply", NOV, env=on(JAN)).stdout
    # a correction typed into the file and pushed is no recorded correction
    pushed(agreed, "why: Misheard", "why: Misheard, and the group agreed to fund it")
    result = agreed("validate", ok=False, env=on(JAN))
    assert "corrections" in result.stderr and "jatac minutes correct" in result.stderr, result.stderr
    refused(agreed, ["minutes", "render", NOV, "-f", "md"], "differ from those", day=JAN)


def test_minutes_agreed_by_an_earlier_jatac_are_checked_against_the_agreed_file(agreed: Jatac) -> None:
    # agreed before agreements carried a digest: no trailer, nothing sealed on this computer
    (agreed.root / ".jatac" / "agreed.json").unlink()
    message = agreed.git("log", "-1", "--format=%B")
    agreed.git("commit", "-q", "--amend", "-m", re.sub(r"Jatac-Agreed-Digest: .*\n", "", message))
    assert "All valid" in agreed("validate", env=on(DEC)).stdout
    pushed(agreed, "Two actions overdue.", "No actions overdue.")
    refused_everywhere(agreed)


def test_minutes_changed_since_they_were_agreed_are_not_sent(
    agreed: Jatac, smtp: tuple[Any, dict[str, str]]
) -> None:
    inbox, mail = smtp
    agreed("agency", "edit", "police", "--isp-signed", "2026-04-01", "--email", "tasking@police.example.org")
    agreed("send", "minutes", NOV, "--dry-run", env={**mail, **on(DEC)})  # they would go to the police
    pushed(agreed, "lead: asb-team", "lead: police")
    before, head = agreed.snapshot(), agreed.git("rev-parse", "HEAD")
    result = agreed("send", "minutes", NOV, ok=False, env={**mail, **on(DEC)})
    assert result.exit_code == 1 and "changed since they were agreed" in result.stderr, result.output
    assert inbox.received == []
    assert agreed.snapshot() == before and agreed.git("rev-parse", "HEAD") == head


def test_minutes_changed_since_they_were_agreed_are_not_locked(agreed: Jatac) -> None:
    pushed(agreed, "lead: asb-team", "lead: police")
    refused(agreed, ["minutes", "lock", NOV])


def test_a_sync_that_stops_before_replaying_an_agreement_made_here_goes_on(
    tmp_path: Path, case: str, jatac: Jatac
) -> None:
    from tests.test_sync import git

    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    git(jatac.root, "remote", "add", "origin", str(bare))
    git(jatac.root, "push", "--quiet", "-u", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(bare), str(tmp_path / "partner"))
    partner = Jatac(tmp_path / "partner")
    # this computer: minutes circulated, a case edited, then the minutes agreed (sealed here)
    written(jatac, case)
    jatac("set", case, "priority=medium")
    jatac("minutes", "agree", NOV, "--at", DEC, env=on(DEC))
    partner("set", case, "priority=low")
    partner("sync")
    # the rebase replays the case edit before the agreement: it stops there, minutes circulated
    assert jatac("sync", ok=False, env=on(DEC)).exit_code == 4
    jatac("resolve", case, "--take", "mine", env=on(DEC))
    jatac("sync", env=on(DEC))
    assert "All valid" in jatac("validate", env=on(DEC)).stdout and jatac.status() == ""
    assert "state: agreed" in (jatac.root / MINUTES).read_text()


def test_a_merge_stopped_on_a_conflict_takes_in_minutes_agreed_elsewhere(
    tmp_path: Path, case: str, jatac: Jatac
) -> None:
    from tests.test_sync import git

    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    git(jatac.root, "remote", "add", "origin", str(bare))
    git(jatac.root, "push", "--quiet", "-u", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(bare), str(tmp_path / "partner"))
    partner = Jatac(tmp_path / "partner")
    # the partner agrees the minutes on their computer, edits a case, raises another
    written(partner, case)
    partner("minutes", "agree", NOV, "--at", DEC, env=on(DEC))
    partner("set", case, "priority=low")
    partner.new("Fly-tipping behind the shops")
    partner("sync", env=on(DEC))
    # here: the same case edited otherwise, and a case raised with the same number (a merge)
    jatac("set", case, "priority=medium")
    jatac.new("Needles in the play area", category="drugs")
    assert jatac("sync", ok=False, env=on(DEC)).exit_code == 4
    jatac("resolve", case, "--take", "mine", env=on(DEC))
    jatac("sync", env=on(DEC))
    assert "All valid" in jatac("validate", env=on(DEC)).stdout and jatac.status() == ""
    assert "state: agreed" in (jatac.root / MINUTES).read_text()


def test_a_pushed_agreement_naming_no_meeting_agrees_nothing_and_breaks_nothing(agreed: Jatac) -> None:
    (agreed.root / MINUTES).write_text((agreed.root / MINUTES).read_text() + "\n")
    commit_as_partner(agreed, "x\n\nJatac-Command: minutes agree\nJatac-Meeting: ../../not-a-meeting\n")
    assert "All valid" in agreed("validate", env=on(DEC)).stdout
    agreed("minutes", "render", NOV, "-f", "md", env=on(DEC))
