"""Knowing a file jatac made for people (a paper, a mail draft, an export, a calendar, a page of
the site) by what it holds, wherever it lies and whatever it is called, so that the pre-commit
hook and ``jatac check`` keep it out of git. Such a file is built for one audience and
marked for it; in the shared history it would reach everyone who clones the repository.

Every output carries ``MADE_BY`` (the PDF's and Word document's keywords, the spreadsheet's
properties, a mail header, the HTML generator); files made before it did are known by their
shape: a CSV whose first column is the marking, a mail whose subject begins with one, a
Markdown paper marked on its first and last lines.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath

from jatac.storage.outputs import FOLDER, MADE_BY, MAIL_HEADER

MARKINGS = ("OFFICIAL-SENSITIVE", "OFFICIAL")
SITE_MANIFEST = ".jatac-site.json"
_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_MARKED_SUBJECT = re.compile(rb"^Subject:[ \t]*(?:OFFICIAL-SENSITIVE|OFFICIAL)\b", re.MULTILINE)
_BOLD_MARKING = {f"**{m}**" for m in MARKINGS}
# a paper wrapped to get it past the check: how deep, how many files, how much is looked at
WRAPPINGS = 2
ARCHIVE_MEMBERS = 200
LARGEST_INSIDE = 32 << 20  # in all, for one file: a zip of zips cannot make the check inflate terabytes
_BASE64 = re.compile(rb"[A-Za-z0-9+/=\s]+")


def made_by_jatac(relpath: str, data: bytes) -> str | None:
    """What this file is, if jatac made it for people ("a rendered paper (PDF)" ...), else None.
    A paper wrapped once or twice (zipped, gzipped, base64'd) is known inside its wrapping."""
    return _made_by(relpath, data, WRAPPINGS, [LARGEST_INSIDE])


def _made_by(relpath: str, data: bytes, depth: int, budget: list[int]) -> str | None:
    found = _as_is(relpath, data)
    if found is None and depth:
        for how, name, inner in _unwrapped(data, budget):
            inside = _made_by(name, inner, depth - 1, budget)
            if inside:
                return f"{inside}, {how}"
    return found


def _unwrapped(data: bytes, budget: list[int]) -> Iterator[tuple[str, str, bytes]]:
    """What a wrapping holds: (how it was wrapped, the name inside, the bytes), bounded so that
    a crafted file cannot make the check read without end: ``budget[0]`` is how many bytes
    may still be inflated for the file being checked, at every depth together."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                members = [m for m in book.infolist() if not m.is_dir()][:ARCHIVE_MEMBERS]
                for member in members:
                    if budget[0] <= 0:
                        return
                    with book.open(member) as f:
                        inner = f.read(budget[0])
                    budget[0] -= len(inner)
                    yield "in a zip archive", member.filename, inner
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError, RuntimeError):
            return
    elif data.startswith(b"\x1f\x8b") and budget[0] > 0:  # a limit of 0 would be none to zlib
        try:
            inner = zlib.decompressobj(wbits=47).decompress(data, max(budget[0], 0))
        except zlib.error:
            return
        budget[0] -= len(inner)
        yield "gzipped", "", inner
    elif 64 <= len(data) <= LARGEST_INSIDE and _BASE64.fullmatch(data):
        try:
            inner = base64.b64decode(b"".join(data.split()), validate=True)
        except (binascii.Error, ValueError):
            return
        yield "written in base64", "", inner


def _as_is(relpath: str, data: bytes) -> str | None:
    path = PurePosixPath(relpath)
    if path.parts and path.parts[0] == FOLDER:
        return f"a file in {FOLDER}/, where jatac writes papers"
    if path.name == SITE_MANIFEST:
        return "the list of pages of a site jatac built"
    marker = MADE_BY.encode()
    if data.startswith(b"%PDF"):
        return "a rendered paper (PDF)" if marker in data else None
    if data.startswith(b"PK\x03\x04"):
        return _office(data, marker)
    head = data[:65536].removeprefix(b"\xef\xbb\xbf")
    if head.startswith(b"document_marking,"):
        return "a spreadsheet export (CSV)"
    if head.startswith(b"BEGIN:VCALENDAR") and b"PRODID:-//jatac//" in head:
        return "a calendar jatac wrote"
    if _is_mail(head, marker, path.suffix.lower() == ".eml"):
        return "a mail draft"
    if b'name="generator" content="' + marker in head:
        return "a rendered paper or page (HTML)"
    if _marked_top_and_bottom(data):
        return "a rendered paper (Markdown)"
    return None


def _office(data: bytes, marker: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            names = set(book.namelist())
            core = book.read("docProps/core.xml") if "docProps/core.xml" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    if marker not in core:
        return None
    if "word/document.xml" in names:
        return "a rendered paper (Word)"
    if "xl/workbook.xml" in names:
        return "a spreadsheet export (Excel)"
    return "a document jatac made"


def _is_mail(head: bytes, marker: bytes, named_eml: bool) -> bool:
    """A message: a block of header lines first; jatac's own, or a marked one, or an .eml file."""
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    lines = [line for line in block.split(b"\n") if line and not line[:1].isspace()]
    if len(lines) < 2 or not all(_HEADER.match(line) for line in lines):
        return False
    names = {line.split(b":", 1)[0].lower() for line in lines}
    if f"{MAIL_HEADER}: jatac".encode() in block or marker in block:
        return True
    if b"subject" not in names:
        return False
    return bool(_MARKED_SUBJECT.search(block)) or (named_eml and b"mime-version" in names)


def _marked_top_and_bottom(data: bytes) -> bool:
    """A paper rendered as Markdown: its marking, in bold, its first and its last line."""
    if len(data) > 4 << 20:
        return False
    lines = [line.strip() for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
    return len(lines) >= 2 and lines[0] in _BOLD_MARKING and lines[-1] in _BOLD_MARKING
