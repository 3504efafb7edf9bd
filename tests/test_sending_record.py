"""Every sending is recorded exactly, even when it is cut short (issue 21, section 2).

A real SMTP server (aiosmtpd) that can hold a message or drop the connection part way; real
jatac processes interrupted with SIGINT or killed with SIGKILL. Four agencies can receive the
Coordinating Group's agenda, in this order: police, fire, housing, probation.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Inbox, Jatac, free_port, jatac_process, kill_group, smtp_env, wait_for
from tests.test_sending import DEC, FIRE, POLICE, on

HOUSING, PROBATION = "asb@housing.example.org", "admin@probation.example.org"
EVERYONE = [POLICE, FIRE, HOUSING, PROBATION]
MEETING = f"meetings/2026/{DEC}-coordinating.yaml"
MONDAY = "2026-12-07"


class Server(Inbox):
    """An SMTP server that can drop the connection after N messages, or hold the Nth message
    until the test lets it go (so a test can interrupt jatac while a message is on its way)."""

    def __init__(self) -> None:
        super().__init__()
        self.drop_after: int | None = None
        self.hold_at: int | None = None
        self.count = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        if self.count == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        if self.drop_after is not None and self.count > self.drop_after:
            server.transport.close()
            return "421 4.3.2 Service shutting down"
        return await super().handle_DATA(server, session, envelope)

    def addresses(self) -> list[str]:
        return [r for rcpt, _ in self.received for r in rcpt]


@pytest.fixture
def server() -> Iterator[tuple[Server, dict[str, str]]]:
    from aiosmtpd.controller import Controller

    inbox, port = Server(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, smtp_env(port)
    finally:
        inbox.release.set()
        controller.stop()


@pytest.fixture
def four(jatac: Jatac) -> Jatac:
    """Police, fire, housing and probation signed the ISP and have team mailboxes."""
    jatac("agency", "edit", "police", "--isp-signed", "2026-04-01", "--email", POLICE)
    jatac("agency", "edit", "fire", "--isp-signed", "2026-04-01", "--email", FIRE)
    for agency, role, mailbox in [
        ("housing", "Tenancy Manager", HOUSING),
        ("probation", "Manager", PROBATION),
    ]:
        jatac(
            "agency", "edit", agency, "--isp-signed", "2026-04-01", "--add-member", role,
            "--groups", "coordinating", "--email", mailbox,
        )  # fmt: skip
    jatac("item", "add", DEC, "Graffiti on the parade", "--by", "police", env=on("2026-12-01"))
    return jatac


def sendings(jatac: Jatac) -> list[dict[str, Any]]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((jatac.root / MEETING).read_text(encoding="utf-8"))
    return [{"issue": s["issue"], "to": s["to"], "via": s.get("via", "smtp")} for s in data.get("sent", [])]


def test_a_connection_dropped_after_two_records_those_two_and_a_rerun_sends_to_the_rest(
    four: Jatac, server: tuple[Server, dict[str, str]]
) -> None:
    inbox, env = server
    inbox.drop_after = 2
    result = four("send", "agenda", DEC, env=on(MONDAY, env))
    assert inbox.addresses() == [POLICE, FIRE]
    assert "not delivered to Council Housing" in result.stderr
    assert sendings(four) == [{"issue": 1, "to": ["police", "fire"], "via": "smtp"}]
    body = four.git("log", "-1", "--format=%s%n%b")
    assert body.startswith(f"{DEC}-coordinating: agenda sent to 2 agencies")
    assert "Not delivered to housing" in body and "Not delivered to probation" in body
    # the server is back: the same command reaches only those it did not reach, as the same
    # issue, without asking (nobody gets the agenda twice)
    inbox.drop_after = None
    again = four("send", "agenda", DEC, env=on("2026-12-08", env))
    assert inbox.addresses() == EVERYONE
    assert "reached Police (Neighbourhood Policing), Fire and Rescue" in again.stderr
    late = inbox.to(HOUSING)
    assert "(issue" not in late["Subject"]
    assert sendings(four)[1] == {"issue": 1, "to": ["housing", "probation"], "via": "smtp"}
    assert four.commits()[0] == (f"{DEC}-coordinating: agenda sent to 2 agencies, the rest of issue 1")
    # everyone has it now: a further run asks before it sends a second issue to all
    asked = four("send", "agenda", DEC, input="n\n", ok=False, env=on("2026-12-08", env))
    assert "Send it again, as issue 2?" in asked.stdout and len(inbox.received) == 4


def test_again_sends_to_every_agency_as_the_next_issue(
    four: Jatac, server: tuple[Server, dict[str, str]]
) -> None:
    inbox, env = server
    inbox.drop_after = 1
    four("send", "agenda", DEC, env=on(MONDAY, env))
    inbox.drop_after = None
    four("send", "agenda", DEC, "--again", env=on(MONDAY, env))
    assert inbox.addresses() == [POLICE, *EVERYONE]
    assert all(m["Subject"].endswith("(issue 2)") for _, m in inbox.received[1:])
    assert sendings(four)[1] == {"issue": 2, "to": ["police", "fire", "housing", "probation"], "via": "smtp"}


def _held(four: Jatac, inbox: Server, env: dict[str, str], at: int) -> Any:
    """A real `jatac send agenda`, its message number ``at`` held by the server."""
    inbox.hold_at = at
    proc = jatac_process(four.root, "send", "agenda", DEC, **on(MONDAY, env))
    wait_for(inbox.holding.is_set, seconds=60)
    return proc


def test_ctrl_c_stops_after_the_message_on_its_way_and_records_what_went(
    four: Jatac, server: tuple[Server, dict[str, str]]
) -> None:
    inbox, env = server
    proc = _held(four, inbox, env, at=2)
    proc.send_signal(signal.SIGINT)
    inbox.release.set()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert inbox.addresses() == [POLICE, FIRE]  # the one on its way went; no more after Ctrl-C
    assert "nothing was changed" not in err
    assert "reached 2 of 4 agencies" in err and "recorded" in err
    assert "Council Housing, Probation Service" in err
    assert sendings(four) == [{"issue": 1, "to": ["police", "fire"], "via": "smtp"}]
    assert "cut short" in four.commits()[0] and four.status() == ""
    assert not (four.root / ".jatac" / "sending.json").exists()
    inbox.hold_at = None
    four("send", "agenda", DEC, env=on(MONDAY, env))
    assert inbox.addresses() == EVERYONE


def test_after_a_kill_the_next_command_records_what_was_delivered(
    four: Jatac, server: tuple[Server, dict[str, str]]
) -> None:
    inbox, env = server
    head = four.git("rev-parse", "HEAD")
    proc = _held(four, inbox, env, at=2)
    kill_group(proc)  # no chance to record anything: the journal in .jatac/ has police
    inbox.release.set()
    assert four.git("rev-parse", "HEAD") == head
    # any next command finds what was delivered and commits it, saying so
    shown = four("meetings", env=on(MONDAY))
    assert "An interrupted sending of the agenda" in shown.stderr
    assert sendings(four) == [{"issue": 1, "to": ["police"], "via": "smtp"}]
    log = four.git("log", "-1", "--format=%s%n%b")
    assert log.startswith(f"{DEC}-coordinating: agenda sent to 1 agency (cut short)")
    # the message on its way when it was killed may have arrived: said so, and sent again
    assert "May have reached fire" in log
    assert "Not sent to housing, probation" in log
    assert four.status() == ""
    four("send", "agenda", DEC, env=on(MONDAY, env))
    assert inbox.addresses().count(POLICE) == 1
    assert sorted(inbox.addresses()[-3:]) == sorted([FIRE, HOUSING, PROBATION])


def test_a_journal_not_made_on_this_computer_is_never_recorded(
    four: Jatac, server: tuple[Server, dict[str, str]], tmp_path: Path
) -> None:
    from jatac.storage import local_state

    inbox, env = server
    claim = {
        "meeting": f"{DEC}-coordinating", "date": DEC, "group": "coordinating", "paper": "agenda",
        "issue": 1, "on": MONDAY, "marking": "OFFICIAL", "reached": ["police", "fire"],
    }  # fmt: skip
    journal = four.root / ".jatac" / "sending.json"
    journal.parent.mkdir(exist_ok=True)
    # as a partner could push it: plain, or sealed with a key that is not this user's
    journal.write_bytes(json.dumps(claim).encode())
    head = four.git("rev-parse", "HEAD")
    shown = four("meetings", env=on(MONDAY))
    assert "was not made by jatac on this computer" in shown.stderr
    assert four.git("rev-parse", "HEAD") == head
    local_state._keys.clear()
    other = {"XDG_CONFIG_HOME": str(tmp_path / "someone-else")}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CONFIG_HOME", other["XDG_CONFIG_HOME"])
        assert local_state.write(four.root, journal, json.dumps(claim).encode())
    local_state._keys.clear()
    four("send", "agenda", DEC, env=on(MONDAY, env))
    assert inbox.addresses() == EVERYONE  # nobody was taken as reached on the journal's word
    assert sendings(four) == [{"issue": 1, "to": ["police", "fire", "housing", "probation"], "via": "smtp"}]


def test_eml_drafts_open_as_drafts_and_are_not_recorded_as_sent(
    four: Jatac, server: tuple[Server, dict[str, str]], tmp_path: Path
) -> None:
    inbox, env = server
    out = tmp_path / "outbox"
    head, tree = four.git("rev-parse", "HEAD"), four.snapshot()
    result = four(
        "send", "agenda", DEC, "--eml", str(out),
        env=on(MONDAY, {"JATAC_SMTP_FROM": "csp-tasking@council.example.org"}),
    )  # fmt: skip
    assert "not recorded as sent" in result.stdout
    draft = email.message_from_bytes(
        (out / f"agenda-{DEC}-coordinating-police.eml").read_bytes(), policy=email.policy.default
    )
    assert draft["X-Unsent"] == "1" and draft["From"] == "csp-tasking@council.example.org"
    assert four.git("rev-parse", "HEAD") == head and four.snapshot() == tree
    # the real sending afterwards is the first issue, not "issue 2"
    four("send", "agenda", DEC, env=on(MONDAY, env))
    assert "(issue" not in inbox.to(POLICE)["Subject"]
    assert sendings(four) == [{"issue": 1, "to": ["police", "fire", "housing", "probation"], "via": "smtp"}]


def test_eml_drafts_need_the_address_they_are_sent_from(four: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    result = four("send", "agenda", DEC, "--eml", str(out), ok=False, env=on(MONDAY))
    assert result.exit_code == 1 and "JATAC_SMTP_FROM" in result.stderr
    assert not out.exists()


def test_a_chase_cut_short_today_goes_on_to_the_rest(
    four: Jatac, server: tuple[Server, dict[str, str]]
) -> None:
    inbox, env = server
    first = four.new("ASB at Melrose Avenue shops", place="Melrose Avenue shops")
    four.adopt(first)
    four("action", "add", first, "Visit the flats", "--owner", "housing", "--due", "2026-12-01")
    four("action", "add", first, "Check the curfew", "--owner", "probation", "--due", "2026-12-01")
    inbox.drop_after = 1
    four("send", "chase", env=on(MONDAY, env))
    inbox.drop_after = None
    four("send", "chase", env=on(MONDAY, env))
    assert sorted(inbox.addresses()) == sorted([HOUSING, PROBATION])
    # a week later every owner is chased again
    four("send", "chase", env=on("2026-12-08", env))
    assert sorted(inbox.addresses()) == sorted([HOUSING, PROBATION, HOUSING, PROBATION])
