"""Entering things without YAML: interactive new-issue, agenda items listed, edited and withdrawn,
minutes recorded and attendance marked from the command line, each one commit.

The starter jatac.yaml has the Coordinating Group meeting on 16 November and 14 December 2026
(items due 7 December); the clock is 16 November unless a test moves it.
"""

from __future__ import annotations

import json

import yaml

from tests.conftest import Jatac

NOV, DEC = "2026-11-16", "2026-12-14"
MINUTES = "minutes/2026/2026-11-16-coordinating.yaml"
MEETING = "meetings/2026/2026-12-14-coordinating.yaml"


def on(day: str) -> dict[str, str]:
    return {"JATAC_TODAY": day}


def refused(jatac: Jatac, args: list[str], said: str, env: dict[str, str] | None = None) -> str:
    """``args`` refused with ``said`` in the message, and nothing in the work tree or history changed."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False, env=env)
    assert result.exit_code == 1, result.output
    assert said in result.stderr, result.stderr
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    return result.stderr


# -- interactive new-issue -----------------------------------------------------------------------


def test_interactive_new_issue_numbers_the_choices_and_asks_again_only_what_was_wrong(jatac: Jatac) -> None:
    answers = [
        "x" * 201,  # too long for a title: asked again
        "Groups gathering at the underpass",
        "99",  # no such category: asked again, the title kept
        "1",  # the first category, by its number
        "nowhere",  # no such locality
        "Town Centre",  # by its name
        "Underpass by the station",
        "police",  # by its id
        "",  # priority: the default (medium)
        "Most evenings after 9pm.",
        "Shop staff feel unsafe.",
        "",  # an empty line ends the description
    ]
    result = jatac("new-issue", "--interactive", input="\n".join(answers) + "\n")
    out = result.stdout
    assert "   1. " in out and "(asb)" in out  # a numbered list of names, not a line of ids
    assert "the title is too long" in result.stderr
    assert "'99' is not one of the categories" in result.stderr
    assert "'nowhere' is not one of the localities" in result.stderr
    case = out.split("raised:")[0].split()[-1]
    data = yaml.safe_load((jatac.root / f"issues/2026/{case}.yaml").read_text())
    assert data["title"] == "Groups gathering at the underpass"
    assert data["category"] == "asb" and data["location"] == "town-centre" and data["raised_by"] == "police"
    assert data["priority"] == "medium" and data["place"] == "Underpass by the station"
    assert data["description"] == "Most evenings after 9pm.\nShop staff feel unsafe.\n"
    assert len(jatac.commits()) == 2 and jatac.commits()[0].startswith(f"{case}: new case")


def test_interactive_new_issue_refuses_a_personal_answer_and_keeps_the_others(jatac: Jatac) -> None:
    answers = ["Noise from the park", "asb", "town-centre", "", "police", "3"]
    answers += ["Call 07700 900123 for details", "", "Loud music late at night.", ""]
    result = jatac("new-issue", "-i", input="\n".join(answers) + "\n")
    assert "looks like it holds" in result.stderr  # the phone number, said at once
    case = result.stdout.split("raised:")[0].split()[-1]
    data = yaml.safe_load((jatac.root / f"issues/2026/{case}.yaml").read_text())
    assert data["title"] == "Noise from the park" and data["priority"] == "low"
    assert data["description"] == "Loud music late at night."
    assert "07700" not in jatac.git("log", "-p")


def test_new_issue_without_a_terminal_or_options_says_what_is_missing(jatac: Jatac) -> None:
    result = jatac("new-issue", "--title", "x", ok=False)
    assert result.exit_code == 2 and "--interactive" in result.stderr


# -- agenda items ------------------------------------------------------------------------------


def _two_items(jatac: Jatac) -> None:
    jatac("item", "add", DEC, "Fly-tipping behind Coffee Hall shops", "--by", "fire", env=on("2026-12-01"))
    jatac("item", "add", DEC, "Scooter thefts", "--by", "police", env=on("2026-12-02"))


def test_item_list_shows_the_partners_items(jatac: Jatac) -> None:
    assert "No partners' items" in jatac("item", "list", DEC).stdout
    _two_items(jatac)
    rows = json.loads(jatac("item", "list", DEC, "-f", "json").stdout)
    assert [(r["id"], r["title"], r["by"]) for r in rows] == [
        ("I1", "Fly-tipping behind Coffee Hall shops", "fire"),
        ("I2", "Scooter thefts", "police"),
    ]
    assert "Scooter thefts" in jatac("item", "list", DEC).stdout


def test_item_edit_changes_the_fields_in_one_commit(jatac: Jatac) -> None:
    _two_items(jatac)
    before = len(jatac.commits())
    out = jatac("item", "edit", DEC, "I2", "--title", "Scooter thefts, Lakes Estate", "--kind", "aob").stdout
    assert "item I2 changed" in out and "kind: issue -> aob" in out
    assert len(jatac.commits()) == before + 1
    assert (
        jatac.commits()[0] == "2026-12-14-coordinating: agenda item I2 edited, Scooter thefts, Lakes Estate"
    )
    items = yaml.safe_load((jatac.root / MEETING).read_text())["items"]
    assert items[1]["title"] == "Scooter thefts, Lakes Estate" and items[1]["kind"] == "aob"
    assert items[0]["title"] == "Fly-tipping behind Coffee Hall shops"
    assert "No change" in jatac("item", "edit", DEC, "I2", "--kind", "aob").stdout
    assert len(jatac.commits()) == before + 1
    refused(jatac, ["item", "edit", DEC, "I9", "--title", "x"], "has no item 'I9'")
    refused(jatac, ["item", "edit", DEC, "I1", "--by", "nobody"], "nobody")
    refused(jatac, ["item", "edit", DEC, "I1", "--kind", "urgent"], "'urgent' is not an item kind")
    refused(jatac, ["item", "edit", DEC, "I1", "--title", "x"], "already taken place", env=on("2026-12-15"))


def test_item_remove_withdraws_it_in_one_commit(jatac: Jatac) -> None:
    _two_items(jatac)
    out = jatac("item", "remove", DEC, "i1", "--reason", "Cleared by the council").stdout
    assert "item I1 withdrawn (Fly-tipping behind Coffee Hall shops)" in out
    assert jatac.commits()[0] == (
        "2026-12-14-coordinating: agenda item I1 withdrawn, Fly-tipping behind Coffee Hall shops"
    )
    assert "Why: Cleared by the council" in jatac.git("log", "-1", "--format=%b")
    items = yaml.safe_load((jatac.root / MEETING).read_text())["items"]
    assert [i["id"] for i in items] == ["I2"]
    refused(jatac, ["item", "remove", DEC, "I1"], "has no item 'I1'")


# -- minutes without an editor ---------------------------------------------------------------------


def test_minutes_record_writes_heard_and_resolved_under_the_item(jatac: Jatac) -> None:
    jatac("minutes", "new", NOV)
    before = len(jatac.commits())
    out = jatac(
        "minutes", "record", NOV, "JAT03", "--heard", "Two actions overdue.",
        "--resolved", "That the police report back.",
    ).stdout  # fmt: skip
    assert "JAT03 recorded" in out and "JAT03 RESOLVED: That the police report back." in out
    assert len(jatac.commits()) == before + 1
    assert jatac.commits()[0] == "2026-11-16-coordinating: minutes, JAT03 recorded"
    text = (jatac.root / MINUTES).read_text()
    assert "heard: Two actions overdue.\n" in text  # as a person would write it, not quoted
    item = yaml.safe_load(text)["items"][2]
    assert item["ref"] == "JAT03" and item["heard"] == "Two actions overdue."
    assert item["resolved"] == ["That the action log be noted.", "That the police report back."]
    jatac("minutes", "record", NOV, "3", "--heard", "Three actions overdue.")  # the number alone
    assert yaml.safe_load((jatac.root / MINUTES).read_text())["items"][2]["heard"] == "Three actions overdue."
    refused(jatac, ["minutes", "record", NOV, "JAT99", "--heard", "x"], "have no item 'JAT99'")
    refused(jatac, ["minutes", "record", NOV, "JAT03"], "say what the meeting heard, resolved or decided")


def test_minutes_record_adds_a_decision_that_minutes_apply_carries_out(jatac: Jatac) -> None:
    case = jatac.new("Groups at the underpass")
    jatac("minutes", "new", NOV)
    adopt = f"do=adopt case={case} lead=asb-team problem_manager='ASB Team Leader'"
    refused(jatac, ["minutes", "record", NOV, "JAT06", "--decision", f"do=adopt case={case}"], "needs lead")
    refused(jatac, ["minutes", "record", NOV, "JAT06", "--decision", "do=adopt colour=red"], "no colour")
    out = jatac("minutes", "record", NOV, "JAT06", "--decision", adopt).stdout
    assert f"JAT06 decision: do=adopt case={case} lead=asb-team problem_manager=ASB Team Leader" in out
    item = yaml.safe_load((jatac.root / MINUTES).read_text())["items"][5]
    assert item["decisions"] == [
        {"do": "adopt", "case": case, "lead": "asb-team", "problem_manager": "ASB Team Leader"}
    ]
    assert "No change" in jatac("minutes", "record", NOV, "JAT06", "--decision", adopt).stdout
    assert "1 decision(s) applied" in jatac("minutes", "apply", NOV).stdout
    assert yaml.safe_load((jatac.root / f"issues/2026/{case}.yaml").read_text())["status"] == "adopted"


def test_minutes_attend_marks_an_agency_present_or_sending_apologies(jatac: Jatac) -> None:
    jatac("minutes", "new", NOV)
    rows = yaml.safe_load((jatac.root / MINUTES).read_text())["attendance"]
    agency, role = rows[0]["agency"], rows[0]["role"]
    out = jatac("minutes", "attend", NOV, "--agency", agency, "--role", role).stdout
    assert f"{agency} ({role}): present" in out and "new line" not in out
    assert jatac.commits()[0] == f"2026-11-16-coordinating: attendance, {agency} ({role}): present"
    out = jatac(
        "minutes", "attend", NOV, "--agency", "fire", "--role", "Station Manager", "--apologies"
    ).stdout
    assert "A new line in the attendance" in out
    rows = yaml.safe_load((jatac.root / MINUTES).read_text())["attendance"]
    assert rows[0]["status"] == "present"
    assert {"agency": "fire", "role": "Station Manager", "status": "apologies"} in rows
    assert "already recorded" in jatac("minutes", "attend", NOV, "--agency", agency, "--role", role).stdout
    # without --role, every place the agency has at the meeting
    out = jatac("minutes", "attend", NOV, "--agency", "fire", "--absent").stdout
    assert [r["status"] for r in yaml.safe_load((jatac.root / MINUTES).read_text())["attendance"]
            if r["agency"] == "fire"] == ["absent", "absent"]  # fmt: skip
    assert "fire (Community Safety Manager, Station Manager): absent" in out
    refused(jatac, ["minutes", "attend", NOV, "--agency", "nobody"], "unknown agency 'nobody'")


def test_agreed_minutes_take_no_record_or_attendance(jatac: Jatac) -> None:
    jatac("minutes", "new", NOV)
    jatac("minutes", "circulate", NOV, env=on("2026-11-17"))
    jatac("minutes", "agree", NOV, "--at", DEC, env=on(DEC))
    said = "are agreed: they are not edited again"
    refused(jatac, ["minutes", "record", NOV, "JAT03", "--heard", "x"], said, env=on(DEC))
    refused(jatac, ["minutes", "attend", NOV, "--agency", "police", "--apologies"], said, env=on(DEC))
