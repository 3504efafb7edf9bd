"""Sending papers through a real SMTP server (aiosmtpd on 127.0.0.1), reading what it received.

The starter repository: the Coordinating Group meets on Monday 14 December 2026; its agenda
goes out by Monday 7 December. Police and fire signed the ISP and have team mailboxes; the
ASB team signed but has no mailbox; the support team has not signed.
"""

from __future__ import annotations

import email
import email.policy
import io
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import Inbox, Jatac, free_port

DEC = "2026-12-14"
POLICE, FIRE = "tasking@police.example.org", "community.safety@fire.example.org"


def on(day: str, env: dict[str, str] | None = None) -> dict[str, str]:
    return {**(env or {}), "JATAC_TODAY": day}


@pytest.fixture
def partners(jatac: Jatac) -> Jatac:
    jatac("agency", "edit", "police", "--isp-signed", "2026-04-01", "--email", POLICE)
    jatac("agency", "edit", "fire", "--isp-signed", "2026-04-01", "--email", FIRE)
    jatac("agency", "edit", "asb-team", "--isp-signed", "2026-04-01")
    case = jatac.new("ASB at Melrose Avenue shops", place="Melrose Avenue shops")
    jatac.adopt(case)
    jatac(
        "action", "add", case, "Test purchase at the off-licences", "--owner", "police", "--due", "2026-12-01"
    )
    jatac("action", "add", case, "Patrol plan for the parade", "--owner", "police", "--due", "2027-01-20")
    jatac("action", "add", case, "Warning letters", "--owner", "asb-team", "--due", "2026-12-02")
    jatac("action", "add", case, "Home fire safety visits", "--owner", "fire", "--due", "2026-12-10")
    return jatac


def parts(message: EmailMessage) -> dict[str, Any]:
    found: dict[str, Any] = {"attachments": {}}
    for part in message.walk():
        if part.get_content_disposition() == "attachment":
            found["attachments"][part.get_filename()] = part.get_content()
        elif part.get_content_type() in {"text/plain", "text/html"}:
            found[part.get_content_type()] = part.get_content()
    return found


def test_the_agenda_reaches_the_mailboxes_of_agencies_that_signed_the_isp(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]], tmp_path: Path
) -> None:
    inbox, env = smtp
    result = partners("send", "agenda", DEC, env=on("2026-12-07", env))
    assert sorted(r for rcpt, _ in inbox.received for r in rcpt) == sorted([POLICE, FIRE])
    message = inbox.to(POLICE)
    assert message["Subject"] == "OFFICIAL: Agenda: JATAC Coordinating Group, Monday 14 December 2026"
    assert message["From"] == "csp-tasking@council.example.org" and message["To"] == POLICE
    got = parts(message)
    # the HTML body is the agenda as `agenda --format html` renders it
    html = tmp_path / "agenda.html"
    partners("agenda", DEC, "-f", "html", "--out", str(html), env=on("2026-12-07"))
    assert got["text/html"].replace("\r\n", "\n").strip() == html.read_text(encoding="utf-8").strip()
    assert "Test purchase at the off-licences" in got["text/plain"]
    pdf = got["attachments"]["agenda-2026-12-14-coordinating.pdf"]
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert "OFFICIAL" in pages[0] and "Test purchase at the off-licences" in "".join(pages)
    # those left out are named, with the reason
    out = result.stdout
    assert "Council ASB Team: has no mailbox in jatac.yaml" in out
    assert "Community Safety Support Team: has not signed the Information Sharing Protocol" in out
    # the sending is recorded in the meeting and committed: git log answers "sent by the Monday?"
    log = partners.git("log", "-1", "--format=%s%n%b%ad", "--date=short")
    assert log.startswith("2026-12-14-coordinating: agenda sent to 2 agencies")
    assert "To: police, fire" in log or "To: fire, police" in log
    assert "On 2026-12-07, on time: the agenda was due out by 2026-12-07." in log
    assert "Left out: asb-team, has no mailbox" in log
    assert "Jatac-Meeting: 2026-12-14-coordinating" in partners.git("log", "-1", "--format=%B")
    meeting = (partners.root / "meetings/2026/2026-12-14-coordinating.yaml").read_text(encoding="utf-8")
    assert "paper: agenda" in meeting and "on: 2026-12-07" in meeting and "via: smtp" in meeting
    assert POLICE not in meeting  # agencies by id; their mailboxes live in jatac.yaml only
    assert partners.status() == ""


