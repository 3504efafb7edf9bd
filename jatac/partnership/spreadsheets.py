"""Cases to and from spreadsheets: export for partners, import of an existing issue log.

An import checks every row first and brings in nothing unless every row is
good; bad rows are named by their row number. It is one commit.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jatac.errors import InvalidRecord, Problem, Refused
from jatac.git.change import Change
from jatac.models.vocab import Marking
from jatac.storage.outputs import MADE_BY
from jatac.storage.repository import KINDS, Repository
from jatac.storage.yaml_roundtrip import dump, fast_load, to_yaml

if TYPE_CHECKING:
    from jatac.guard.privacy import Names

CASE = KINDS["case"]
LIST_COLUMNS = {
    "escalations",
    "reviews",
    "changes",
    "tags",
    "people",
    "not_personal",
    "references",
    "links",
    "evidence",
}  # written as JSON in one cell
# columns whose ids a partner reads better as names: the xlsx shows the name, the id beside it
NAMED = {"category": "categories", "location": "localities", "raised_by": "agencies", "lead": "agencies"}
ID_SUFFIX = "_id"


def columns() -> list[str]:
    return list(CASE.model.model_fields)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, default=str) if value else ""
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return value


AUDIENCES = ("core", "wide")
MARKING_COLUMN = "document_marking"  # first column of a CSV export (see export)
WITHHELD = "a withheld case"


@dataclass
class Exported:
    count: int  # cases written
    withheld: int  # OFFICIAL-SENSITIVE cases left out of a wide export
    marking: str  # the document's marking: the highest of what it holds
    path: Path  # where it was written


def rows(repo: Repository, audience: str = "core") -> tuple[list[dict[str, Any]], int]:
    """Each case as a row of cells, and how many were withheld from the ``audience``.

    For the wide group, OFFICIAL-SENSITIVE cases and the people linked to cases are left
    out, and a withheld case's id in another case's text reads "a withheld case".
    """
    if audience not in AUDIENCES:
        raise Refused(f"{audience!r} is not an audience", hint="Audiences: core, wide.")
    records, problems = repo.records(CASE)
    if problems:
        raise InvalidRecord(
            problems, hint="Export refuses a repository with invalid files: run `jatac validate`."
        )
    data = [r.model_dump(mode="json") for r in records]
    if audience == "core":
        return [{k: _cell(v) for k, v in d.items()} for d in data], 0
    from jatac.guard.audience import named

    # redacted as the agenda and the site are: every spelling of a withheld case's id
    reader = named(repo, "wide", data)
    withheld = {d["id"] for d in data if reader.withholds(d["id"])}
    shown = []
    for d in data:
        if d["id"] in withheld:
            continue
        row = {k: _cell(v) for k, v in d.items() if k != "people"}
        shown.append({k: reader.redact(v) if isinstance(v, str) and k != "id" else v for k, v in row.items()})
    return shown, len(withheld)


def export(repo: Repository, out: Path | None = None, audience: str = "core") -> Exported:
    """Write the cases the ``audience`` may see to ``out`` (.csv or .xlsx; by default
    build/cases.xlsx, or build/cases-wide.xlsx), marked.

    Every text cell is inert: no spreadsheet runs a cell that begins like a formula. The
    document's marking (the highest of the cases it holds) heads the xlsx sheet and every
    printed page. A CSV has no place above its column names that a program reading it
    would skip, so its first column, ``document_marking``, holds the marking on every
    row: the first thing a person sees on opening it, and still there on any row copied,
    sorted or filtered out of it.
    """
    from jatac.guard.inert import csv_bytes
    from jatac.render.documents import destination
    from jatac.storage.fs import atomic_write

    name = out.name if out is not None else f"cases{'-wide' if audience == 'wide' else ''}.xlsx"
    suffix = Path(name).suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise Refused(f"{name}: export writes .csv or .xlsx")
    out = destination(repo, out, name)  # never over a record, jatac.yaml, .git/ ...
    data, withheld = rows(repo, audience)
    names = [n for n in columns() if audience == "core" or n != "people"]
    marking = Marking.highest([repo.config.marking, *(Marking(r["marking"]) for r in data)])
    if suffix == ".csv":
        cells = ([marking.value, *(r.get(n, "") for n in names)] for r in data)
        atomic_write(out, csv_bytes([MARKING_COLUMN, *names], cells))
    else:
        atomic_write(out, _xlsx(names, data, marking, _names(repo)))
    return Exported(len(data), withheld, marking.value, out)


def _names(repo: Repository) -> dict[str, dict[str, str]]:
    """For each column NAMED, each id's name in jatac.yaml."""
    cfg = repo.config
    tables = {
        "categories": {c.id: c.name for c in cfg.categories},
        "localities": {loc.id: loc.name for loc in cfg.localities},
        "agencies": {a.id: a.name for a in cfg.agencies},
    }
    return {column: tables[table] for column, table in NAMED.items()}


