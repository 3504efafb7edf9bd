"""Text from case files made harmless where it is shown: a terminal, a spreadsheet.

A case file is input jatac did not write (a partner's push). Its text must
not drive the terminal that shows it (an ESC sequence can rewrite the screen,
a bidi override can make a line read differently from what it holds), nor
run as a formula in the spreadsheet a partner opens. Validation refuses such
characters in records; this module is the second wall, at the point of output.
Plain functions of text: the models and the command line both use them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from jatac.models.characters import UNSAFE as UNSAFE
from jatac.models.characters import UNSAFE_IN_JSON as _UNSAFE_IN_JSON
from jatac.models.characters import UNSAFE_IN_TEXT as UNSAFE_IN_TEXT
from jatac.models.characters import name_of as name_of


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: Any, lines: bool = False) -> str:
    """``text`` with every control character written out (ESC as ``\\x1b``), so a terminal
    shows it rather than obeys it. ``lines``: keep line breaks and tabs (multi-line text)."""
    text = str(text)
    if text.isprintable():  # every character unsafe here is one Python calls unprintable
        return text
    return (UNSAFE_IN_TEXT if lines else UNSAFE).sub(_escape, text)


def json_visible(text: str) -> str:
    """JSON text with the characters JSON leaves raw (DEL, C1, separators, bidi controls)
    escaped as ``\\uXXXX``: the same data, nothing for a terminal to obey."""
    if text.isascii() and "\x7f" not in text:  # a listing of 10,000 cases: 2 ms, not 70
        return text
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


# -- spreadsheets -----------------------------------------------------------------------
#
# A cell beginning with one of these is taken by Excel, LibreOffice and Google Sheets as a
# formula (or, for tab and CR, can become one after a paste): the OWASP "CSV injection" set.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: Any) -> Any:
    """A cell value no spreadsheet runs: text that would start a formula gets a leading
    single quote (the OWASP rule), a control character other than a line break or tab is
    written out; numbers, dates and empty cells are left as they are."""
    if not isinstance(value, str):
        return value
    formula = value.startswith(FORMULA_STARTS)
    value = visible(value, lines=True)  # a CR is written out as \x0d: it can start nothing
    return "'" + value if formula or value.startswith(FORMULA_STARTS) else value


def from_spreadsheet_text(text: str) -> str:
    """The inverse of ``spreadsheet_text``, for a cell read back from an export."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file as jatac writes every one: UTF-8 with the byte order mark Excel needs to
    read it as UTF-8, RFC 4180 quoting, and every text cell made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_text(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
