"""What a push changed that a coordinator must know, said by `jatac sync` as it comes in.

A push is input jatac did not write: a partner (or a stolen account) can lower a case's
marking so the wide group's papers show it, rewrite a past quarter the Performance Group
has minuted, edit minutes the group agreed as a correct record, or bring personal data
into the shared history. None of that is refused (it is already on the shared
repository); each is named, file by file, so the coordinator can look before sending
anything. Everything is read from the two commits, never from the work tree.

- a lowered marking: a case, a meeting, minutes or a fund request once OFFICIAL-SENSITIVE
  and now marked lower;
- a closed period's figures: for each case whose file or SARA package changed, the
  Performance Group's figures of each quarter already over, made from the case as it was
  and as it is (a report counts each case on its own, so a case that changes a quarter's
  figures on its own changes that quarter's report);
- agreed minutes changed: minutes agreed (or locked) before the push whose content,
  state or earlier corrections differ after it (a correction recorded beside them is how
  agreed minutes change, and is not named);
- an agency put on a core group (a member added to it, or the group made core): from then
  on it receives that group's OFFICIAL-SENSITIVE papers (told with the markings);
- personal data arriving: what the personal data guard finds in a file that came in and
  did not find in the file before (its kind, field and line; the text itself is not
  repeated on the screen).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from jatac.git import remote
from jatac.git.audit import Audit
from jatac.storage.repository import CONFIG_FILE, KINDS, Repository
from jatac.storage.yaml_roundtrip import YamlProblem, fast_load, parse, plain

MARKING, FIGURES, MINUTES, PERSONAL = "marking", "figures", "minutes", "personal data"
SENSITIVE = "OFFICIAL-SENSITIVE"
QUARTERS_BACK = 20  # five years of closed quarters is as far back as a report is made again
LARGEST_TEXT = 2 * 1024 * 1024  # a bigger file that came in is not a record to read for names
# the figures of a quarter's own report, in the words the report uses
FIGURE_WORDS = {
    "opened": "raised",
    "adopted": "adopted",
    "closed": "closed",
    "outcomes": "outcomes",
    "packages_completed": "SARA packages completed",
    "objectives": "objectives met",
    "overdue_actions": "overdue actions",
    "open_actions": "open actions",
    "escalations": "escalations",
    "by_locality": "cases by locality",
    "by_category": "cases by category",
}


@dataclass(frozen=True)
class Tell:
    """One thing a push changed that the coordinator must know."""

    kind: str  # MARKING, FIGURES, MINUTES or PERSONAL
    path: str  # the file it is about, from the repository's root
    says: str  # the sentence shown


def tells(
    repo: Repository, audit: Audit, before: str, after: str, changed: Iterable[tuple[str, str]]
) -> list[Tell]:
    """What the change from ``before`` to ``after`` (``changed``: its (state, path) pairs)
    did that a coordinator must know, in the order of the kinds above."""
    changed = list(changed)
    found: list[Tell] = []
    at = _At(repo, audit, before, after)
    for state, path in changed:
        found += _marking(at, state, path)
    found += _figures(at, changed)
    for state, path in changed:
        found += _minutes(at, state, path)
    if any(path == CONFIG_FILE for _, path in changed):
        found += _core_recipients(at)
    found += _personal(at, changed)
    return found


class _At:
    """The two sides of what came in, each file read (and parsed) once."""

    def __init__(self, repo: Repository, audit: Audit, before: str, after: str) -> None:
        self.repo, self.audit, self.before, self.after = repo, audit, before, after
        self._texts: dict[tuple[str, str], str | None] = {}

    def text(self, rev: str, path: str) -> str | None:
        if (rev, path) not in self._texts:
            self._texts[rev, path] = remote.text_at(self.audit, rev, path)
        return self._texts[rev, path]

    def data(self, rev: str, path: str) -> dict[str, Any] | None:
        text = self.text(rev, path)
        return None if text is None else parsed(text, path)


def parsed(text: str, path: str) -> dict[str, Any] | None:
    """A record's text at some revision as plain data, or None if it is not a mapping."""
    data = fast_load(text)
    if data is None:
        try:
            data = plain(parse(text, path))
        except YamlProblem:
            return None
    return data if isinstance(data, dict) else None


def _folder(path: str) -> str:
    return path.split("/", 1)[0]


def _kind_of(path: str) -> str | None:
    """The kind of record a file of the push is (a KINDS name), by its folder and name."""
    if not path.endswith(".yaml"):
        return None
    return next((name for name, kind in KINDS.items() if kind.folder == _folder(path)), None)


# -- markings ---------------------------------------------------------------------------


def _marked_parts(kind: str, data: dict[str, Any]) -> dict[str, str]:
    """What carries a marking in a record, by what it is called: the record, or each request."""
    if kind == "fund":
        requests = data.get("requests")
        return {
            f"request {r.get('id')}": str(r.get("marking") or "OFFICIAL")
            for r in (requests if isinstance(requests, list) else [])
            if isinstance(r, dict)
        }
    return {"": str(data.get("marking") or "OFFICIAL")}


