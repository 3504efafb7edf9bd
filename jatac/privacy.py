"""The personal data guard: case text holds no personal data; people are recorded by pseudonym.

Every write, `jatac check` and the pre-commit hook scan a record's text for
what looks personal: email addresses, UK phone numbers, National Insurance
numbers, full UK postcodes, dates of birth, vehicle registrations, and the
names held in the restricted people store. A false positive is allowed only
by an entry under ``not_personal`` in the record itself, with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from jatac.errors import JatacError, Problem

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("an email address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("a UK phone number", re.compile(r"(?<![\w/-])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s-]?){9,10}\b")),
    (
        "a National Insurance number",
        re.compile(
            r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"
        ),
    ),
    ("a full postcode", re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b")),
    (
        "a date of birth",
        re.compile(
            r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b[:\s]*\d{1,2}(?:st|nd|rd|th)?[\s/.-]"
            r"(?:\d{1,2}|[A-Za-z]{3,9})[\s/.-]\d{2,4}",
            re.IGNORECASE,
        ),
    ),
    ("a vehicle registration", re.compile(r"\b[A-Z]{2}(?:0[2-9]|[1-7]\d)\s?[A-Z]{3}\b")),
]

HOW_TO = (
    "Record people by pseudonym: `jatac person add` keeps their details in the restricted "
    "store and gives a reference (P-0007) to use in the case instead. If this is not "
    "personal data, list it under not_personal in the record with a reason."
)
SKIP_KEYS = {"not_personal"}


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str
    text: str


def _strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key) not in SKIP_KEYS:
                yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, f"{path}[{i}]")
    elif isinstance(data, str):
        yield path, data


def allowed_texts(data: Any) -> set[str]:
    """Texts the record itself declares not personal (each entry needs a reason)."""
    allowed = set()
    for entry in (data.get("not_personal") or []) if isinstance(data, dict) else []:
        if isinstance(entry, dict) and entry.get("text") and entry.get("reason"):
            allowed.add(str(entry["text"]).strip().casefold())
    return allowed


def scan(data: Any, names: Iterable[str] = ()) -> list[Finding]:
    """What in ``data`` looks like personal data (names: those in the restricted store)."""
    allowed = allowed_texts(data)
    name_patterns = [
        re.compile(r"\b" + re.escape(n.strip()) + r"\b", re.IGNORECASE) for n in names if len(n.strip()) >= 3
    ]
    found = []
    for field, text in _strings(data):
        for kind, pattern in [*PATTERNS, *(("a name in the people store", p) for p in name_patterns)]:
            for match in pattern.finditer(text):
                hit = match.group(0).strip()
                if hit.casefold() not in allowed:
                    found.append(Finding(field, kind, hit))
    return found


class PersonalData(JatacError):
    """A record holds what looks like personal data."""

    def __init__(self, relpath: str, findings: list[Finding]) -> None:
        self.problems = [
            Problem(relpath, None, None, f.field, f"looks like {f.kind}: {f.text!r}") for f in findings
        ]
        super().__init__(
            f"{relpath} would hold personal data, so nothing was written:\n"
            + "\n".join(f"  {p}" for p in self.problems),
            hint=HOW_TO,
        )


def check_text(relpath: str, text: str, names: Iterable[str] = ()) -> None:
    """Raise PersonalData if the YAML ``text`` of a record holds personal data."""
    from jatac.yamlfile import YamlProblem, fast_load, parse, plain

    data = fast_load(text)
    if data is None:
        try:
            data = plain(parse(text, relpath))
        except YamlProblem:
            return  # not a record jatac wrote; validation reports it
    findings = scan(data, names)
    if findings:
        raise PersonalData(relpath, findings)


def check_repository(repo: Any, staged: bool = False) -> tuple[list[Problem], int]:
    """Findings in every record file (or only the staged versions), and how many files were read."""
    from jatac.audit import Audit
    from jatac.people import names
    from jatac.store import KINDS

    known = names(repo)
    texts: list[tuple[str, str]] = []
    if staged:
        audit = Audit(repo.root)
        out = audit.run("diff", "--cached", "--name-only", "--relative", "--diff-filter=ACMR", "-z")
        folders = {k.folder for k in KINDS.values()}
        for rel in filter(None, out.split("\0")):
            if rel.endswith(".yaml") and rel.split("/", 1)[0] in folders:
                texts.append((rel, audit.run("show", f":./{rel}", strip=False)))
    else:
        for kind in KINDS.values():
            for path in repo.files(kind):
                rel = path.relative_to(repo.root).as_posix()
                texts.append((rel, path.read_text(encoding="utf-8", errors="replace")))
    problems: list[Problem] = []
    for rel, text in texts:
        try:
            check_text(rel, text, known)
        except PersonalData as e:
            problems.extend(e.problems)
    return problems, len(texts)
