"""Issue 21, section 5 and section 7: decisions are taken where the rules say.

A fund request is considered by the support team, then decided at JATAC: a decision names
the meeting that took it (one that has happened) or is the chair's action between meetings
(noted at the next meeting); approving against the support team's advice says why. Minutes
carry their decisions out all or none, and never two different decisions on one request.
The fund ledger keeps its own rules on `jatac validate`.

The starter jatac.yaml: the Coordinating Group meets on 16 November and 14 December 2026 and
11 January 2027; the fund's budget is £10,000; the clock is 16 November unless a test moves it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import Jatac

NOV, DEC, JAN = "2026-11-16", "2026-12-14", "2027-01-11"
LEDGER = "fund/2026/2026-27.yaml"


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def refused(
    jatac: Jatac, args: list[str], said: str, env: dict[str, str] | None = None, code: int = 1
) -> str:
    """``args`` refused with ``said`` in the message; the tree and HEAD as they were."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False, env=env)
    assert result.exit_code == code, result.output
    text = " ".join(result.stderr.split())
    assert said in text, text
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    return text


def ledger(jatac: Jatac) -> dict:
    return YAML(typ="safe").load((jatac.root / LEDGER).read_text())


def request_of(jatac: Jatac, n: int = 1) -> dict:
    return next(r for r in ledger(jatac)["requests"] if r["id"] == f"FR-2026-{n:03d}")


@pytest.fixture
def considered(jatac: Jatac) -> Jatac:
    """FR-2026-001 (£1,500) supported by the support team; FR-2026-002 (£300) not supported."""
    jatac("fund", "request", jatac.new(), "--amount", "1500", "--purpose", "Lighting for the garage block")
    jatac("fund", "request", "--amount", "300", "--purpose", "Leaflets", "--by", "police")
    jatac("fund", "consider", "FR-2026-001", "--support")
    jatac("fund", "consider", "FR-2026-002", "--not-support", "--note", "Duplicates council leaflets")
    return jatac


# -- fund decide: at a meeting that has happened, or by the chair's action ---------------------------


def test_a_decision_with_no_meeting_is_refused_and_says_how_to_record_it(considered: Jatac) -> None:
    said = refused(
        considered, ["fund", "decide", "FR-2026-001", "--approve"], "say where FR-2026-001 was decided"
    )
    assert "--meeting DATE" in said and "--chair-action --reason" in said


def test_a_meeting_still_to_come_has_decided_nothing(considered: Jatac) -> None:
    refused(
        considered,
        ["fund", "decide", "FR-2026-001", "--approve", "--meeting", DEC],
        "the meeting of 2026-12-14 has not taken place yet",
    )
    refused(
        considered, ["fund", "decide", "FR-2026-001", "--approve", "--meeting", "2026-12-01"], "no meeting on"
    )


def test_a_decision_at_a_held_meeting_is_dated_that_day_and_names_it(considered: Jatac) -> None:
    out = considered("fund", "decide", "FR-2026-001", "--approve", "--meeting", NOV, env=on("2026-11-18"))
    assert "approved at the meeting of 2026-11-16" in out.stdout
    r = request_of(considered)
    assert (r["status"], str(r["decided_on"]), r["meeting"]) == ("approved", NOV, f"{NOV}-coordinating")
    assert r["advice"] == "supported"
    assert "Jatac-Meeting: 2026-11-16-coordinating" in considered.git("log", "-1", "--format=%B")
    assert "All valid" in considered("validate", env=on("2026-11-18")).stdout


def test_approving_against_the_support_teams_advice_needs_a_reason(considered: Jatac) -> None:
    refused(
        considered,
        ["fund", "decide", "FR-2026-002", "--approve", "--meeting", NOV],
        "the support team did not support FR-2026-002: approving it is against their advice",
    )
    refused(
        considered,
        ["fund", "decide", "FR-2026-002", "--approve", "--meeting", NOV, "--against-advice"],
        "--against-advice needs --reason",
        code=2,
    )
    considered(
        "fund", "decide", "FR-2026-002", "--approve", "--meeting", NOV,
        "--against-advice", "--reason", "The council leaflets ended in October",
    )  # fmt: skip
    r = request_of(considered, 2)
    assert (r["status"], r["advice"]) == ("approved", "not-supported")
    assert r["against_advice"] == "The council leaflets ended in October"
    assert "against the support team's advice" in considered.commits()[0]
    # refusing what the support team did not support is no departure from its advice
    considered("fund", "decide", "FR-2026-001", "--refuse", "--meeting", NOV)