def _marking(at: _At, state: str, path: str) -> list[Tell]:
    kind = _kind_of(path)
    if kind not in {"case", "meeting", "minutes", "fund"} or state.startswith("A"):
        return []
    old = at.data(at.before, path)
    if state.startswith("D"):
        return _sensitive_removed(str(kind), path, old)
    new = at.data(at.after, path)
    if old is None or new is None:
        return []
    was, now = _marked_parts(str(kind), old), _marked_parts(str(kind), new)
    found = []
    for part, marking in was.items():
        lowered = now.get(part)
        if marking == SENSITIVE and lowered is not None and lowered != SENSITIVE:
            what = f"{Path(path).stem}" + (f", {part}" if part else "")
            found.append(
                Tell(
                    MARKING,
                    path,
                    f"{what}: marking lowered from {SENSITIVE} to {lowered}; the wide group's "
                    "papers, exports and site will now show it",
                )
            )
    return found


def _sensitive_removed(kind: str, path: str, old: dict[str, Any] | None) -> list[Tell]:
    """A removed file that said OFFICIAL-SENSITIVE: nothing marks what it held any more (a
    copy filed under another name, a text naming it), so it is a marking lowered too."""
    if old is None or SENSITIVE not in _marked_parts(kind, old).values():
        return []
    return [
        Tell(
            MARKING,
            path,
            f"{Path(path).stem}: an {SENSITIVE} record was removed; what names it, or a copy of it "
            "filed under another name, is no longer withheld from the wide group's papers, "
            "exports and site",
        )
    ]


# -- who receives OFFICIAL-SENSITIVE papers ----------------------------------------------------


def _core_members(config: dict[str, Any] | None) -> dict[str, set[str]]:
    """For each core group of a jatac.yaml (as plain data), the agencies with a member on it."""
    if config is None:
        return {}
    groups = _list(config.get("groups"))
    agencies = _list(config.get("agencies"))
    core = {
        str(g.get("id")): str(g.get("name") or g.get("id"))
        for g in groups
        if isinstance(g, dict) and str(g.get("audience") or "core") == "core"
    }
    sitting: dict[str, set[str]] = {name: set() for name in core.values()}
    for agency in agencies:
        if not isinstance(agency, dict) or not isinstance(agency.get("members"), list):
            continue
        for member in agency["members"]:
            on = member.get("groups") if isinstance(member, dict) else None
            for group in on if isinstance(on, list) else []:
                if str(group) in core:
                    sitting[core[str(group)]].add(str(agency.get("name") or agency.get("id")))
    return sitting


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _core_recipients(at: _At) -> list[Tell]:
    """Agencies a push put on a core group (a member added to it, or a group made core): from
    now on they receive its OFFICIAL-SENSITIVE agendas and minutes."""
    was, now = (_core_members(at.data(rev, CONFIG_FILE)) for rev in (at.before, at.after))
    found = []
    for group, agencies in now.items():
        added = sorted(agencies - was.get(group, set()))
        if added:
            found.append(
                Tell(
                    MARKING,
                    CONFIG_FILE,
                    f"{CONFIG_FILE}: {', '.join(added)} now {'sit' if len(added) > 1 else 'sits'} on the "
                    f"{group}, a core group: its OFFICIAL-SENSITIVE agendas and minutes will go to "
                    f"{'them' if len(added) > 1 else 'it'}",
                )
            )
    return found


# -- a closed period's figures ------------------------------------------------------------


def _figures(at: _At, changed: list[tuple[str, str]]) -> list[Tell]:
    from jatac.clock import today
    from jatac.partnership.reports import last_quarters, quarter_of, quarter_range

    cases = sorted({Path(p).stem for _, p in changed if _kind_of(p) in {"case", "sara"}})
    if not cases:
        return []
    this_quarter_began = quarter_range(quarter_of(today()))[0]
    closed = last_quarters(this_quarter_began - timedelta(days=1), QUARTERS_BACK)
    found = []
    for case_id in cases:
        sides = [_case_data(at, rev, case_id) for rev in (at.before, at.after)]
        if any(side is False for side in sides):
            continue  # a side that is no case jatac can read: validate names it
        raised = [s.cases[0].raised_on for s in sides if s and s.cases]
        if not raised:
            continue
        first = quarter_of(min(raised))
        quarters = [q for q in closed if q >= first]
        differ: dict[str, list[str]] = {}
        for quarter in quarters:
            old, new = (_quarter_figures(at.repo, s, quarter) for s in sides)
            words = [FIGURE_WORDS[k] for k in FIGURE_WORDS if old.get(k) != new.get(k)]
            if words:
                differ[quarter] = words
        if differ:
            relpath = KINDS["case"].relpath(case_id)
            named = ", ".join(differ)
            what = sorted(
                {w for words in differ.values() for w in words}, key=list(FIGURE_WORDS.values()).index
            )
            found.append(
                Tell(
                    FIGURES,
                    relpath,
                    f"{case_id}: changes the figures of {named} ({', '.join(what)}), "
                    f"{'a quarter' if len(differ) == 1 else 'quarters'} already over: a report "
                    "about it made again would no longer say what was reported",
                )
            )
    return found


