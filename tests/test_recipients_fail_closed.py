"""Who receives a paper is decided fail-closed (issue 21, section 1).

A member sits on the groups named for them and no others; every recipient is told with why,
every agency left out with why not; minutes reach the group and those who attended, and an
OFFICIAL-SENSITIVE paper never reaches an agency outside the core group for the meeting,
whatever a membership list or a caller says. Mail goes through a real SMTP server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jatac.errors import Refused
from tests.conftest import Inbox, Jatac
from tests.test_sending import DEC, FIRE, POLICE, on

HOUSING = "housing@council.example.org"

# the terms of reference's core membership of the Coordinating Group, and the example's mailboxes
CORE = {
    "jatac@safermk.example.org",  # SaferMK Support Team
    "asb@mkcouncil.example.org",  # Milton Keynes Council ASB Team
    "tasking@tvp.example.org",  # Thames Valley Police (Investigative Hub)
    "communitysafety@bmkfire.example.org",  # Bucks and MK Fire and Rescue
}


@pytest.fixture
def partners(jatac: Jatac) -> Jatac:
    """The starter: police and fire signed with mailboxes; housing signed, with a mailbox and
    a member listed without groups."""
    jatac("agency", "edit", "police", "--isp-signed", "2026-04-01", "--email", POLICE)
    jatac("agency", "edit", "fire", "--isp-signed", "2026-04-01", "--email", FIRE)
    result = jatac(
        "agency", "edit", "housing", "--isp-signed", "2026-04-01", "--email", HOUSING,
        "--add-member", "Housing Officer",
    )  # fmt: skip
    assert "Housing Officer sits on no group, so receives no papers" in result.stderr
    return jatac


def received(inbox: Inbox) -> set[str]:
    return {r for rcpt, _ in inbox.received for r in rcpt}


def test_the_example_coordinating_agenda_reaches_the_core_membership_only(
    tmp_path: Path, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    from jatac.setup.demo import make_demo

    inbox, env = smtp
    demo = Jatac(make_demo(tmp_path / "demo").root)
    listed = demo("agenda", "2026-12-07", "--recipients", env=on("2026-11-30")).stdout
    send_to = listed.split("Send to", 1)[1].split("Left out:", 1)[0]
    assert (
        "Thames Valley Police: Investigative Hub Detective Inspector sits on the JATAC Coordinating Group"
        in (send_to)
    )
    # wide-JATAC agencies whose members the example once listed without groups
    assert "Housing" not in send_to and "Children and Youth Provision" not in send_to
    demo("send", "agenda", "2026-12-07", env=on("2026-11-30", env))
    assert received(inbox) == CORE
    # and the record says so: the four core agencies, nobody else
    meeting = (demo.root / "meetings/2026/2026-12-07-coordinating.yaml").read_text(encoding="utf-8")
    assert "to: [support-team, asb-team, tvp, fire]" in meeting or all(
        f"- {a}" in meeting for a in ("support-team", "asb-team", "tvp", "fire")
    )
    assert "housing" not in meeting and "youth-service" not in meeting


def test_a_member_listed_without_groups_sits_on_none_and_validate_names_them(partners: Jatac) -> None:
    out = partners("send", "agenda", DEC, "--dry-run", env=on("2026-12-07")).stdout
    assert HOUSING not in out
    assert (
        "Council Housing: no member sits on the JATAC Coordinating Group "
        "(Housing Officer: no groups listed in jatac.yaml, so none)"
    ) in out
    checked = partners("validate")  # valid (exit 0), and the member is named where they are
    lines = (partners.root / "jatac.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "role: Housing Officer" in text)
    assert f"Note: jatac.yaml:{line}:" in checked.stderr and "housing: Housing Officer" in checked.stderr
    assert "sits on no group, so receives no papers" in checked.stderr
    doctor = partners("doctor")
    assert "1 member(s) sit on no group and receive no papers: housing: Housing Officer" in doctor.stdout


def test_dry_run_says_why_each_agency_receives_and_why_the_others_do_not(partners: Jatac) -> None:
    out = partners("send", "agenda", DEC, "--dry-run", env=on("2026-12-07")).stdout
    police = out.split(f"To: Police (Neighbourhood Policing) <{POLICE}>", 1)[1].split("To:", 1)[0]
    assert "Because: Neighbourhood Inspector sits on the JATAC Coordinating Group" in police
    # agencies left out for the same reason share one line, each named
    assert (
        "2 agencies, has not signed the Information Sharing Protocol: "
        "Community Safety Support Team, Council ASB Team"
    ) in out
    assert "no member sits on the JATAC Coordinating Group: " in out and "Council CCTV" in out
    listed = partners("agenda", DEC, "--recipients", env=on("2026-12-07")).stdout
    assert (
        "Police (Neighbourhood Policing): Neighbourhood Inspector sits on the JATAC Coordinating Group"
        in (listed)
    )
    assert "(Housing Officer: no groups listed in jatac.yaml, so none)" in listed


def _minutes_with_housing_present(partners: Jatac, marking: str) -> None:
    partners("minutes", "new", DEC, env=on("2026-12-14"))
    partners(
        "minutes", "attend", DEC, "--agency", "housing", "--role", "Housing Officer", env=on("2026-12-14")
    )
    if marking != "OFFICIAL":
        path = partners.root / "minutes/2026/2026-12-14-coordinating.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("marking: OFFICIAL\n", f"marking: {marking}\n", 1), encoding="utf-8")
        partners.git("commit", "--quiet", "--no-verify", "-am", "Minutes marked up")


def test_official_minutes_reach_an_agency_that_attended_though_not_a_member(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    _minutes_with_housing_present(partners, "OFFICIAL")
    result = partners("send", "minutes", DEC, env=on("2026-12-15", env))
    assert received(inbox) == {POLICE, FIRE, HOUSING}
    assert "3 agencies" in result.stdout


def test_sensitive_minutes_never_reach_an_agency_outside_the_core_group(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    _minutes_with_housing_present(partners, "OFFICIAL-SENSITIVE")
    dry = partners("send", "minutes", DEC, "--dry-run", env=on("2026-12-15", env)).stdout
    assert (
        "Council Housing: the minutes is OFFICIAL-SENSITIVE and it is not in the core group "
        "for this meeting (JATAC Coordinating Group)"
    ) in dry
    partners("send", "minutes", DEC, env=on("2026-12-15", env))
    assert received(inbox) == {POLICE, FIRE}
    assert "housing" not in partners.git("log", "-1", "--format=%b").split("Left out:", 1)[0]


def test_the_guard_at_the_point_of_sending_refuses_a_plan_built_by_hand(
    partners: Jatac, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that adds a message of its own cannot get past the guard in `send`."""
    from jatac.meetings.sending import Outgoing, prepare_agenda, send
    from jatac.models.vocab import Marking
    from jatac.storage.repository import Repository

    case = partners.new("Cuckooing in a block of flats", marking="OFFICIAL-SENSITIVE", category="drugs")
    partners("item", "add", DEC, "Cuckooing update", "--by", "police", "--case", case, env=on("2026-12-01"))
    monkeypatch.setenv("JATAC_TODAY", "2026-12-07")
    repo = Repository(partners.root)
    plan = prepare_agenda(repo, DEC, None)
    assert plan.marking is Marking.OFFICIAL_SENSITIVE and plan.messages
    housing = repo.config.agency_by_id["housing"]
    first = plan.messages[0]
    plan.messages.append(Outgoing(housing, first.message, first.attachments, first.marking, "by hand"))
    before, head = partners.snapshot(), partners.git("rev-parse", "HEAD")
    out = tmp_path / "outbox"
    with pytest.raises(Refused, match="not sent to Council Housing, which is not in the core group"):
        send(repo, plan, eml_dir=out)
    assert not out.exists()
    assert partners.snapshot() == before and partners.git("rev-parse", "HEAD") == head
