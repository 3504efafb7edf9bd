"""`jatac export cases.xlsx`: a sheet partners can use, read back with openpyxl."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import Jatac


@pytest.fixture
def example(tmp_path: Path) -> Jatac:
    from jatac.setup.demo import make_demo

    return Jatac(make_demo(tmp_path / "example").root)


def _sheet(jatac: Jatac, out: Path, *args: str):  # type: ignore[no-untyped-def]
    jatac("export", str(out), *args)
    return load_workbook(out).active


def test_a_partner_sheet_has_dates_names_widths_a_frozen_header_filters_and_its_marking(
    example: Jatac, tmp_path: Path
) -> None:
    sheet = _sheet(example, tmp_path / "cases.xlsx")
    assert sheet["A1"].value == "OFFICIAL-SENSITIVE"  # the example holds sensitive cases
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["id", "title", "status"]
    for named in ("category", "location", "raised_by", "lead"):
        assert header[header.index(named) + 1] == f"{named}_id"
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)}
    melrose = rows["JAT-2025-0001"]
    assert melrose["location"] == "Bletchley" and melrose["location_id"] == "bletchley"
    assert melrose["category"] == "Anti-social behaviour" and melrose["category_id"] == "asb"
    assert melrose["raised_by_id"] == "asb-team" and melrose["raised_by"] != "asb-team"
    # real dates, shown as dates
    assert isinstance(melrose["raised_on"], datetime) and isinstance(melrose["closed_on"], datetime)
    assert melrose["closed_on"].date().isoformat() == "2025-09-18"
    date_cell = sheet.cell(row=3, column=header.index("raised_on") + 1)
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    # the header and the ids stay in view; every column can be filtered
    assert sheet.freeze_panes == "B3"
    assert sheet.auto_filter.ref == f"A2:{sheet.cell(row=2, column=len(header)).column_letter}{len(rows) + 2}"
    # columns as wide as what they hold, a long text not wider than 60
    widths = {
        h: sheet.column_dimensions[sheet.cell(row=2, column=i + 1).column_letter].width
        for i, h in enumerate(header)
    }
    assert widths["id"] >= len("JAT-2025-0001") and widths["title"] > widths["status"]
    assert widths["description"] == 60
    assert widths["raised_on"] >= 10


def test_a_wide_sheet_is_marked_official_and_holds_no_withheld_case(example: Jatac, tmp_path: Path) -> None:
    sheet = _sheet(example, tmp_path / "wide.xlsx", "--audience", "wide")
    assert sheet["A1"].value == "OFFICIAL"
    cells = json.dumps([list(r) for r in sheet.iter_rows(values_only=True)], default=str)
    assert "JAT-2025-0002" not in cells and "Fishermead Boulevard underpasses" not in cells


def test_an_exported_sheet_imports_back_to_the_same_cases(example: Jatac, tmp_path: Path) -> None:
    from jatac.setup.init import init

    book = tmp_path / "cases.xlsx"
    example("export", str(book))
    fresh = Jatac(init(tmp_path / "fresh", name="Fresh", prefix="JAT").root)
    shutil.copy(example.root / "jatac.yaml", fresh.root / "jatac.yaml")
    fresh.git("commit", "-qam", "the same partnership")
    fresh("import", str(book))  # the ids come back, not the names; dates as dates
    before = json.loads(example("list", "--all", "-f", "json").stdout)
    after = json.loads(fresh("list", "--all", "-f", "json").stdout)
    assert after == before and len(after) == 20