def _case_data(at: _At, rev: str, case_id: str) -> Any:
    """The case and its package at ``rev`` as report data: None if it was not there, False
    if it was there but is not a case jatac can read."""
    from pydantic import ValidationError

    from jatac.errors import BadId
    from jatac.partnership.reports import Data

    try:
        case_path, sara_path = KINDS["case"].relpath(case_id), KINDS["sara"].relpath(case_id)
    except BadId:  # a file in issues/ not named as a case
        return False
    case_data = at.data(rev, case_path)
    if case_data is None:
        return None if at.text(rev, case_path) is None else False
    try:
        config = at.repo.config
        case = KINDS["case"].model.model_validate(case_data, context={"config": config})
        sara_data = at.data(rev, sara_path)
        packages: dict[str, Any] = {}
        if sara_data is not None:
            packages[case_id] = KINDS["sara"].model.model_validate(
                sara_data, context={"config": config, "case": case}
            )
    except (ValidationError, ValueError):
        return False
    return Data([case], packages)  # type: ignore[list-item]


def _quarter_figures(repo: Repository, data: Any, quarter: str) -> dict[str, Any]:
    """A quarter's own figures (the trend columns of its own quarter only) from ``data``."""
    from jatac.partnership.reports import Data, performance

    figures = asdict(performance(repo, data or Data([], {}), quarter))
    for trend in ("by_locality", "by_category"):
        figures[trend] = {r["id"]: r["counts"][-1] for r in figures[trend] if r["counts"][-1]}
    return {k: figures[k] for k in FIGURE_WORDS}


# -- agreed minutes -----------------------------------------------------------------------

_STATE = ("state", "corrections")


def _minutes(at: _At, state: str, path: str) -> list[Tell]:
    if _kind_of(path) != "minutes" or state.startswith("A"):
        return []
    old = at.data(at.before, path)
    if old is None or old.get("state") not in {"agreed", "locked"}:
        return []
    meeting = Path(path).stem
    agreed = f"the minutes of {meeting}, agreed as a correct record"
    new = None if state.startswith("D") else at.data(at.after, path)
    if new is None:
        what = "were removed" if state.startswith("D") else "no longer read as minutes"
        return [Tell(MINUTES, path, f"{agreed}, {what}")]
    earlier = old.get("corrections") or []
    later = new.get("corrections") or []
    rest_changed = {k: v for k, v in old.items() if k not in _STATE} != {
        k: v for k, v in new.items() if k not in _STATE
    }
    corrections_rewritten = not isinstance(later, list) or later[: len(earlier)] != earlier
    state_back = new.get("state") not in {old.get("state"), "locked"}
    if not (rest_changed or corrections_rewritten or state_back):
        return []  # a correction recorded beside them, or locked: how agreed minutes change
    what = ", ".join(
        w
        for w, yes in (
            ("what they record was edited", rest_changed),
            ("an earlier correction was changed or removed", corrections_rewritten),
            (f"their state went back to {new.get('state')}", state_back),
        )
        if yes
    )
    return [Tell(MINUTES, path, f"{agreed}, were changed: {what} (not by a recorded correction)")]


# -- personal data ------------------------------------------------------------------------


def _personal(at: _At, changed: list[tuple[str, str]]) -> list[Tell]:
    from jatac.guard.people import known_names
    from jatac.guard.privacy import canonical, scan_file

    incoming = [p for s, p in changed if not s.startswith("D")]
    if not incoming:
        return []
    names, _ = known_names(at.repo)
    found = []
    for path in incoming:
        text = at.text(at.after, path)
        if text is None or len(text) > LARGEST_TEXT or "\0" in text:
            continue  # not there as a file (a link, a sub-module) or not text
        old = at.text(at.before, path)
        known = set()
        if old is not None and "\0" not in old and len(old) <= LARGEST_TEXT:
            known = {(f.kind, canonical(f.text)) for f in scan_file(old, names, parsed(old, path))}
        new = [
            f for f in scan_file(text, names, parsed(text, path)) if (f.kind, canonical(f.text)) not in known
        ]
        for f in new:
            where = f"{path}:{f.line}" if f.line else path
            field = f" in {f.field}" if f.field else ""
            extra = f" ({f.where})" if f.where else ""
            found.append(Tell(PERSONAL, path, f"{where}: what looks like {f.kind} came in{field}{extra}"))
    return found