def test_a_chairs_action_is_recorded_and_on_the_next_agenda_for_noting(considered: Jatac) -> None:
    between = on("2026-11-25")
    refused(
        considered,
        ["fund", "decide", "FR-2026-001", "--approve", "--chair-action"],
        "--chair-action needs --reason",
        env=between,
        code=2,
    )
    out = considered(
        "fund", "decide", "FR-2026-001", "--approve", "--chair-action",
        "--reason", "Lights needed before the dark evenings", env=between,
    )  # fmt: skip
    assert "by the chair's action" in out.stdout and "next Coordinating Group agenda" in out.stdout
    r = request_of(considered)
    assert (str(r["decided_on"]), r.get("meeting"), r["chair_action"]) == (
        "2026-11-25",
        None,
        "Lights needed before the dark evenings",
    )
    dec = considered("agenda", DEC, "-f", "md", env=between).stdout.strip()
    text = Path(dec).read_text()
    fund = text[text.index("Fund requests") :]
    assert "For noting: **FR-2026-001** £1,500.00: Lighting for the garage block" in fund
    assert "approved by the chair's action on 25 Nov 2026: Lights needed before the dark evenings" in fund
    # noted once: the meeting after does not list it again
    jan = considered("agenda", JAN, "-f", "md", env=on("2026-12-20")).stdout.strip()
    assert "FR-2026-001" not in Path(jan).read_text()


# -- minutes apply: one decision per request, none against the record, all or nothing -----------------


def minutes_with(jatac: Jatac, *decisions: tuple[str, str]) -> None:
    """The December minutes started and the decisions recorded, each under its item."""
    jatac("minutes", "new", DEC, env=on(DEC))
    for ref, decision in decisions:
        jatac("minutes", "record", DEC, ref, "--decision", decision, env=on(DEC))
    # the requests the meeting did not decide: their lines removed, as the minutes' note says
    path = jatac.root / "minutes/2026/2026-12-14-coordinating.yaml"
    path.write_text(
        re.sub(r"\n *- \{do: fund, request: FR-[0-9-]+, approve: ?(null)?\}.*", "", path.read_text())
    )
    if jatac.status():
        jatac.git("commit", "-qam", "minutes written")


def test_minutes_deciding_one_request_two_ways_are_refused(considered: Jatac) -> None:
    minutes_with(considered, ("8", "do=fund request=FR-2026-001 approve=true"))
    path = considered.root / "minutes/2026/2026-12-14-coordinating.yaml"
    text = path.read_text()
    aob = text.index("title: Any other business")
    path.write_text(
        text[:aob]
        + text[aob:].replace(
            "decisions: []", "decisions:\n      - {do: fund, request: FR-2026-001, approve: false}", 1
        )
    )
    considered.git("commit", "-qam", "minutes typed")
    said = refused(considered, ["minutes", "apply", DEC], "FR-2026-001 is decided twice", env=on(DEC))
    assert "approved under JAT08, refused here" in said and "Nothing was applied" in said
    assert request_of(considered)["status"] == "supported"


def test_a_decision_against_the_recorded_one_is_a_conflict_not_already_in_effect(considered: Jatac) -> None:
    considered(
        "fund", "decide", "FR-2026-001", "--refuse", "--chair-action", "--reason", "No budget code yet",
        env=on("2026-11-20"),
    )  # fmt: skip
    minutes_with(considered, ("8", "do=fund request=FR-2026-001 approve=true"))
    said = refused(considered, ["minutes", "apply", DEC], "a conflict", env=on(DEC))
    assert "records FR-2026-001 as refused on 2026-11-20 by the chair's action" in said
    assert "already" not in said


def test_the_same_decision_recorded_already_is_left_alone(considered: Jatac) -> None:
    minutes_with(considered, ("8", "do=fund request=FR-2026-001 approve=true"))
    assert "1 decision(s) applied" in considered("minutes", "apply", DEC, env=on(DEC)).stdout
    again = considered("minutes", "apply", DEC, env=on(DEC)).stdout
    assert "already approved at the meeting 2026-12-14-coordinating" in again