DATE_FORMAT = "yyyy-mm-dd"
WIDEST = 60  # characters: a long description stays readable in its cell, not a screen wide


def _xlsx(
    names: list[str], data: list[dict[str, Any]], marking: Marking, named: dict[str, dict[str, str]]
) -> bytes:
    """The workbook: the marking in its first row and on every printed page, the column
    names in the second (frozen, with filters), then one case a row. Dates are dates; an
    agency, locality or category shows its name, its id in the column beside it (``lead``,
    ``lead_id``: the id column is what an import reads back); every text is a string cell
    (never a formula); each column is as wide as what it holds, up to WIDEST."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from jatac.guard.inert import FORMULA_STARTS, visible

    columns: list[tuple[str, str, bool]] = []  # (heading, field, as its name)
    for name in names:
        if name in named:
            columns += [(name, name, True), (name + ID_SUFFIX, name, False)]
        else:
            columns.append((name, name, False))
    book = Workbook()
    book.properties.keywords = MADE_BY  # how the pre-commit hook knows an export
    sheet = book.active
    sheet.title = "Cases"
    sensitive = marking is not Marking.OFFICIAL
    banner = sheet.cell(row=1, column=1, value=marking.value)
    banner.font = Font(bold=True, color="C00000" if sensitive else None)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    widths = [len(heading) + 3 for heading, _, _ in columns]  # room for the filter button
    for c, (heading, _, _) in enumerate(columns, start=1):
        sheet.cell(row=2, column=c, value=heading).font = Font(bold=True)
    for r, row in enumerate(data, start=3):
        for c, (_, name, as_name) in enumerate(columns, start=1):
            cell = sheet.cell(row=r, column=c)
            value = row.get(name, "")
            if as_name and value:
                value = named[name].get(value, value)
            if isinstance(value, str) and name.endswith("_on") and value:
                value = date.fromisoformat(value)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = DATE_FORMAT
                widths[c - 1] = max(widths[c - 1], len(DATE_FORMAT) + 2)
                continue
            longest = max((len(line) for line in str(value).splitlines()), default=0)
            widths[c - 1] = min(WIDEST, max(widths[c - 1], longest + 2))
            if isinstance(value, str):
                cell.value = visible(value, lines=True)
                cell.data_type = "s"  # openpyxl would take "=..." as a formula
                if value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
            else:
                cell.value = value
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "B3"  # the column names and each row's case id stay in view
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(2, len(data) + 2)}"
    sheet.print_title_rows = "1:2"
    for part in (sheet.oddHeader, sheet.oddFooter):
        part.center.text = marking.value
        part.center.color = "C00000" if sensitive else None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _read_table(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise Refused(f"{path} does not exist")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).active
        except Exception as e:  # openpyxl raises several kinds for a file that is not a workbook
            raise Refused(
                f"{path.name} cannot be read as a spreadsheet ({type(e).__name__})",
                hint="Save it again from Excel as .xlsx, or as .csv.",
            ) from None
        values = [[("" if c is None else c) for c in row] for row in sheet.iter_rows(values_only=True)]
        if values and str(values[0][0]) in set(Marking) and not any(values[0][1:]):
            values = values[1:]  # the marking above the column names, as export writes it
        if not values:
            return []
        header = [str(h).strip() for h in values[0]]
        table = [dict(zip(header, (_text(v) for v in row), strict=False)) for row in values[1:]]
        # an export shows names with the ids beside them (lead, lead_id): the ids come back
        ids = [h for h in header if h.endswith(ID_SUFFIX) and h[: -len(ID_SUFFIX)] in NAMED]
        for row in table:
            for h in ids:
                row[h[: -len(ID_SUFFIX)]] = row[h]
        return table
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    # newline="": the csv module sees every line end as written (a Mac's lone CR too)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]
    except csv.Error as e:
        # the DictReader's line_num is where the last good row ended; its reader's, where this failed
        start, end = reader.line_num + 1, reader.reader.line_num
        where = f"line {end}" if end <= start else f"the row from line {start} to line {end}"
        raise Refused(
            f"{path.name}, {where}: {_csv_problem(e)}",
            hint="Mend that row in the spreadsheet (a quote left open runs on to the end "
            "of the file), save it again as .csv or .xlsx, and import again.",
        ) from None


def _csv_problem(error: csv.Error) -> str:
    """What the csv module found, in a coordinator's words where it has few of its own. Its
    field limit stays as it is: a field that long is a quote left open, or not an issue log."""
    message = str(error)
    if message.startswith("field larger than field limit"):
        return f"a field is longer than {csv.field_size_limit()} characters"
    return message


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _load_map(path: Path | None) -> dict[str, Any]:
    """The import map, checked for its shape before any row is read."""
    if path is None:
        return {}
    hint = "See README, 'Spreadsheets', for the map's form."
    try:
        data = fast_load(path.read_bytes().decode("utf-8")) if path.is_file() else None
    except UnicodeDecodeError:
        data = None
    if data is None:
        raise Refused(f"{path} is not a readable map (a YAML mapping of sections)", hint=hint)
    unknown = set(data) - {"columns", "values", "dates", "defaults"}
    if unknown:
        raise Refused(
            f"{path}: unknown section(s) {', '.join(sorted(map(str, unknown)))}",
            hint="A map has columns, values, dates and defaults.",
        )

    def text_map(value: Any) -> bool:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)

    shapes = {
        "columns": ("a mapping of spreadsheet column: case field", text_map),
        "values": (
            "a mapping of field: {old value: new value}",
            lambda v: text_map(v) and all(isinstance(m, dict) for m in v.values()),
        ),
        "dates": ("a date format such as %d/%m/%Y", lambda v: isinstance(v, str)),
        "defaults": ("a mapping of field: value", text_map),
    }
    for section, (shape, ok) in shapes.items():
        if section in data and not ok(data[section]):
            raise Refused(f"{path}: the map's {section} must be {shape}", hint=hint)
    return data


def _convert(field: str, raw: str, mapping: dict[str, Any], cfg: Any) -> Any:
    from jatac.guard.inert import from_spreadsheet_text

    # a cell exported as '=... comes back as it was; a line break saved by Excel on Windows is one
    raw = from_spreadsheet_text(raw.strip()).replace("\r\n", "\n").replace("\r", "\n")
    if raw == "":
        return None
    translated = (mapping.get("values") or {}).get(field, {})
    raw = str(translated.get(raw, raw))
    if field in LIST_COLUMNS:
        try:
            return json.loads(raw)
        except ValueError:
            return [v.strip() for v in raw.replace(";", ",").split(",") if v.strip()]
    if field == "location":
        return cfg.resolve_locality(raw) or raw
    if field.endswith("_on") and mapping.get("dates"):
        try:
            return datetime.strptime(raw, mapping["dates"]).date()
        except ValueError:
            return raw  # the model says it is not a date
    return raw


def import_cases(repo: Repository, path: Path, map_path: Path | None = None) -> list[str]:
    """Check every row, then bring them all in with one commit. Returns the new case ids."""
    from pydantic import ValidationError

    from jatac.guard.people import names as people_names
    from jatac.guard.privacy import scan

    known = people_names(repo)
    _check_file_names([path] + ([map_path] if map_path else []), known)
    mapping = _load_map(map_path)
    table = _read_table(path)
    if not table:
        raise Refused(f"{path.name} has no rows")
    rename: dict[str, str] = mapping.get("columns") or {c: c for c in table[0] if c in columns()}
    bad = [c for c in rename.values() if c not in columns()]
    if bad:
        raise Refused(
            f"the map names unknown case fields: {', '.join(bad)}",
            hint="Case fields: " + ", ".join(columns()),
        )
    cfg = repo.config
    existing = set(repo.ids(CASE))
    numbers: dict[int, int] = {}
    problems: list[Problem] = []
    prepared: list[Any] = []
    for n, row in enumerate(table, start=2):  # row 1 is the header, as a spreadsheet numbers them
        data: dict[str, Any] = dict(mapping.get("defaults") or {})
        for column, field in rename.items():
            value = _convert(field, row.get(column, ""), mapping, cfg)
            if value is not None:
                data[field] = value
        if not data.get("id"):
            raised = data.get("raised_on")
            year = raised.year if isinstance(raised, date) else _year(raised)
            if year is not None:
                if year not in numbers:
                    numbers[year] = int(repo.next_case_id(year).rsplit("-", 1)[1])
                data["id"] = f"{cfg.prefix}-{year}-{numbers[year]:04d}"
                numbers[year] += 1
        where = f"row {n}"
        for finding in scan({k: v for k, v in data.items() if isinstance(v, str)}, known):
            problems.append(
                Problem(
                    f"{path.name} {where}",
                    None,
                    None,
                    finding.field,
                    f"looks like {finding.kind}: {finding.text!r}",
                )
            )
        if data.get("location") and data["location"] not in cfg.locality_by_id:
            problems.append(
                Problem(
                    f"{path.name} {where}",
                    None,
                    None,
                    "location",
                    f"unknown locality {data['location']!r}; jatac.yaml defines: "
                    + ", ".join(sorted(cfg.locality_by_id)),
                )
            )
            continue
        try:
            record: Any = CASE.model.model_validate(data, context={"config": cfg})
        except ValidationError as e:
            from jatac.storage.problems import from_validation

            problems.extend(from_validation(e, None, f"{path.name} {where}", columns()))
            continue
        if record.id in existing or any(r.id == record.id for r in prepared):
            problems.append(Problem(f"{path.name} {where}", None, None, "id", f"{record.id} already exists"))
            continue
        prepared.append(record)
    if problems:
        raise InvalidRecord(
            problems,
            hint=f"Nothing was imported: correct the {len(problems)} problem(s) "
            "(or the map) and import again.",
        )
    with Change(
        repo,
        command="import",
        subject=f"Imported {len(prepared)} cases from {path.name}",
        cases=[r.id for r in prepared],
    ) as change:
        change.body.append(f"From {path.name}" + (f" with the map {map_path.name}" if map_path else "") + ".")
        for record in prepared:
            change.write(repo.relpath(CASE, record.id), dump(to_yaml(record.model_dump())), expect=None)
    return [r.id for r in prepared]


def _check_file_names(paths: list[Path], known: Names) -> None:
    """The names of the files imported go into the commit message: they are checked as
    any text jatac commits is (no personal data, no control characters)."""
    from jatac.guard.inert import UNSAFE, name_of, visible
    from jatac.guard.privacy import scan

    for path in paths:
        found = UNSAFE.search(path.name)
        if found:
            raise Refused(
                f"the file name {visible(path.name)!r} holds {name_of(found.group(0))}",
                hint="Rename the file (its name goes into the commit message), then import again.",
            )
    problems = [f.problem(p.name) for p in paths for f in scan({"file name": p.name}, known)]
    if problems:
        raise InvalidRecord(
            problems,
            hint="Nothing was imported. The file's name goes into the commit message: rename the "
            "file, then import again.",
        )


def _year(value: Any) -> int | None:
    try:
        return date.fromisoformat(str(value)).year
    except ValueError:
        return None
