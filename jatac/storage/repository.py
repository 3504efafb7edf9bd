"""The case repository on disk: find it, map ids to files, read, validate, write.

Every record kind (cases now; SARA packages and meetings later) is a ``Kind``:
a folder, an id pattern and a model. Adding a kind is adding a model and one
line in ``KINDS``, not a new store.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jatac.errors import BadId, InvalidRecord, NotARepository, NotFound, Problem
from jatac.models.facts import CASE_FACTS, CASE_SHAPES, SARA_FACTS, SARA_SHAPES
from jatac.models.ids import CASE_ID_RE, FUND_YEAR_RE, MEETING_ID_RE
from jatac.storage.fs import atomic_write as atomic_write  # re-exported: every writer's one way
from jatac.storage.fs import inside
from jatac.storage.yaml_fast import YamlProblem

if TYPE_CHECKING:
    from pydantic import BaseModel
    from ruamel.yaml.comments import CommentedMap

    from jatac.models.config import PartnershipConfig
    from jatac.storage.settings_cache import Settings

CONFIG_FILE = "jatac.yaml"


@dataclass(frozen=True)
class Kind:
    """One kind of record: where its files live and which model checks them."""

    name: str
    folder: str
    model_ref: str  # "module:Class", imported on first use
    id_re: re.Pattern[str]
    id_example: str
    id_field: str = "id"
    # validated with the case of the same id as context (a SARA package and its case)
    with_case: bool = False
    # the commit trailer that names a record of this kind, for `git log --grep`
    trailer: str = "Jatac-Case"
    # the fields listing, filtering and cross-checks read from the index without the rest
    # (None: they read whole records)
    facts: tuple[str, ...] | None = None
    # what each fact holds (jatac.models.facts.facts_fit): index entries of another shape are not read
    shapes: dict[str, Any] | None = field(default=None, hash=False, compare=False)

    @property
    def model(self) -> type[BaseModel]:
        module, _, attr = self.model_ref.partition(":")
        return getattr(importlib.import_module(module), attr)

    @property
    def fields(self) -> list[str]:
        return list(self.model.model_fields)

    def check_id(self, record_id: str) -> re.Match[str]:
        match = self.id_re.fullmatch(record_id)
        if match is None:
            raise BadId(
                f"{record_id!r} is not a {self.name} id",
                hint=f"{self.name.capitalize()} ids look like {self.id_example}.",
            )
        return match

    def relpath(self, record_id: str) -> str:
        """The file of a record (posix path from the root), from its id alone (per-year folders
        keep git walks short). A plain string: validate asks for 30,000 of them."""
        match = self.check_id(record_id)
        return f"{self.folder}/{match.group('year')}/{record_id}.yaml"

    def misplaced(self, rel: str, match: re.Match[str]) -> bool:
        """Whether the file ``rel``, named for the id ``match`` matched, is in another folder
        than its id's (a case of 2026 under issues/2025/): then it is not that record, only a
        problem for validate. One comparison, no path objects: listing asks for 10,000."""
        return rel != f"{self.folder}/{match.group('year')}/{match.string}.yaml"


KINDS: dict[str, Kind] = {
    "case": Kind(
        "case",
        "issues",
        "jatac.models.case:Issue",
        CASE_ID_RE,
        "JAT-2026-0001",
        facts=CASE_FACTS,  # what `list` shows and filters on, validate cross-checks
        shapes=CASE_SHAPES,
    ),
    "sara": Kind(
        "SARA package",
        "sara",
        "jatac.models.sara:SaraPackage",
        CASE_ID_RE,
        "JAT-2026-0001",
        id_field="case",
        with_case=True,
        facts=SARA_FACTS,  # validate: is a closed case's evaluation complete?
        shapes=SARA_SHAPES,
    ),
    "meeting": Kind(
        "meeting",
        "meetings",
        "jatac.models.meeting:Meeting",
        MEETING_ID_RE,
        "2026-12-07-coordinating",
        trailer="Jatac-Meeting",
    ),
    "minutes": Kind(
        "minutes",
        "minutes",
        "jatac.models.meeting:Minutes",
        MEETING_ID_RE,
        "2026-12-07-coordinating",
        id_field="meeting",
        trailer="Jatac-Meeting",
    ),
    "fund": Kind(
        "fund ledger",
        "fund",
        "jatac.models.fund:FundLedger",
        FUND_YEAR_RE,
        "2026-27",
        id_field="year",
        trailer="Jatac-Fund",
    ),
}


@dataclass
class Loaded:
    """A record read from its file: the validated model and the round-trip document."""

    kind: Kind
    relpath: str
    text: str
    doc: CommentedMap
    record: Any


def find_root(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """The repository root: ``explicit`` (--repo, JATAC_REPO) or the nearest jatac.yaml upward."""
    if explicit:
        root = Path(explicit).expanduser().resolve()
        if not (root / CONFIG_FILE).is_file():
            raise NotARepository(
                f"{root} is not a jatac case repository (it has no {CONFIG_FILE})",
                hint="Check the path, or create one with: jatac init PATH --name NAME --prefix JAT",
            )
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise NotARepository(
        f"no {CONFIG_FILE} here or in any folder above {here}",
        hint="cd into a case repository, pass --repo PATH (or set JATAC_REPO), "
        "or create one with: jatac init PATH --name NAME --prefix JAT",
    )


def read_text(path: Path, relpath: str, raw: bytes | None = None) -> str:
    """The file's text (``raw``: its bytes, already read); binary or non-UTF-8 is a Problem."""
    if raw is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"{relpath} does not exist") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InvalidRecord(
            [
                Problem(
                    relpath,
                    line,
                    None,
                    "",
                    "not UTF-8 text (binary data, or saved in another encoding)",
                )
            ]
        ) from None