def test_minutes_apply_is_all_or_nothing(considered: Jatac) -> None:
    """Today: the adoption and the first approval were committed, then the overspend refused."""
    case = considered.new("Groups at the underpass")
    considered("fund", "request", "--amount", "9000", "--purpose", "CCTV", "--by", "police")
    considered("fund", "consider", "FR-2026-003", "--support")
    minutes_with(
        considered,
        ("6", f"do=adopt case={case} lead=asb-team problem_manager='ASB Team Leader'"),
        ("8", "do=fund request=FR-2026-001 approve=true"),
        ("8", "do=fund request=FR-2026-003 approve=true"),
    )
    said = refused(considered, ["minutes", "apply", DEC], "JAT08, fund FR-2026-003", env=on(DEC))
    assert "would overspend the 2026-27 fund" in said and "Nothing was applied" in said
    assert json.loads(considered("show", case, "-f", "json").stdout)["status"] == "proposed"
    assert request_of(considered)["status"] == "supported"
    # with the request that does not fit left for the next meeting, all the others are carried out
    path = considered.root / "minutes/2026/2026-12-14-coordinating.yaml"
    path.write_text(re.sub(r"\n\s*- \{?do: fund, request: FR-2026-003.*", "", path.read_text()))
    assert "2 decision(s) applied" in considered("minutes", "apply", DEC, env=on(DEC)).stdout


def test_minutes_approving_against_advice_give_the_reason(considered: Jatac) -> None:
    minutes_with(considered, ("8", "do=fund request=FR-2026-002 approve=true"))
    refused(considered, ["minutes", "apply", DEC], "approving it is against their advice", env=on(DEC))
    path = considered.root / "minutes/2026/2026-12-14-coordinating.yaml"
    path.write_text(
        path.read_text().replace("approve: true}", "approve: true, reason: The council leaflets ended}")
    )
    considered("minutes", "apply", DEC, env=on(DEC))
    assert request_of(considered, 2)["against_advice"] == "The council leaflets ended"


# -- the fund ledger keeps its own rules on validate ---------------------------------------------------


def pushed(jatac: Jatac, relpath: str, edit: callable) -> None:  # type: ignore[valid-type]
    path = jatac.root / relpath
    path.write_text(edit(path.read_text()))
    jatac.git("commit", "-qam", "pushed by a partner")


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (
            lambda t: t.replace("amount: 1500.0", "amount: 15000.0"),
            "£15,000.00 is approved, more than the 2026-27 budget of £10,000.00",
        ),
        (
            lambda t: re.sub(r"\n *meeting: 2026-11-16-coordinating", "", t),
            "FR-2026-001 is approved but names neither the meeting that decided it nor a chair's action",
        ),
        (
            lambda t: t.replace("meeting: 2026-11-16-coordinating", "meeting: 2026-12-14-coordinating"),
            "before the meeting of 2026-12-14 took place",
        ),
        (
            lambda t: t.replace("meeting: 2026-11-16-coordinating", "meeting: at the pub"),
            "'at the pub' is not a meeting",
        ),
        (
            lambda t: t.replace("advice: supported", "advice: not-supported"),
            "approved against the support team's advice with no reason recorded",
        ),
        (
            lambda t: t.replace("considered_on: 2026-11-16", "considered_on: 2026-11-01"),
            "considered before it was asked for",
        ),
    ],
)
def test_a_pushed_ledger_no_command_could_write_is_a_problem(considered: Jatac, edit, said: str) -> None:
    considered("fund", "decide", "FR-2026-001", "--approve", "--meeting", NOV)
    assert "All valid" in considered("validate").stdout
    pushed(considered, LEDGER, edit)
    result = considered("validate", ok=False)
    assert result.exit_code == 1
    text = " ".join(result.stderr.split())
    assert said in text and re.search(r"fund/2026/2026-27\.yaml:\d+:\d+", text), text
    assert "budget: 10000" in (considered.root / "jatac.yaml").read_text()
    # the fund report still reads it: the problems are for validate, not a locked fund
    considered("report", "fund")


@pytest.mark.parametrize(
    ("budget", "said"),
    [
        ("budgets:\n    2026/27: 12000", "'2026/27' is not a financial year"),
        ("budgets:\n    2026-28: 12000", "'2026-28' is not a financial year"),
        ("budgets:\n    2026-27: -500", "the 2026-27 budget of -500.0 is not a number of pounds"),
    ],
)
def test_a_negative_or_oddly_keyed_budget_is_a_problem(jatac: Jatac, budget: str, said: str) -> None:
    config = jatac.root / "jatac.yaml"
    text = config.read_text()
    text = text.replace(
        "  budget: 10000", f"  budget: 10000\n  {budget}" if "budgets" in budget else f"  {budget}"
    )
    config.write_text(text)
    result = jatac("validate", ok=False)
    assert result.exit_code == 1 and said in result.stderr and "jatac.yaml:" in result.stderr, result.stderr
