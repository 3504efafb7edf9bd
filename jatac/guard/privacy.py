"""The personal data guard: case text holds no personal data; people are recorded by pseudonym.

Every write, `jatac check` and the pre-commit hook scan a record for what
looks personal: email addresses, UK phone numbers, National Insurance
numbers, full UK postcodes, dates of birth, vehicle registrations, and the
names held in the restricted people store.

Two readings of each file, so neither a trick of YAML nor a trick of writing
gets through: its parsed fields (a value split over lines or written with
escapes is read as the text it stands for) and its raw text, every line,
comments and keys included (a file that does not parse is still read).

Both are read *folded*: letters in capitals without accents, any digit as a
plain digit, and every space, line break, bracket, dot or other punctuation
as a space; invisible characters dropped. So `07700.900.123`,
`(07700) 900123`, `mk6 2jd`, `ab 12 34 56 c`, `b. 01/02/1990` and
`Example, Jordan` meet the same patterns as their plain forms.

A false positive is allowed only by an entry under ``not_personal`` in the
record itself, with a reason; the entry allows that exact text (however it
is spaced or capitalised) and nothing longer, and its reason is scanned too.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from jatac.errors import JatacError, Problem

# -- folded text ------------------------------------------------------------------------
#
# One character of the text gives at most one character of the folded text, so the
# position of a match leads back to its line. MAIL keeps the characters an email address
# is written with; FOLD keeps only letters and digits. Both keep NUL, which no pattern
# crosses: the fields of a record are read in one pass, joined by it.

FOLD, MAIL = "\x00", "\x00@.+-_"


# Cyrillic and Greek letters drawn as Latin ones: "МК6 2JD" typed with a Cyrillic М and К
# reads as a postcode to a person, so to the guard too
_LOOKALIKES = dict(
    zip(
        "АВЕКМНОРСТХУІЈЅаеорсхуіјѕкΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοριυκνχ",
        "ABEKMHOPCTXYIJSAEOPCXYIJSKABEZHIKMNOPTYXAOPIUKVX",
        strict=True,
    )
)


class _Table(dict[int, str | None]):
    """str.translate table that folds one character at a time, working out (and keeping)
    the folding of each new character the first time it meets it."""

    def __init__(self, keep: str) -> None:
        super().__init__()
        self.keep = keep
        for code in range(128):
            self[code] = self._fold(chr(code))

    def __missing__(self, code: int) -> str | None:
        folded = self[code] = self._fold(chr(code))
        return folded

    def _fold(self, char: str) -> str | None:
        if not char.isascii():
            category = unicodedata.category(char)
            if category == "Cf" or category.startswith("M"):
                return None  # zero-width spaces, joiners, direction marks, accents on their own
            digit = unicodedata.decimal(char, None)
            if digit is not None:
                return str(digit)  # Arabic-Indic, full-width, mathematical bold ...
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            if len(base) == 1:
                char = base  # é -> e, Ａ -> A, ＠ -> @, a no-break space -> a space
            char = _LOOKALIKES.get(char, char)
        if char.isalnum():
            upper = char.upper()
            return upper if len(upper) == 1 else char
        return char if char in self.keep else " "


_TABLES = {FOLD: _Table(FOLD), MAIL: _Table(MAIL)}
_ASCII = {
    keep: bytes((_TABLES[keep][code] or " ").encode()[0] for code in range(128)) + bytes(128)
    for keep in _TABLES
}


def fold(text: str, keep: str = FOLD) -> str:
    """``text`` folded (see the module's docstring); at most one character per character."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII[keep]).decode("ascii")
    return text.translate(_TABLES[keep])


def _origins(text: str, keep: str) -> list[int]:
    """For each character of the folded text, the index of the character it came from
    (asked for only when a character was dropped, and something was found)."""
    table = _TABLES[keep]
    return [i for i, c in enumerate(text) if table[ord(c)] is not None]


FIELD_BREAK = "\x00"


def canonical(text: str) -> str:
    """What two writings of the same thing have in common: folded, without spaces."""
    return "".join(fold(text).replace(FIELD_BREAK, " ").split())


# -- what looks personal ----------------------------------------------------------------

S = " *"  # any run of folded spaces and punctuation
_MONTH = (
    "JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?"
    "|SEPT?(?:EMBER)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?"
)
_DAY = "[0-9]{1,2}(?:ST|ND|RD|TH)?"
_DATE = (
    rf"(?:[0-9]{{4}}{S}[0-9]{{1,2}}{S}[0-9]{{1,2}}"
    rf"|{_DAY}{S}(?:OF{S})?(?:[0-9]{{1,2}}|{_MONTH}){S}(?:[0-9]{{4}}|[0-9]{{2}})"
    rf"|(?:{_MONTH}){S}{_DAY}{S}(?:[0-9]{{4}}|[0-9]{{2}}))(?!\w)"
)
# a time (09:00) or a date (05.06.2019) where a phone number would begin
_TIME_OR_DATE = re.compile(
    r"\W*(?:(?:[01]?[0-9]|2[0-3])\s*[:.]\s*[0-5][0-9](?![0-9])"
    r"|(?:0?[1-9]|[12][0-9]|3[01])\s*[/.-]\s*(?:0?[1-9]|1[0-2])\s*[/.-]\s*[0-9]{2}(?:[0-9]{2})?(?![0-9]))"
)


class _Span(Protocol):
    def span(self) -> tuple[int, int]: ...


class Pattern(Protocol):
    """What a detector looks with: a regular expression, or the fingerprints of names."""

    def finditer(self, string: str, /) -> Iterator[_Span]: ...


@dataclass(frozen=True)
class Detector:
    kind: str
    pattern: Pattern
    view: str = FOLD
    # a second look at the text as written, for shapes that folding makes ambiguous
    accept: Callable[[str], bool] = lambda written: True
    # what the folded text must hold for the pattern to be worth running: a pattern that
    # begins with a lookbehind is tried at every character, a hint that begins with a
    # digit or a literal is skipped through fast (a whole `jatac check` runs 5 times faster)
    hint: re.Pattern[str] | str | frozenset[str] | None = None  # a set: any of these words
    # what the text as written must not end with just before the match (a phone number does
    # not begin in the middle of 2026-05-25)
    not_after: re.Pattern[str] | None = None

    def worth_running(self, folded: str) -> bool:
        if self.hint is None:
            return True
        if isinstance(self.hint, str):
            return self.hint in folded
        if isinstance(self.hint, frozenset):
            return not self.hint.isdisjoint(folded.replace(FIELD_BREAK, " ").split())
        return self.hint.search(folded) is not None


def _written_as_one(written: str, letters: int) -> bool:
    """A code written without lower-case letters, or with its first ``letters`` characters
    together (``by 20 May`` is a date; ``BY 20 MAY`` or ``by20 may`` is a registration)."""
    return not re.search("[a-z]", written) or written.startswith(re.sub(r"\W", "", written)[:letters])


DETECTORS: list[Detector] = [
    Detector(
        "an email address",
        # the last part of the domain is a word (org, uk): "Offices @ 2.08pm" is a time
        re.compile(r"(?<![\w.+-])[\w.+-]+ *@ *[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])"),
        view=MAIL,
        hint="@",
    ),
    Detector(
        "an email address",  # jo dot bloggs at example dot org
        re.compile(
            rf"(?<!\w)\w+(?:{S}DOT{S}\w+)*{S}AT{S}\w+(?:{S}DOT{S}\w+)*{S}DOT{S}"
            rf"(?:COM|ORG|NET|UK|GOV|AC|IO|INFO|EU|ME)(?!\w)"
        ),
        hint="DOT",
    ),
    Detector(
        "a UK phone number",
        # 0..., 0044..., 44...: a 0 or 4 with no digit before it (looked back for after the
        # first character, so that the search skips straight to the 0s and 4s)
        re.compile(
            rf"[04](?<![0-9][04])(?:(?<=0)(?:{S}0{S}4{S}4{S}(?:0{S})?|{S})|(?<=4){S}4{S}(?:0{S})?)"
            rf"[1-9](?:{S}[0-9]){{8,9}}(?![0-9])"
        ),
        accept=lambda written: not _TIME_OR_DATE.match(written),
        not_after=re.compile(r"[0-9][-/.]$"),
    ),
    Detector(
        "a National Insurance number",
        re.compile(
            rf"(?<!\w)(?!B{S}G|G{S}B|N{S}K|K{S}N|T{S}N|N{S}T|Z{S}Z)[A-CEGHJ-PR-TW-Z]{S}[A-CEGHJ-NPR-TW-Z]"
            rf"(?:{S}[0-9]){{6}}{S}[A-D](?!\w)"
        ),
        accept=lambda written: not re.search("[/:]", written),  # 10/11/26 is a date
        hint=re.compile(r"[0-9] *[A-D](?!\w)"),
    ),
    Detector(
        "a full postcode",
        re.compile(rf"(?<!\w)(?:[A-Z]{{1,2}}[0-9][A-Z0-9]?|GIR){S}[0-9][ABD-HJLNP-UW-Z]{{2}}(?!\w)"),
        hint=re.compile(r"[0-9][ABD-HJLNP-UW-Z]{2}(?!\w)"),
    ),
    Detector(
        "a date of birth",
        re.compile(
            rf"(?<!\w)(?:D{S}O{S}B|DATE{S}OF{S}BIRTH|BIRTH{S}DATE|BIRTHDAY|BORN(?:{S}ON)?|B)(?!\w)"
            rf"{S}(?:(?:IS|WAS|ON){S})?{_DATE}"
        ),
        hint=re.compile(r"[BD](?<![A-Z0-9][BD])(?:{S}O{S}B|IRTH|ORN|(?![A-Z0-9]))".replace("{S}", S)),
    ),
    Detector(
        "a vehicle registration",
        re.compile(rf"(?<!\w)[A-Z]{{2}}{S}(?:0[2-9]|[1-7][0-9]){S}[A-Z]{{3}}(?!\w)"),
        accept=lambda written: _written_as_one(written, 4),
        hint=re.compile(rf"(?:0[2-9]|[1-7][0-9]){S}[A-Z]{{3}}(?!\w)"),
    ),
]
NAME = "a name in the people store"

HOW_TO = (
    "Record people by pseudonym: `jatac person add` keeps their details in the restricted "
    "store and gives a reference (P-0007) to use in the case instead. If this is not "
    "personal data, list it under not_personal in the record with a reason (that exact text)."
)


def name_forms(name: str) -> list[list[str]]:
    """The folded words of a name as the check looks for them: forename first and surname
    first (``Example, Jordan``); none for a name too short to look for. Between two words a
    middle initial is allowed (``Jordan A Example``)."""
    words = fold(name).split()
    if len("".join(words)) < 3:
        return []
    forms = [words]
    if len(words) > 1:
        forms.append([words[-1], *words[:-1]])
    return forms


@functools.lru_cache(maxsize=8)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for every name in the store (see ``name_forms``)."""
    between = " +(?:[A-Z] +)?"
    forms = {between.join(map(re.escape, words)) for name in names for words in name_forms(name)}
    if not forms:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(forms, key=len, reverse=True)) + r")(?!\w)")


# -- names known only by their fingerprints ------------------------------------------------
#
# Without the people store's key its names cannot be read, but the check can still find
# them: beside the store jatac keeps a keyed digest of each name's folded forms, and
# digests every run of words in the text the same way. The key is this computer's own
# (jatac.storage.local_state), so the file is no list of names to try guesses against.


def fingerprint(key: bytes, words: Iterable[str]) -> bytes:
    return hashlib.blake2b(" ".join(words).encode("utf-8"), key=key, digest_size=16).digest()


_WORD = re.compile(r"[^ \x00]+")
_INITIAL = re.compile(r"[A-Z]")


@dataclass(frozen=True)
class _Found:
    start: int
    end: int

    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass(frozen=True)
class NameFingerprints:
    """The names of the people store as keyed fingerprints: each form of each name
    (``names``), the first word of each (``starts``: where a name may begin), and the most
    words a name has."""

    key: bytes = field(repr=False)
    names: frozenset[bytes]
    starts: frozenset[bytes]
    longest: int

    @classmethod
    def of(cls, key: bytes, names: Iterable[str]) -> NameFingerprints:
        forms = [words for name in names for words in name_forms(name)]
        return cls(
            key,
            frozenset(fingerprint(key, words) for words in forms),
            frozenset(fingerprint(key, words[:1]) for words in forms),
            max((len(words) for words in forms), default=0),
        )

    def finditer(self, folded: str, /) -> Iterator[_Found]:
        """Each run of words of the folded text that is a name, as the name pattern would
        find it: words separated by spaces only (a field break ends a run), a one-letter
        initial allowed between two words, the longest name at each place, none overlapping."""
        if not self.names:
            return
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]
        seen: dict[str, bool] = {}  # word -> may a name start with it
        at = 0
        while at < len(words):
            word = words[at][2]
            if word not in seen:
                seen[word] = fingerprint(self.key, [word]) in self.starts
            end = self._longest(folded, words, at) if seen[word] else None
            if end is None:
                at += 1
                continue
            yield _Found(words[at][0], words[end][1])
            at = end + 1

    def _longest(self, folded: str, words: list[tuple[int, int, str]], at: int) -> int | None:
        """The index of the last word of the longest name that starts at word ``at``."""
        best = None
        runs = [(at, [words[at][2]])]  # (index of the last word taken, the name's words so far)
        while runs:
            last, taken = runs.pop()
            if fingerprint(self.key, taken) in self.names and (best is None or last > best):
                best = last
            if len(taken) == self.longest:
                continue
            nxt = last + 1
            if not self._joined(folded, words, last, nxt):
                continue
            runs.append((nxt, [*taken, words[nxt][2]]))
            if _INITIAL.fullmatch(words[nxt][2]) and self._joined(folded, words, nxt, nxt + 1):
                runs.append((nxt + 1, [*taken, words[nxt + 1][2]]))  # Jordan A Example
        return best

    @staticmethod
    def _joined(folded: str, words: list[tuple[int, int, str]], left: int, right: int) -> bool:
        """Two words with only spaces between them (no field break)."""
        return right < len(words) and FIELD_BREAK not in folded[words[left][1] : words[right][0]]


Names = Iterable[str] | NameFingerprints  # what the check looks for: names, or their fingerprints


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int  # in the text as written
    end: int

    def written(self, text: str) -> str:
        return " ".join(text[self.start : self.end].split())


def detectors(names: Names = ()) -> list[Detector]:
    """The detectors, with one for the names in the restricted store if there are any."""
    if isinstance(names, NameFingerprints):
        return [*DETECTORS, Detector(NAME, names)] if names.names else DETECTORS
    return _detectors(tuple(sorted(set(names))))


@functools.lru_cache(maxsize=8)
def _detectors(names: tuple[str, ...]) -> list[Detector]:
    names_re = _name_pattern(names)
    if names_re is None:
        return DETECTORS
    words = frozenset(word for name in names for word in fold(name).split())
    return [*DETECTORS, Detector(NAME, names_re, hint=words)]


def find(text: str, using: list[Detector] = DETECTORS) -> list[Hit]:
    """Everything in ``text`` that looks personal (``using``: ``detectors(names)``)."""
    hits = []
    views: dict[str, str] = {}
    origins: dict[str, list[int]] = {}
    for detector in using:
        if detector.view not in views:
            views[detector.view] = fold(text, detector.view)
        folded = views[detector.view]
        if not detector.worth_running(folded):
            continue
        for match in detector.pattern.finditer(folded):
            start, end = match.span()
            if len(folded) != len(text):  # an invisible character was dropped: map back
                if detector.view not in origins:
                    origins[detector.view] = _origins(text, detector.view)
                start, end = origins[detector.view][start], origins[detector.view][end - 1] + 1
            if detector.not_after is not None and detector.not_after.search(text[max(0, start - 2) : start]):
                continue
            if detector.accept(text[start:end]):
                hits.append(Hit(detector.kind, start, end))
    return hits


# -- records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str
    text: str
    line: int | None = None
    column: int | None = None
    where: str = ""  # "in a comment"

    def problem(self, relpath: str) -> Problem:
        where = f" ({self.where})" if self.where else ""
        message = f"looks like {self.kind}: {self.text!r}{where}"
        return Problem(relpath, self.line, self.column, self.field, message)


def _strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, f"{path}[{i}]")
    elif isinstance(data, str):
        yield path, data


def allowed_texts(data: Any) -> set[str]:
    """Texts the record itself declares not personal (each entry needs a reason), folded."""
    allowed = set()
    for entry in (data.get("not_personal") or []) if isinstance(data, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("text"), str) and entry.get("reason"):
            allowed.add(canonical(entry["text"]))
    return allowed


def scan(data: Any, names: Names = (), allowed: set[str] | None = None) -> list[Finding]:
    """What in the fields of ``data`` looks like personal data, field by field."""
    allowed = allowed_texts(data) if allowed is None else allowed
    fields = list(_strings(data))
    # one pass over every field (a pass per field costs twice the whole check)
    text = FIELD_BREAK.join(value for _, value in fields)
    starts = list(itertools.accumulate((len(v) + len(FIELD_BREAK) for _, v in fields), initial=0))
    found = []
    for hit in find(text, detectors(names)):
        written = hit.written(text)
        if canonical(written) not in allowed:
            found.append(Finding(fields[bisect.bisect_right(starts, hit.start) - 1][0], hit.kind, written))
    return found


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.M)


def _raw_finding(text: str, hit: Hit) -> Finding:
    """A finding in the text as written: its line and column, the field it sits under."""
    line_start = text.rfind("\n", 0, hit.start) + 1
    line = text.count("\n", 0, hit.start) + 1
    before = text[line_start : hit.start]
    comment = re.search(r"(?:^|\s)#", before) is not None
    keys = list(_TOP_KEY.finditer(text, 0, line_start + len(before)))
    field_name = keys[-1].group(1) if keys else ""
    return Finding(
        field_name,
        hit.kind,
        hit.written(text),
        line,
        hit.start - line_start + 1,
        "in a comment" if comment else "",
    )


def scan_file(
    text: str, names: Names = (), data: Any = None, also_allowed: Iterable[str] = ()
) -> list[Finding]:
    """What in a file looks like personal data: each field's value (``data``, the file
    parsed, when it parses) and the raw text, comments included, each with its line.
    ``also_allowed``: texts known not to be personal here (jatac.yaml's team mailboxes)."""
    names = names if isinstance(names, NameFingerprints) else tuple(names)
    allowed = allowed_texts(data) | {canonical(t) for t in also_allowed}
    hits = find(text, detectors(names))
    raw = [_raw_finding(text, h) for h in hits if canonical(h.written(text)) not in allowed]
    found = []
    for finding in scan(data, names, allowed) if isinstance(data, dict) else []:
        # the line of the same thing in the raw text, if it reads the same there
        same = next(
            (r for r in raw if (r.kind, canonical(r.text)) == (finding.kind, canonical(finding.text))),
            None,
        )
        if same is not None:
            raw.remove(same)
            finding = Finding(finding.field, finding.kind, finding.text, same.line, same.column)
        found.append(finding)
    found.extend(raw)  # comments, keys, values only the raw text shows (a number, a broken file)
    return sorted(found, key=lambda f: (f.line or 0, f.column or 0))


class PersonalData(JatacError):
    """A record holds what looks like personal data."""

    def __init__(self, relpath: str, findings: list[Finding]) -> None:
        self.problems = [f.problem(relpath) for f in findings]
        super().__init__(
            f"{relpath} would hold personal data, so nothing was written:\n"
            + "\n".join(f"  {p}" for p in self.problems),
            hint=HOW_TO,
        )


def _parsed(text: str, relpath: str) -> Any:
    from jatac.storage.yaml_roundtrip import YamlProblem, fast_load, parse, plain

    data = fast_load(text)
    if data is None:
        try:
            data = plain(parse(text, relpath))
        except YamlProblem:
            return None  # not YAML: its raw text is still read
    return data


def check_text(
    relpath: str, text: str, names: Names = (), data: Any = None, also_allowed: Iterable[str] = ()
) -> None:
    """Raise PersonalData if the text of a record file holds personal data. ``data``: the text
    parsed, if the caller has it (the document it was written from)."""
    data = data if isinstance(data, dict) else _parsed(text, relpath)
    findings = scan_file(text, names, data, also_allowed)
    if findings:
        raise PersonalData(relpath, findings)


@dataclass
class Checked:
    """What `jatac check` found: problems, how many files were read, and why the names in
    the people store could not be looked for (None: they were, or there are none)."""

    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    names_unchecked: str | None = None
    outputs: list[Problem] = field(default_factory=list)  # papers, mail drafts, exports git would take