def screen_keys(text: str, relpath: str, model: Any) -> None:
    """Refuse a large file's top-level keys that are no field of ``model`` before the careful
    (slow) reading; a file under ``yaml_fast.LARGE`` is left to it (it names every problem)."""
    from jatac.storage.yaml_fast import LARGE, unknown_keys

    if len(text) <= LARGE:
        return
    found = unknown_keys(text, list(model.model_fields))
    if found:
        from jatac.storage.problems import MAX_PROBLEMS, unknown_field

        problems = [
            Problem(relpath, line, col, key[:80], unknown_field(list(model.model_fields)))
            for key, line, col in found[:MAX_PROBLEMS]
        ]
        if len(found) > MAX_PROBLEMS:
            more = len(found) - MAX_PROBLEMS
            problems.append(Problem(relpath, None, None, "", f"and {more:,} more problems; fix these first"))
        raise InvalidRecord(problems)


class Repository:
    """A case repository rooted at the folder holding jatac.yaml."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @classmethod
    def find(cls, explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Repository:
        return cls(find_root(explicit, start))

    # -- config ----------------------------------------------------------------

    @cached_property
    def config(self) -> PartnershipConfig:
        """jatac.yaml's settings, read once per command (and a refusal of them, once too)."""
        raw = inside(self.root, CONFIG_FILE, "settings file").read_bytes()
        refused = self._config_refused
        if refused is not None and refused[0] == raw:
            # refused once already: a command that asks again (validate, then a check that
            # needs the settings) is told the same without reading a 1 MB file again
            raise InvalidRecord(refused[1].problems, refused[1].hint)
        try:
            return self._read_config(raw)
        except InvalidRecord as e:
            self._config_refused = (raw, e)
            raise

    _config_refused: tuple[bytes, InvalidRecord] | None = None

    def _read_config(self, raw: bytes) -> PartnershipConfig:
        from jatac.models.config import PartnershipConfig
        from jatac.storage import index
        from jatac.storage.lock import local_dir

        # jatac.yaml as last read, kept as JSON while it is unchanged: a command that reads no
        # other file through libyaml then never imports it (a fortieth of a second)
        cache, stamp = local_dir(self.root, "index", "config.json"), index.stamp(self, raw)
        saved = index.read_stamped(self.root, cache, stamp).get("data") if index.enabled() else None
        if isinstance(saved, dict):
            try:
                return PartnershipConfig.model_validate(saved)
            except ValueError:
                pass  # not as it was saved: read the file
        from jatac.storage.yaml_fast import fast_read

        text = read_text(self.root / CONFIG_FILE, CONFIG_FILE, raw)
        read = fast_read(text)
        if read is not None:
            data, node = read
            config = self._validate(PartnershipConfig, data, CONFIG_FILE, context=None, node=node)
        else:
            from jatac.storage.yaml_roundtrip import plain

            screen_keys(text, CONFIG_FILE, PartnershipConfig)
            doc = self._parse(text, CONFIG_FILE)
            config = self._validate(PartnershipConfig, doc, CONFIG_FILE, context=None)
            data = plain(doc)
        if index.enabled():
            index.write_stamped(self.root, cache, stamp, {"data": _as_json(data)})
        return config

    @cached_property
    def settings(self) -> Settings:
        """What listing needs of jatac.yaml, as plain data (cached; see jatac/storage/settings_cache.py)."""
        from jatac.storage.settings_cache import load

        return load(self)

    def validate_config(self) -> None:
        """Raise InvalidRecord if jatac.yaml is wrong."""
        _ = self.config

    # -- paths -----------------------------------------------------------------

    def relpath(self, kind: Kind, record_id: str) -> str:
        return kind.relpath(record_id)

    def path(self, kind: Kind, record_id: str) -> Path:
        return inside(self.root, kind.relpath(record_id), kind.name)

    def entries(self, kind: Kind) -> list[tuple[str, str]]:
        """(relative path, stem) of every record file of a kind, in order.

        Plain strings from os.scandir: with 10,000 files pathlib's objects cost more
        than reading the files does. A symbolic link that leads out of the repository, in
        place of a file or a folder, is refused (OutsideRepository) before anything is read.
        """
        found = []
        top = os.path.join(self.root, kind.folder)
        try:
            inside(self.root, kind.folder, kind.name)
            years = [e for e in os.scandir(top) if e.is_dir()]
        except FileNotFoundError:
            return []
        for year in years:
            if year.is_symlink():
                inside(self.root, f"{kind.folder}/{year.name}", kind.name)
            for entry in os.scandir(year.path):
                name = entry.name
                if name.endswith(".yaml") and not name.startswith(".") and entry.is_file():
                    rel = f"{kind.folder}/{year.name}/{name}"
                    if entry.is_symlink():
                        inside(self.root, rel, kind.name)
                    found.append((rel, name[:-5]))
        found.sort()
        return found

    def ids_named(self, kind: Kind) -> set[str]:
        """Every id that begins a name in the kind's year folders, whatever the name ends with
        and whatever it is (a file, a folder, a link): a record known to be there, read or not.
        Only names are listed, nothing is opened; a year folder that is a link is passed over
        (``entries`` refuses one that leads out)."""
        found: set[str] = set()
        top = os.path.join(self.root, kind.folder)
        try:
            years = [e for e in os.scandir(top) if e.is_dir(follow_symlinks=False)]
        except (FileNotFoundError, NotADirectoryError):
            return found
        for year in years:
            with contextlib.suppress(OSError):
                for entry in os.scandir(year.path):
                    stem = entry.name.split(".", 1)[0]
                    if kind.id_re.fullmatch(stem):
                        found.add(stem)
        return found

    def files(self, kind: Kind) -> list[Path]:
        return [self.root / rel for rel, _ in self.entries(kind)]

    def ids(self, kind: Kind) -> list[str]:
        """Every id a file claims, also one filed in the wrong folder (which is no record):
        what must be withheld while it cannot be read, and what a new record must not reuse.
        Whether a record exists is ``placed_ids``."""
        return [stem for _, stem in self.entries(kind) if kind.id_re.fullmatch(stem)]

    def placed_ids(self, kind: Kind) -> list[str]:
        """The ids of the files in their place (what a reader reads as records)."""
        found = []
        for rel, stem in self.entries(kind):
            match = kind.id_re.fullmatch(stem)
            if match is not None and not kind.misplaced(rel, match):
                found.append(stem)
        return found

    def misplaced_problem(self, kind: Kind, rel: str, record_id: str) -> Problem:
        """What validate says of a record file filed in the wrong folder: where it belongs and
        the line of its id (read only now: such files are few)."""
        expected = kind.relpath(record_id)
        line = None
        with contextlib.suppress(OSError):
            text = inside(self.root, rel, kind.name).read_bytes().decode("utf-8", "replace")
            found = re.search(rf"^{re.escape(kind.id_field)}[ \t]*:", text, re.MULTILINE)
            line = text.count("\n", 0, found.start()) + 1 if found else None
        if (self.root / expected).exists():
            message = (
                f"a second file for {kind.name} {record_id}, which is {expected}; "
                "it is not read: remove it, or merge what it holds into that file"
            )
        else:
            message = (
                f"{record_id} belongs in {expected}; it is not read as a {kind.name} "
                f"until it is moved there (git mv {rel} {expected})"
            )
        return Problem(rel, line, None, kind.id_field, message)

    # -- reading ---------------------------------------------------------------

    def _parse(self, text: str, relpath: str) -> CommentedMap:
        from jatac.storage.yaml_roundtrip import parse

        try:
            return parse(text, relpath)
        except YamlProblem as e:
            raise InvalidRecord([e.problem]) from None

    def _validate(
        self, model: type[BaseModel], doc: Any, relpath: str, context: Any, node: Any = None
    ) -> Any:
        """``doc`` (a round-trip document; or, with ``node``, plain data and libyaml's node tree
        of the same text) as a ``model``, or InvalidRecord naming lines and fields."""
        from pydantic import ValidationError

        from jatac.storage.problems import from_validation

        if node is None:
            from jatac.storage.yaml_roundtrip import plain

            data = plain(doc)
        else:
            data = doc
        try:
            return model.model_validate(data, context=context)
        except ValidationError as e:
            from jatac.storage.yaml_fast import no_gc

            with no_gc():  # 45,000 errors beside a large tree: the collector would scan it, and again
                problems = from_validation(
                    e, doc if node is None else node, relpath, list(model.model_fields), model=model
                )
            raise InvalidRecord(problems) from None

    def validate_doc(
        self,
        kind: Kind,
        doc: CommentedMap,
        relpath: str,
        expect_id: str | None = None,
        case: Any = None,
    ) -> Any:
        """The record ``doc`` describes, or InvalidRecord naming lines and fields."""
        return self._checked(kind, doc, None, relpath, expect_id, case)

    def _checked(
        self, kind: Kind, doc: Any, node: Any, relpath: str, expect_id: str | None, case: Any
    ) -> Any:
        """As ``validate_doc``; with ``node``, ``doc`` is plain data read by libyaml."""
        if kind.with_case and case is None and expect_id is not None:
            case = self._case_for(expect_id)
        record = self._validate(kind.model, doc, relpath, {"config": self.config, "case": case}, node)
        if expect_id is not None and record.id != expect_id:
            from jatac.storage.problems import position_in

            line, col = position_in(doc if node is None else node, (kind.id_field,), False)
            message = f"{record.id!r} does not match the file name {expect_id}.yaml"
            raise InvalidRecord(
                [Problem(relpath, line, col, kind.id_field, message)],
                hint="An id never changes; the file name and the id must agree.",
            )
        return record

    def _case_for(self, record_id: str) -> Any:
        try:
            return self.record(KINDS["case"], record_id)
        except (NotFound, InvalidRecord):
            return None  # a package without a readable case: validate reports that

    # -- what a caller wants: one record, many records, their listing facts, one opened for
    # change. Each reads through the index where it can (unchanged files are not parsed).

    def _require(self, kind: Kind, record_id: str) -> str:
        relpath = self.relpath(kind, record_id)
        if not inside(self.root, relpath, kind.name).exists():
            raise NotFound(
                f"there is no {kind.name} {record_id}",
                hint=f"`jatac list --all` shows every {kind.name}.",
            )
        return relpath

    def record(self, kind: Kind, record_id: str, as_data: bool = False) -> Any:
        """One record, for reading only (``open`` is for changing it). ``as_data``: its checked
        data (``model_dump(mode="json")``), from the index while its file is unchanged, so
        `show` answers without building a model or importing pydantic."""
        from jatac.storage import index

        relpath = self._require(kind, record_id)
        if not as_data:
            return self.read_file(kind, relpath, record_id)
        if not index.enabled() or kind.with_case:
            return dict(self.read_file(kind, relpath, record_id).model_dump(mode="json"))
        found, problems, _ = index.load_all(
            self, kind, only={record_id}, shape="data", listed=[(relpath, record_id)]
        )
        if problems:
            raise InvalidRecord(problems)
        return dict(found[0])

    def open(self, kind: Kind, record_id: str, case: Any = None) -> Loaded:
        """A record to change: its text, its round-trip document and its model. ``case``: for a
        kind checked with its case (a package), the case, if the caller has read it already."""
        relpath = self._require(kind, record_id)
        text = read_text(inside(self.root, relpath, kind.name), relpath)
        doc = self._parse(text, relpath)
        record = self.validate_doc(kind, doc, relpath, expect_id=record_id, case=case)
        return Loaded(kind, relpath, text, doc, record)

    def records(
        self,
        kind: Kind,
        cases: Mapping[str, Any] | None = None,
        *,
        only: set[str] | None = None,
        as_data: bool = False,
        listed: list[tuple[str, str]] | None = None,
    ) -> tuple[list[Any], list[Problem]]:
        """Every valid record of a kind (or those in ``only``), and the problems of the files
        that are not. ``as_data``: as checked data, no models built (for a caller that filters
        thousands and shows a few). ``cases``: for kinds checked with their case, the cases by
        id, if the caller has them; ``listed``: ``entries(kind)``, if the caller has it."""
        return self._through_index(kind, cases, listed, only, "data" if as_data else "models")[:2]

    def keyed(
        self, kind: Kind, cases: Mapping[str, Any] | None = None, *, only: set[str] | None = None
    ) -> tuple[list[dict[str, Any]], list[Problem], dict[str, str]]:
        """As ``records(kind, as_data=True)``, with each file's key in the index (the digest of
        its bytes; a package's joined with its case's): what a cache kept beside the index
        (the search database) is keyed on."""
        return self._through_index(kind, cases, None, only, "data")

    def facts(
        self,
        kind: Kind,
        cases: Mapping[str, Any] | None = None,
        listed: list[tuple[str, str]] | None = None,
    ) -> tuple[list[dict[str, Any]], list[Problem]]:
        """Every valid record of a kind as its listing facts (``kind.facts``): what filtering
        thousands needs, read from the index's small head. Never rebuild models from it."""
        return self._through_index(kind, cases, listed, None, "facts")[:2]

    def _through_index(
        self,
        kind: Kind,
        cases: Mapping[str, Any] | None,
        listed: list[tuple[str, str]] | None,
        only: set[str] | None,
        shape: str,
    ) -> tuple[list[Any], list[Problem], dict[str, str]]:
        from jatac.storage import index

        if not index.enabled():
            if kind.with_case and cases is None:
                cases = {c.id: c for c in self._read_files(KINDS["case"], None)[0]}
            records, problems = self._read_files(kind, cases)
            if only is not None:
                records = [r for r in records if r.id in only]
            if shape == "models":
                return records, problems, {}
            data = [r.model_dump(mode="json") for r in records]
            names = kind.facts if shape == "facts" else None
            return ([{k: d[k] for k in names} for d in data] if names else data), problems, {}
        if kind.with_case and cases is None:
            if shape == "models":
                cases = {c.id: c for c in self.records(KINDS["case"])[0]}
            else:
                cases = CaseModels(self, {d["id"]: d for d in self.facts(KINDS["case"])[0]})
        case_digests = self._case_digests if kind.with_case else None
        found, problems, digests = index.load_all(
            self, kind, cases, case_digests, only=only, shape=shape, listed=listed
        )
        if kind is KINDS["case"] and only is None:
            self._case_digests = digests  # the index keys packages on their case's digest
        return found, problems, digests

    _case_digests: dict[str, str] | None = None

    def read_file(
        self, kind: Kind, relpath: str, record_id: str, case: Any = None, content: bytes | None = None
    ) -> Any:
        """A record file for reading only: libyaml when it reads the file exactly, else the
        careful path (with lines and columns). ``content``: the file's bytes when the caller
        has read them (and keyed an index on them)."""
        from jatac.storage.yaml_fast import fast_read

        text = (
            read_text(self.root / relpath, relpath, content)
            if content is not None
            else read_text(inside(self.root, relpath, kind.name), relpath)
        )
        read = fast_read(text)
        if read is not None:  # libyaml read it as ruamel would: its nodes place any problem
            return self._checked(kind, read[0], read[1], relpath, record_id, case)
        screen_keys(text, relpath, kind.model)
        doc = self._parse(text, relpath)
        return self.validate_doc(kind, doc, relpath, expect_id=record_id, case=case)

    def _read_files(self, kind: Kind, cases: Mapping[str, Any] | None) -> tuple[list[Any], list[Problem]]:
        records, problems = [], []
        for path in self.files(kind):
            rel = path.relative_to(self.root).as_posix()
            match = kind.id_re.fullmatch(path.stem)
            if match is None:
                problems.append(Problem(rel, None, None, "", f"{path.stem!r} is not a {kind.name} id"))
                continue
            if kind.misplaced(rel, match):
                problems.append(self.misplaced_problem(kind, rel, path.stem))
                continue
            case = cases.get(path.stem) if (cases is not None and kind.with_case) else None
            try:
                records.append(self.read_file(kind, rel, path.stem, case))
            except InvalidRecord as e:
                problems.extend(e.problems)
        return records, problems

    def next_case_id(self, year: int) -> str:
        """The next free id of ``year``: only that year's folder is listed, where its cases live."""
        kind = KINDS["case"]
        prefix = f"{self.config.prefix}-{year}-"
        try:
            names = os.listdir(os.path.join(self.root, kind.folder, str(year)))
        except FileNotFoundError:
            names = []
        stems = (n[:-5] for n in names if n.endswith(".yaml"))
        numbers = [
            int(i.rsplit("-", 1)[1]) for i in stems if i.startswith(prefix) and kind.id_re.fullmatch(i)
        ]
        return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _as_json(value: Any) -> Any:
    """YAML data as JSON can hold it: dates (as keys too) in their ISO form."""
    from datetime import date

    if isinstance(value, dict):
        return {str(_as_json(k)): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


class CaseModels(Mapping[str, Any]):
    """The valid cases as models by id, built only when asked for: checking a changed SARA
    package needs its case; checking 3,000 unchanged ones needs none. The first request
    reads the cases' checked data from the index (one read, not a file parse per case)."""

    def __init__(self, repo: Repository, valid: Mapping[str, Any]) -> None:
        self.repo, self.valid = repo, valid
        self._data: dict[str, dict[str, Any]] | None = None
        self.built: dict[str, Any] = {}

    def prepare(self) -> dict[str, dict[str, Any]]:
        """The cases' checked data, read once (before forking workers that share it)."""
        if self._data is None:
            self._data = {d["id"]: d for d in self.repo.records(KINDS["case"], as_data=True)[0]}
        return self._data

    def __getitem__(self, case_id: str) -> Any:
        if case_id not in self.valid:
            raise KeyError(case_id)
        if case_id not in self.built:
            data = self.prepare().get(case_id)
            # checked when it was indexed: rebuilt without the checks that need jatac.yaml
            case = KINDS["case"]
            self.built[case_id] = (
                case.model.model_validate(data) if data is not None else self.repo.record(case, case_id)
            )
        return self.built[case_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.valid)

    def __len__(self) -> int:
        return len(self.valid)
