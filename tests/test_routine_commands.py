"""The year's routine acts are commands: agencies, localities, venues, moving and cancelling
meetings. Each writes jatac.yaml keeping its comments and order, checks it, and commits
once with a subject in words; a bad input changes nothing."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Jatac

SECTION_COMMENTS = (
    "# Wards, parishes and estates cases are recorded against (never a person's address).",
    "# What a case is about.",
    "# Days between reviews of an adopted case, by its risk level.",
    "# Partner agencies: id (short, used in case files), name, and the date each",
)


def config(jatac: Jatac) -> str:
    return (jatac.root / "jatac.yaml").read_text()


def one_commit(jatac: Jatac, before: list[str], subject: str) -> str:
    """The one commit the command made: its subject, and the files it touched."""
    assert jatac.commits()[1:] == before and jatac.commits()[0] == subject
    assert jatac.status() == ""
    return jatac.git("show", "--name-only", "--no-renames", "--format=%B", "HEAD")


def refused(jatac: Jatac, *args: str, said: str) -> None:
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False)
    assert said in result.stderr, result.stderr
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head


def test_agency_add_writes_jatac_yaml_with_its_comments_kept(jatac: Jatac) -> None:
    before = jatac.commits()
    out = jatac(
        "agency", "add", "tvp", "--name", "Thames Valley Police", "--isp-signed", "2026-04-01",
        "--member", "Neighbourhood Inspector", "--groups", "coordinating,jatac",
        "--member", "PCSO Supervisor", "--groups", "jatac",
    ).stdout  # fmt: skip
    assert "Agency tvp added: Thames Valley Police." in out
    shown = one_commit(jatac, before, "Agency tvp added: Thames Valley Police, 2 members")
    assert "Member: Neighbourhood Inspector (groups: coordinating, jatac)" in shown
    assert shown.strip().endswith("jatac.yaml")
    text = config(jatac)
    for comment in SECTION_COMMENTS:
        assert comment in text
    assert (
        "  - id: tvp\n    name: Thames Valley Police\n    isp_signed: 2026-04-01\n    members:\n"
        "      - role: Neighbourhood Inspector\n        groups: [coordinating, jatac]\n"
        "      - role: PCSO Supervisor\n        groups: [jatac]\n\n"
        "# Wards, parishes and estates" in text
    )
    # the new agency is one jatac knows: a case can be raised by it, the ISP register lists it
    assert jatac.new(raised_by="tvp")
    isp = json.loads(jatac("isp", "-f", "json").stdout)
    assert {"agency": "tvp", "state": "signed"}.items() <= next(
        r for r in isp if r["agency"] == "tvp"
    ).items()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["agency", "add", "police", "--name", "Police again"], "there is already an agency police"),
        (
            ["agency", "add", "tvp", "--name", "TVP", "--member", "X", "--groups", "nowhere"],
            "unknown group 'nowhere'",
        ),
        (["agency", "add", "Not An Id", "--name", "X"], "must be a short id"),
        (
            [
                "agency",
                "add",
                "tvp",
                "--name",
                "TVP",
                "--member",
                "A",
                "--member",
                "B",
                "--groups",
                "jatac",
                "--groups",
                "jatac",
                "--groups",
                "jatac",
            ],
            "2 --member but 3 --groups",
        ),
        (["agency", "add", "tvp", "--name", "TVP", "--isp-signed", "April"], "is not a date"),
        (["agency", "edit", "nobody", "--name", "X"], "there is no agency 'nobody'"),
        (["agency", "edit", "police"], "nothing to change"),
        (
            ["agency", "edit", "police", "--remove-member", "Chief Constable"],
            "police has no member 'Chief Constable'",
        ),
        (["agency", "edit", "police", "--add-member", "Neighbourhood Inspector"], "already has a member"),
        (["locality", "add", "town-centre", "--name", "Again"], "there is already a locality town-centre"),
        (
            ["locality", "add", "lakes", "--name", "Lakes", "--within", "atlantis"],
            "unknown locality 'atlantis'",
        ),
        (
            ["locality", "add", "lakes", "--name", "Lakes", "--kind", "city"],
            "'city' is not a kind of locality",
        ),
        (["venue", "set", "Civic Offices", "--group", "nobody"], "unknown group 'nobody'"),
        (["venue", "set", "Civic Offices"], "--group GROUP (its usual venue) or --meeting DATE"),
        (["meeting", "move", "2026-12-14", "--to", "2027-01-11"], "already meets on 2027-01-11"),
        (["meeting", "move", "2026-12-14", "--to", "2026-11-01"], "2026-11-01 has passed"),
        (["meeting", "move", "2026-10-19", "--to", "2026-12-01"], "has already taken place"),
        (["meeting", "move", "2026-12-15", "--to", "2026-12-16"], "no meeting on 2026-12-15"),
        (["meeting", "cancel", "2026-12-14", "--reason", " "], "say why the meeting is cancelled"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(jatac: Jatac, args: list[str], said: str) -> None:
    refused(jatac, *args, said=said)


def test_agency_edit_changes_name_isp_and_members(jatac: Jatac) -> None:
    before = jatac.commits()
    jatac(
        "agency", "edit", "town-centre", "--isp-signed", "2026-01-01", "--isp-review", "2027-01-01",
        "--add-member", "Centre Manager", "--groups", "jatac",
    )  # fmt: skip
    shown = one_commit(
        jatac,
        before,
        "Agency town-centre: ISP signed 2026-01-01, ISP review by 2027-01-01, Centre Manager joined",
    )
    assert "isp_signed: (none) -> 2026-01-01" in shown and "members: 1 added: Centre Manager" in shown
    text = config(jatac)
    assert (
        "  - id: town-centre\n    name: Town Centre Management\n    isp_signed: 2026-01-01\n"
        "    isp_review: 2027-01-01\n    members:\n      - role: Centre Manager\n        groups: [jatac]\n\n"
        "# Wards, parishes and estates" in text
    )
    jatac(
        "agency",
        "edit",
        "town-centre",
        "--remove-member",
        "Centre Manager",
        "--name",
        "Town Centre Partnership",
    )
    assert jatac.commits()[0] == "Agency town-centre: named Town Centre Partnership, Centre Manager left"
    assert (
        "    name: Town Centre Partnership\n    isp_signed: 2026-01-01\n    isp_review: 2027-01-01\n\n# Wards"
        in (config(jatac))
    )


def test_locality_add_and_a_case_recorded_against_it(jatac: Jatac) -> None:
    before = jatac.commits()
    jatac(
        "locality",
        "add",
        "lakes-estate",
        "--name",
        "Lakes Estate",
        "--kind",
        "estate",
        "--within",
        "town-centre",
    )
    one_commit(jatac, before, "Locality lakes-estate added: Lakes Estate (estate within town-centre)")
    assert (
        "    kind: ward\n  - id: lakes-estate\n    name: Lakes Estate\n    kind: estate\n    within: town-centre\n\n"
        "# What a case is about." in config(jatac)
    )
    case = jatac.new(location="Lakes Estate")
    assert json.loads(jatac("show", case, "-f", "json").stdout)["location"] == "lakes-estate"
    # a ward takes in its estates
    assert case in jatac("list", "--location", "town-centre").stdout


def test_meeting_move_moves_the_deadlines_and_the_meeting_file(jatac: Jatac) -> None:
    jatac("item", "add", "2026-12-14", "Scooters at the lakes", "--by", "police")
    before = jatac.commits()
    out = jatac(
        "meeting", "move", "2026-12-14", "--to", "2026-12-15", "--reason", "Room not available"
    ).stdout
    assert (
        "moves to Tue 15 Dec 2026" in out
        and "Items due by 2026-12-08; the agenda goes out by 2026-12-14" in out
    )
    shown = one_commit(
        jatac,
        before,
        "JATAC Coordinating Group: meeting of 2026-12-14 moved to 2026-12-15 (Room not available)",
    )
    assert (
        "Jatac-Meeting: 2026-12-14-coordinating" in shown
        and "Jatac-Meeting: 2026-12-15-coordinating" in shown
    )
    assert {
        "jatac.yaml",
        "meetings/2026/2026-12-14-coordinating.yaml",
        "meetings/2026/2026-12-15-coordinating.yaml",
    } <= set(shown.split())
    text = config(jatac)
    assert "      moved: {2026-12-14: 2026-12-15}\n" in text
    assert "      notes:\n        2026-12-14: {on: 2026-11-16, reason: Room not available}\n" in text
    assert "  - id: jatac\n" in text and "# Days between reviews of an adopted case" in text

    rows = {r["date"]: r for r in json.loads(jatac("meetings", "-f", "json").stdout)}
    moved = rows["2026-12-15"]
    assert "2026-12-14" not in rows
    assert (moved["items_due"], moved["agenda_by"], moved["items"]) == ("2026-12-08", "2026-12-14", 1)
    assert moved["note"] == "moved from 2026-12-14 (Room not available)"
    assert "moved from 2026-12-14 (Room not available)" in jatac("meetings").stdout
    # the item went with it; the agenda is for the new day
    assert "Scooters at the lakes" in (jatac.root / "meetings/2026/2026-12-15-coordinating.yaml").read_text()
    assert "All valid" in jatac("validate").stdout

    jatac("meeting", "move", "2026-12-15", "--to", "2026-12-14", "--reason", "Room free after all")
    assert "moved:" not in config(jatac).split("  - id: jatac")[0]  # back on the cadence's day
    assert "2026-12-14" in {r["date"] for r in json.loads(jatac("meetings", "-f", "json").stdout)}


def test_meeting_cancel_records_why_and_the_next_meeting_keeps_its_date(jatac: Jatac) -> None:
    before = jatac.commits()
    jatac("meeting", "cancel", "2027-01-28", "--reason", "Snow")
    shown = one_commit(jatac, before, "JATAC (wide partnership): meeting of 2027-01-28 cancelled (Snow)")
    assert "Jatac-Meeting: 2027-01-28-jatac" in shown
    text = config(jatac)
    assert (
        "      cancelled: [2027-01-28]\n      notes:\n        2027-01-28: {on: 2026-11-16, reason: Snow}\n\n"
        in text
    )
    assert "# Days between reviews of an adopted case" in text
    rows = {r["date"]: r for r in json.loads(jatac("meetings", "-f", "json").stdout)}
    assert rows["2027-01-28"]["note"] == "cancelled (Snow)"
    assert "2027-04-22" in rows  # the next meeting keeps its date
    result = jatac("item", "add", "2027-01-28", "Graffiti", "--by", "police", ok=False)
    assert "cancelled (Snow)" in result.stderr


def test_venue_set_for_a_group_and_for_one_meeting(jatac: Jatac) -> None:
    before = jatac.commits()
    jatac("venue", "set", "Civic Offices, Committee Room 2", "--group", "coordinating")
    one_commit(jatac, before, "JATAC Coordinating Group: meets at Civic Offices, Committee Room 2")
    assert (
        "    chair: Head of Community Safety\n    venue: Civic Offices, Committee Room 2\n    schedule:"
        in config(jatac)
    )
    jatac("venue", "set", "Fire Station, Training Room", "--meeting", "2026-12-14")
    assert jatac.commits()[0] == "2026-12-14-coordinating: meets at Fire Station, Training Room"
    meetings = {r["date"]: r for r in json.loads(jatac("meetings", "-f", "json").stdout)}
    assert meetings["2026-12-14"]["venue"] == "Fire Station, Training Room"
    assert meetings["2027-01-11"]["venue"] == "Civic Offices, Committee Room 2"


def test_a_changed_jatac_yaml_must_stay_valid(jatac: Jatac) -> None:
    """A hand edit that broke jatac.yaml is reported as it is; nothing more is written."""
    path = jatac.root / "jatac.yaml"
    path.write_text(path.read_text().replace("  - id: fire\n", "  - id: police\n"))
    jatac.git("commit", "-qam", "A slip of the hand")
    refused(jatac, "locality", "add", "lakes", "--name", "Lakes", said="agency id 'police' appears twice")


def test_jatac_yaml_with_uncommitted_hand_edits_is_not_overwritten(jatac: Jatac) -> None:
    path = jatac.root / "jatac.yaml"
    path.write_text(path.read_text() + "# a note being written\n")
    refused(jatac, "locality", "add", "lakes", "--name", "Lakes", said="has changes that are not committed")