def test_a_second_sending_asks_and_says_which_issue_it_is(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    partners("send", "agenda", DEC, env=on("2026-12-07", env))
    head, tree = partners.git("rev-parse", "HEAD"), partners.snapshot()
    refused = partners("send", "agenda", DEC, input="n\n", ok=False, env=on("2026-12-09", env))
    assert "was sent on 2026-12-07 to 2 agencies. Send it again, as issue 2?" in refused.stdout
    assert len(inbox.received) == 2 and partners.git("rev-parse", "HEAD") == head
    assert partners.snapshot() == tree
    # a late item, then the agenda again: issue 2, not "late" (the first issue was on time)
    partners("item", "add", DEC, "Scooter thefts", "--by", "police", "--late", env=on("2026-12-09"))
    again = partners("send", "agenda", DEC, "--again", env=on("2026-12-09", env))
    assert "first issued on 2026-12-07 (on time); this is issue 2" in again.stderr
    assert "was due out by" not in again.stderr
    reissued = next(m for rcpt, m in inbox.received[2:] if POLICE in rcpt)
    assert reissued["Subject"].endswith("Monday 14 December 2026 (issue 2)")
    assert "Scooter thefts" in parts(reissued)["text/plain"]
    assert partners.commits()[0] == "2026-12-14-coordinating: agenda (issue 2) sent to 2 agencies"
    # and `jatac agenda` says which issue a new rendering would be, without the late warning
    shown = partners("agenda", DEC, "-f", "md", env=on("2026-12-10"))
    assert "first issued on 2026-12-07 (on time); this is issue 3" in shown.stderr
    assert "was due out by" not in shown.stderr


def test_an_agenda_sent_after_the_monday_warns_and_is_recorded_as_late(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    _, env = smtp
    result = partners("send", "agenda", DEC, env=on("2026-12-09", env))
    assert "was due out by 2026-12-07" in result.stderr
    assert "On 2026-12-09, late: the agenda was due out by 2026-12-07." in partners.git(
        "log", "-1", "--format=%b"
    )


def test_dry_run_shows_each_message_and_sends_nothing(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    head, tree = partners.git("rev-parse", "HEAD"), partners.snapshot()
    out = partners("send", "agenda", DEC, "--dry-run", env=on("2026-12-07", env)).stdout
    assert f"To: Police (Neighbourhood Policing) <{POLICE}>" in out
    assert "Subject: OFFICIAL: Agenda: JATAC Coordinating Group, Monday 14 December 2026" in out
    assert "Attached: agenda-2026-12-14-coordinating.pdf" in out
    assert inbox.received == [] and partners.git("rev-parse", "HEAD") == head and partners.snapshot() == tree


def test_eml_files_for_outlook_instead_of_sending(partners: Jatac, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    head = partners.git("rev-parse", "HEAD")
    partners("send", "agenda", DEC, "--eml", str(out), env=on("2026-12-07", {"JATAC_SMTP_FROM": POLICE}))
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "agenda-2026-12-14-coordinating-fire.eml",
        "agenda-2026-12-14-coordinating-police.eml",
    ]
    parsed = email.message_from_bytes(
        (out / "agenda-2026-12-14-coordinating-police.eml").read_bytes(), policy=email.policy.default
    )
    assert parsed["To"] == POLICE and "agenda-2026-12-14-coordinating.pdf" in parts(parsed)["attachments"]
    # drafts are not the paper sent: nothing is recorded until it really goes
    assert partners.git("rev-parse", "HEAD") == head and partners.status() == ""


def test_chase_sends_each_owner_its_overdue_and_coming_actions(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    result = partners("send", "chase", "--days", "7", env=on("2026-12-07", env))
    police = parts(inbox.to(POLICE))["text/plain"]
    assert "Test purchase at the off-licences" in police and "overdue by 6 days" in police
    assert "Patrol plan for the parade" not in police  # due 2027-01-20, beyond 7 days
    fire = parts(inbox.to(FIRE))["text/plain"]
    assert "Home fire safety visits" in fire and "due 2026-12-10" in fire
    assert inbox.to(POLICE)["Subject"].startswith("OFFICIAL: Actions for Police (Neighbourhood Policing)")
    assert "Council ASB Team: has no mailbox" in result.stdout
    assert partners.commits()[0] == "2026-12-14-coordinating: chase of actions sent to 2 agencies"


def test_an_unreachable_mail_server_sends_and_records_nothing(partners: Jatac) -> None:
    head, tree = partners.git("rev-parse", "HEAD"), partners.snapshot()
    env = {
        "JATAC_SMTP_HOST": "127.0.0.1",
        "JATAC_SMTP_PORT": str(free_port()),
        "JATAC_SMTP_TLS": "none",
        "JATAC_SMTP_FROM": "csp@council.example.org",
    }
    result = partners("send", "agenda", DEC, ok=False, env=on("2026-12-07", env))
    assert result.exit_code == 1 and "could not reach the mail server" in result.stderr
    assert partners.git("rev-parse", "HEAD") == head and partners.snapshot() == tree


def test_no_mail_server_set_says_how(partners: Jatac) -> None:
    result = partners("send", "agenda", DEC, ok=False, env=on("2026-12-07"))
    assert "no mail server is set" in result.stderr and "--eml" in result.stderr


def test_mail_settings_inside_the_repository_are_refused(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, _ = smtp
    settings = partners.root / "smtp.toml"
    settings.write_text('host = "127.0.0.1"\npassword = "hunter2"\n', encoding="utf-8")
    result = partners(
        "send",
        "agenda",
        DEC,
        ok=False,
        env=on(
            "2026-12-07", {"JATAC_SMTP_CONFIG": str(settings), "JATAC_SMTP_FROM": "csp@council.example.org"}
        ),
    )
    assert "is inside the case repository" in result.stderr and "hunter2" not in result.output
    assert inbox.received == []


def test_mail_settings_from_the_persons_own_file(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]], tmp_path: Path
) -> None:
    inbox, env = smtp
    own = tmp_path / "config" / "jatac" / "smtp.toml"
    own.parent.mkdir(parents=True)
    own.write_text(
        f'host = "127.0.0.1"\nport = {env["JATAC_SMTP_PORT"]}\ntls = "none"\nfrom = "tasking@council.example.org"\n',
        encoding="utf-8",
    )
    partners("send", "agenda", DEC, env=on("2026-12-07", {"XDG_CONFIG_HOME": str(tmp_path / "config")}))
    assert inbox.to(FIRE)["From"] == "tasking@council.example.org"


def test_a_sensitive_agenda_says_so_in_the_subject(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    case = partners.new("Cuckooing in a block of flats", marking="OFFICIAL-SENSITIVE", category="drugs")
    partners("item", "add", DEC, "Cuckooing update", "--by", "police", "--case", case, env=on("2026-12-01"))
    partners("send", "agenda", DEC, env=on("2026-12-07", env))
    assert inbox.to(POLICE)["Subject"].startswith("OFFICIAL-SENSITIVE: Agenda: ")


def test_minutes_are_sent_with_their_pdf(partners: Jatac, smtp: tuple[Inbox, dict[str, str]]) -> None:
    inbox, env = smtp
    partners("minutes", "new", DEC, env=on("2026-12-14"))
    partners("send", "minutes", DEC, env=on("2026-12-15", env))
    got = parts(inbox.to(FIRE))
    assert inbox.to(FIRE)["Subject"] == "OFFICIAL: Minutes: JATAC Coordinating Group, Monday 14 December 2026"
    assert "minutes-2026-12-14-coordinating.pdf" in got["attachments"]


@pytest.mark.parametrize(
    "address",
    ["not an address", "two@one.org, three@one.org", "Jo <jo@x.org>", "a@b", "x@y.org\nBcc: z@y.org"],
)
def test_an_agency_mailbox_is_one_plain_address(jatac: Jatac, address: str) -> None:
    head, tree = jatac.git("rev-parse", "HEAD"), jatac.snapshot()
    result = jatac("agency", "edit", "police", "--email", address, ok=False)
    assert "is not one e-mail address" in result.stderr
    assert jatac.git("rev-parse", "HEAD") == head and jatac.snapshot() == tree


def test_a_mailbox_naming_a_person_in_the_people_store_is_refused(jatac: Jatac) -> None:
    jatac("person", "add", "--name", "Jordan Example")
    head = jatac.git("rev-parse", "HEAD")
    result = jatac("agency", "edit", "police", "--email", "jordan.example@police.example.org", ok=False)
    assert "looks like a person's own address" in result.stderr
    assert jatac.git("rev-parse", "HEAD") == head
    jatac("agency", "edit", "police", "--email", "tasking@police.example.org")
    assert "email: tasking@police.example.org" in (jatac.root / "jatac.yaml").read_text(encoding="utf-8")


def test_the_meetings_list_says_when_the_agenda_went_out(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    import json

    partners("send", "agenda", DEC, env=on("2026-12-07", smtp[1]))
    rows = json.loads(partners("meetings", "-f", "json", env=on("2026-12-08")).stdout)
    assert next(r for r in rows if r["date"] == DEC)["agenda_sent"] == "2026-12-07"
    assert "Agenda sent" in partners("meetings", env=on("2026-12-08")).stdout


def test_eml_files_are_never_written_over_the_records(partners: Jatac) -> None:
    head, tree = partners.git("rev-parse", "HEAD"), partners.snapshot()
    result = partners(
        "send", "agenda", DEC, "--eml", str(partners.root / "issues"), ok=False, env=on("2026-12-07")
    )
    assert "where the records are kept" in result.stderr
    assert partners.git("rev-parse", "HEAD") == head and partners.snapshot() == tree


def test_the_user_and_password_log_in_and_never_show(partners: Jatac) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret-pass")

    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        env = {
            "JATAC_SMTP_HOST": "127.0.0.1",
            "JATAC_SMTP_PORT": str(port),
            "JATAC_SMTP_TLS": "none",
            "JATAC_SMTP_USER": "tasking@council.example.org",
            "JATAC_SMTP_PASSWORD": "s3cret-pass",
        }
        result = partners("send", "agenda", DEC, env=on("2026-12-07", env))
    finally:
        controller.stop()
    assert logins[-1] == (b"tasking@council.example.org", b"s3cret-pass")
    assert inbox.to(POLICE)["From"] == "tasking@council.example.org"  # the login is the sender
    assert "s3cret-pass" not in partners.git("log", "-p", "--all") + result.output


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (the test's own authority: SSL_CERT_FILE trusts it)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_starttls_is_the_default_and_checks_the_servers_certificate(partners: Jatac, tmp_path: Path) -> None:
    import ssl

    from aiosmtpd.controller import Controller

    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        env = {
            "JATAC_SMTP_HOST": "127.0.0.1",
            "JATAC_SMTP_PORT": str(port),
            "JATAC_SMTP_FROM": "csp@council.example.org",
        }
        untrusted = partners("send", "agenda", DEC, ok=False, env=on("2026-12-07", env))
        assert (
            "could not reach the mail server" in untrusted.stderr
            and "CERTIFICATE" in untrusted.stderr.upper()
        )
        assert inbox.received == []
        partners("send", "agenda", DEC, env=on("2026-12-07", {**env, "SSL_CERT_FILE": str(cert)}))
    finally:
        controller.stop()
    assert sorted(r for rcpt, _ in inbox.received for r in rcpt) == sorted([POLICE, FIRE])


def test_a_meeting_file_with_uncommitted_edits_stops_the_sending_before_anything_goes(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    partners("item", "add", DEC, "Scooter thefts", "--by", "police", env=on("2026-12-01"))
    path = partners.root / "meetings/2026/2026-12-14-coordinating.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# half way through an edit\n", encoding="utf-8")
    head, tree = partners.git("rev-parse", "HEAD"), partners.snapshot()
    result = partners("send", "agenda", DEC, ok=False, env=on("2026-12-07", env))
    assert "has changes that are not committed" in result.stderr
    assert inbox.received == [] and partners.git("rev-parse", "HEAD") == head and partners.snapshot() == tree


def test_a_meeting_file_that_cannot_be_read_stops_the_sending_before_any_mail(
    partners: Jatac, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    partners("item", "add", DEC, "Graffiti on the parade", "--by", "police", env=on("2026-12-01"))
    path = partners.root / "meetings" / "2026" / f"{DEC}-coordinating.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "items_typo: [a partner's broken push]\n")
    partners.git("commit", "--quiet", "--no-verify", "-am", "A partner's push")
    before, head = partners.snapshot(), partners.git("rev-parse", "HEAD")
    result = partners("send", "agenda", DEC, env=on("2026-12-07", env), ok=False)
    assert result.exit_code == 1 and "items_typo" in result.stderr
    assert inbox.received == []  # nobody was sent a paper that could not then be recorded
    assert partners.snapshot() == before and partners.git("rev-parse", "HEAD") == head


def test_sensitive_minutes_of_the_wide_group_are_not_sent_to_it(tmp_path: Path) -> None:
    from jatac.setup.demo import make_demo

    demo = Jatac(make_demo(tmp_path / "demo").root)
    held = on("2026-10-16")
    demo("minutes", "new", "2026-10-15", "--group", "jatac", env=held)
    path = demo.root / "minutes" / "2026" / "2026-10-15-jatac.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("marking: OFFICIAL\n", "marking: OFFICIAL-SENSITIVE\n", 1))
    assert path.read_text(encoding="utf-8") != text
    demo.git("commit", "--quiet", "--no-verify", "-am", "Minutes marked up")
    out = tmp_path / "out"
    result = demo("send", "minutes", "2026-10-15", "--group", "jatac", "--eml", str(out), env=held, ok=False)
    assert result.exit_code == 1 and "not sent to the wide group" in result.stderr
    assert not out.exists() or not any(out.iterdir())
