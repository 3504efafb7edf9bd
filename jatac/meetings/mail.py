"""The mail server jatac sends through, and the messages themselves (the standard library's
``email`` and ``smtplib``, nothing else).

Settings come from the environment (``JATAC_SMTP_HOST``, ``JATAC_SMTP_PORT``,
``JATAC_SMTP_USER``, ``JATAC_SMTP_PASSWORD``, ``JATAC_SMTP_TLS`` = starttls, ssl or none,
``JATAC_SMTP_FROM``) or from the person's own file ``~/.config/jatac/smtp.toml`` (or
``JATAC_SMTP_CONFIG``), the environment winning. A settings file inside the case repository
is refused: a password must never be committed with the cases.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from jatac.errors import JatacError, Refused

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORT = {"starttls": 587, "ssl": 465, "none": 25}


class MailProblem(JatacError):
    """The mail server could not be reached, or would not take a message."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    tls: str
    sender: str | None

    def __repr__(self) -> str:  # never the password, in a traceback or a log
        return f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r}, tls={self.tls!r})"


def _config_file() -> Path:
    named = os.environ.get("JATAC_SMTP_CONFIG")
    if named:
        return Path(named).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "jatac" / "smtp.toml"


def _from_file(path: Path, repo_root: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    real, root = os.path.realpath(path), os.path.realpath(repo_root)
    if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
        raise Refused(
            f"the mail settings file {path} is inside the case repository",
            hint="Keep it in your own folder (~/.config/jatac/smtp.toml): a password is never committed.",
        )
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise Refused(
            f"{path} could not be read: {e}", hint='It is TOML: host = "smtp.example.org" ...'
        ) from None
    return data.get("smtp", data) if isinstance(data.get("smtp", data), dict) else {}


def _values(repo_root: Path) -> tuple[Path, dict[str, str]]:
    path = _config_file()
    found = _from_file(path, repo_root)
    env = {
        key: os.environ[f"JATAC_SMTP_{key.upper()}"]
        for key in ("host", "port", "user", "password", "tls", "from")
        if os.environ.get(f"JATAC_SMTP_{key.upper()}")
    }
    return path, {**{k: str(v) for k, v in found.items()}, **env}


def _sender(values: dict[str, str]) -> str | None:
    user = values.get("user") or None
    return values.get("from") or (user if user and "@" in user else None)


def sender(repo_root: Path) -> str:
    """The address papers are sent from (for drafts: no mail server needed), or Refused."""
    path, values = _values(repo_root)
    found = _sender(values)
    if not found:
        raise Refused(
            "jatac does not know the address the drafts are sent from",
            hint="Set JATAC_SMTP_FROM (the coordinator's team mailbox), or from = ... in " + str(path),
        )
    return found


def settings(repo_root: Path) -> SmtpSettings:
    """The mail server's settings, or Refused saying what is missing."""
    path, values = _values(repo_root)
    host = values.get("host", "").strip()
    if not host:
        raise Refused(
            "no mail server is set",
            hint=f"Set JATAC_SMTP_HOST (and _PORT, _USER, _PASSWORD, _TLS), or write them in {path}; "
            "or use --eml DIR to write the messages for Outlook, or --dry-run to see them.",
        )
    tls = values.get("tls", "starttls").strip().lower()
    if tls not in TLS_MODES:
        raise Refused(f"JATAC_SMTP_TLS={tls!r} is not one of starttls, ssl, none")
    port_text = values.get("port", str(DEFAULT_PORT[tls])).strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise Refused(f"JATAC_SMTP_PORT={port_text!r} is not a port number")
    user = values.get("user") or None
    sender = _sender(values)
    if not sender:
        raise Refused(
            "jatac does not know the address to send from",
            hint="Set JATAC_SMTP_FROM (the coordinator's team mailbox), or from = ... in " + str(path),
        )
    return SmtpSettings(host, int(port_text), user, values.get("password") or None, tls, sender)


def deliver(
    smtp: SmtpSettings,
    messages: list[EmailMessage],
    *,
    going: Callable[[EmailMessage], None] | None = None,
    done: Callable[[EmailMessage, str | None], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[tuple[EmailMessage, str | None]]:
    """Send each message through one connection; each comes back with None, or why it was refused.

    ``going`` is told of each message before it goes, ``done`` as soon as the server has
    answered (so the caller can keep a record that survives the process); ``stop`` is asked
    before each message whether to go on: those not tried are not in the result. Once the
    server has dropped the connection the rest are not tried either, and come back with why.
    MailProblem if the server cannot be reached or refuses the login (nothing was sent)."""
    import smtplib
    import ssl

    context = ssl.create_default_context()
    where = f"{smtp.host}:{smtp.port}"
    try:
        server: smtplib.SMTP
        if smtp.tls == "ssl":
            server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=30, context=context)
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=30)
            if smtp.tls == "starttls":
                server.starttls(context=context)
    except (OSError, smtplib.SMTPException) as e:
        raise MailProblem(
            f"could not reach the mail server {where}: {e}",
            hint="Nothing was sent. Check JATAC_SMTP_HOST, _PORT and _TLS, or use --eml DIR.",
        ) from None
    if smtp.user:
        try:
            server.login(smtp.user, smtp.password or "")
        except (OSError, smtplib.SMTPException) as e:
            server.close()
            failure = "" if isinstance(e, smtplib.SMTPAuthenticationError) else f": {e}"
            raise MailProblem(
                f"the mail server {where} refused the login of {smtp.user}{failure}",
                hint="Nothing was sent. Check JATAC_SMTP_USER and JATAC_SMTP_PASSWORD.",
            ) from None
    results: list[tuple[EmailMessage, str | None]] = []
    dropped: str | None = None
    finished = False
    try:
        for message in messages:
            if dropped is None and stop is not None and stop():
                break
            why: str | None = dropped
            if why is None:
                if going is not None:
                    going(message)
                try:
                    server.send_message(message)
                except smtplib.SMTPServerDisconnected as e:
                    why = str(e)[:200] or "the mail server closed the connection"
                    dropped = f"not sent: the mail server had closed the connection ({why})"[:200]
                except (OSError, smtplib.SMTPException) as e:
                    why = str(e)[:200]
            results.append((message, why))
            if done is not None:
                done(message, why)
        finished = True
    finally:
        if finished and dropped is None:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                server.close()
        else:  # interrupted, or the server has gone: no waiting on a goodbye
            server.close()
    return results
