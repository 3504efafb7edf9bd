"""Issue 21, section 7: agreed minutes stay as agreed.

What was agreed is the minutes as the agreeing commit (`jatac minutes agree`) left them: a
pushed commit that edits them, or minutes pushed as agreed that were never agreed, is a
problem for `jatac validate`. The Coordinating Group meets on 16 November and 14 December.
"""

from __future__ import annotations

from tests.conftest import Jatac

NOV, DEC = "2026-11-16", "2026-12-14"
MINUTES = "minutes/2026/2026-11-16-coordinating.yaml"


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def pushed(jatac: Jatac, old: str, new: str) -> None:
    path = jatac.root / MINUTES
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    jatac.git("commit", "-qam", "pushed by a partner")


def agreed(jatac: Jatac) -> Jatac:
    jatac("minutes", "new", NOV)
    jatac("minutes", "record", NOV, "3", "--heard", "Two actions overdue.")
    jatac("minutes", "circulate", NOV, env=on("2026-11-17"))
    jatac("minutes", "agree", NOV, "--at", DEC, env=on(DEC))
    return jatac


def test_agreed_minutes_edited_by_a_pushed_commit_are_a_problem(jatac: Jatac) -> None:
    agreed(jatac)
    assert "All valid" in jatac("validate", env=on(DEC)).stdout
    jatac("minutes", "lock", NOV, env=on(DEC))  # locking is no change to the record
    assert "All valid" in jatac("validate", env=on(DEC)).stdout
    pushed(jatac, "Two actions overdue.", "No actions overdue.")
    result = jatac("validate", ok=False, env=on(DEC))
    assert result.exit_code == 1
    assert f"{MINUTES}" in result.stderr and "changed since they were agreed" in result.stderr


def test_minutes_pushed_as_agreed_that_were_never_agreed_are_a_problem(jatac: Jatac) -> None:
    jatac("minutes", "new", NOV)
    pushed(jatac, "marking: OFFICIAL\n", "marking: OFFICIAL\nstate: agreed\nagreed_at: 2026-12-14\n")
    result = jatac("validate", ok=False, env=on(DEC))
    assert "they were never agreed" in result.stderr, result.stderr
