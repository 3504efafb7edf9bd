"""Agendas and minutes as Word documents (.docx), for a committee officer to open, edit and file.

Fed by the same context the templates get (``render_docx(name, context)`` with ``name``
agenda, agenda-wide or minutes): headings, tables, the marking in the header and the
footer of every page, and page X of Y as Word fields (PAGE, NUMPAGES) that Word fills in.
Draft minutes say DRAFT in the header. Text goes in as text runs: Word never runs it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from jatac.errors import JatacError
from jatac.render.engine import longdate, pounds, shortdate
from jatac.storage.outputs import MADE_BY

# characters XML 1.0 cannot hold (controls other than tab and line breaks): Word's files are XML
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def _text(value: str) -> str:
    """``value`` as Word can hold it: text only, never markup (python-docx escapes the rest)."""
    return value.translate(_NOT_XML)


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``paragraph``: Word shows its value when it opens the file."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    run = paragraph.add_run()
    run._r.append(char("begin"))
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run._r.append(char("separate"))
    shown = paragraph.add_run("1")  # what a reader that does not update fields shows
    shown._r.append(char("end"))


class Writer:
    """One Word document: the page frame first, then headings, paragraphs, lists and tables."""

    def __init__(self, context: dict[str, Any], title: str, banner: str) -> None:
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        self.doc = Document()
        self.doc.core_properties.title = _text(title)[:255]
        self.doc.core_properties.subject = _text(banner)
        self.doc.core_properties.keywords = MADE_BY  # how the pre-commit hook knows a paper
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4, as the PDF
        section.left_margin = section.right_margin = Cm(2)
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.add_run(_text(banner)).bold = True
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(_text(banner)).bold = True
        pages = section.footer.add_paragraph()
        pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run_text, field in (
            (f"{context['partnership']}    Page ", "PAGE"),
            (" of ", "NUMPAGES"),
        ):
            pages.add_run(_text(run_text)).font.size = Pt(8)
            _field(pages, field)

    def heading(self, text: str, level: int = 2) -> None:
        self.doc.add_heading(_text(text), level=level)

    def para(self, text: str = "", *, bold: bool = False, italic: bool = False) -> Any:
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(_text(text))
        run.bold, run.italic = bold, italic
        return paragraph

    def parts(self, *pieces: tuple[str, bool]) -> None:
        """One paragraph of (text, bold) pieces."""
        paragraph = self.doc.add_paragraph()
        for text, bold in pieces:
            paragraph.add_run(_text(text)).bold = bold

    def bullets(self, lines: Iterable[str], empty: str = "") -> None:
        shown = list(lines)
        for line in shown:
            self.doc.add_paragraph(_text(line), style="List Bullet")
        if not shown and empty:
            self.para(empty)

    def numbered(self, lines: Iterable[str]) -> None:
        for n, line in enumerate(lines, start=1):
            self.para(f"{n}. {line}")

    def table(self, head: list[str], rows: Iterable[list[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = _text(text)
        self.doc.add_paragraph()

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _when(c: dict[str, Any]) -> str:
    text = longdate(c["date"])
    if c.get("time"):
        text += f", {c['time']}"
    if c.get("venue"):
        text += f", {c['venue']}"
    return text


def _item(i: Any, names: dict[str, str], proposed: bool = True) -> str:
    by = names.get(i.by, i.by)
    return f"{i.title} ({'proposed by ' if proposed else ''}{by}" + (f"; {i.case}" if i.case else "") + ")"


def _heading(w: Writer, c: dict[str, Any], what: str) -> None:
    w.heading(f"{c['partnership']}: {c['group'].name}", level=1)
    chair = f". Chair: {c['chair']}" if c.get("chair") else ""
    w.parts((what, True), (f" for {_when(c)}{chair}", False))


def _attendance(w: Writer, c: dict[str, Any]) -> None:
    w.bullets(
        (f"{row.agency}: {', '.join(row.roles)}" for row in c["expected"]),
        "No members of this group are listed in jatac.yaml.",
    )


def _next(w: Writer, c: dict[str, Any]) -> None:
    w.para(longdate(c["next_meeting"]) if c["next_meeting"] else "To be arranged.")


def _last(w: Writer, c: dict[str, Any]) -> None:
    last = c["last"]
    if last is None:
        w.para("This is the group's first meeting.")
        return
    state = c.get("minutes_state")
    w.para(f"Minutes of {longdate(last.day)}, for agreement" + (f" ({state})." if state else "."))
    w.bullets(
        f"{a.ref} {a.what} ({a.owner}): {a.status.upper() if a.status == 'overdue' else a.status}"
        for a in c.get("arising", [])
    )


def _core_section(w: Writer, c: dict[str, Any], key: str) -> None:
    names = c["agency_name"]
    if key == "action_log":
        w.para(
            f"{c['action_count']} open actions, {c['overdue_count']} {c['counted_to']} "
            "(by owner agency; overdue first within each, then by due date)."
        )
        for owner, rows in c["actions_by_owner"].items():
            w.para(owner, bold=True)
            w.table(
                ["Action", "What", "Due", "Status"],
                (
                    [
                        a.ref,
                        a.what,
                        shortdate(a.due),
                        f"OVERDUE {a.days_overdue} days" if a.overdue else "open",
                    ]
                    for a in rows
                ),
            )
    elif key == "picture":
        p = c["picture"]
        priorities = ", ".join(f"{r['count']} {r['name']}" for r in p.by_priority)
        w.para(
            f"{p.open} open cases: {priorities} priority. Since the last meeting: {len(p.raised)} raised, "
            f"{len(p.adopted)} adopted, {len(p.closed)} closed, {len(p.escalated)} escalated."
        )
        w.table(["Locality", "Open"], ([r["name"], str(r["count"])] for r in p.by_locality))
        w.table(["Category", "Open"], ([r["name"], str(r["count"])] for r in p.by_category))
    elif key == "adopted":
        people = c["people"]
        w.table(
            ["Case", "Title", "Priority", "SARA stage", "Lead", "Next review"],
            (
                [
                    r.case.id,
                    r.case.title
                    + (f" (people: {', '.join(people[r.case.id])})" if people.get(r.case.id) else ""),
                    r.case.priority.value,
                    f"{r.stage} ({r.actions_done}/{r.actions_total} actions)",
                    r.lead or "",
                    shortdate(r.next_review) + (" due" if r.review_due else ""),
                ]
                for r in c["adopted"]
            ),
        )
    elif key == "new_issues":
        lines = [
            f"{x.id} {x.title} ({c['locality_name'].get(x.location, x.location)}"
            + (f", {x.place}" if x.place else "")
            + f"; raised by {names.get(x.raised_by, x.raised_by)}, {x.priority.value} priority)"
            for x in c["proposed_on_time"]
        ]
        w.bullets(lines + [_item(i, names) for i in c["new_items"]], "No new issues.")
    elif key == "late_items":
        w.para(
            f"Received after the item deadline of {longdate(c['items_due'])}; the Chair has been told.",
            italic=True,
        )
        lines = [f"Late item: {_item(i, names)}" for i in c["late_items"]] + [
            f"Late item: {x.id} {x.title} (raised by {names.get(x.raised_by, x.raised_by)} on "
            f"{shortdate(x.raised_on)})"
            for x in c["proposed_late"]
        ]
        w.bullets(lines, "None.")
    elif key == "fund":
        lines = [
            f"{r.id} {pounds(r.amount)}: {r.purpose} ({names.get(r.by, r.by)}"
            + (f"; {r.case}" if r.case else "")
            + ")"
            for r in c["fund_requests"]
        ]
        noted = [
            f"For noting: {r.id} {pounds(r.amount)}: {r.purpose} ({names.get(r.by, r.by)}"
            + (f"; {r.case}" if r.case else "")
            + f"); {r.status.value} by the chair's action on {shortdate(r.decided_on)}: {r.chair_action}"
            for r in c.get("chair_actions", [])
        ]
        w.bullets(lines + [_item(i, names, proposed=False) for i in c["fund_items"]] + noted, "None.")
    elif key == "closure":
        levels = c["level_name"]
        lines = [
            f"{x.id} {x.title}: escalated to {levels.get(x.escalations[-1].to, x.escalations[-1].to)} on "
            f"{shortdate(x.escalations[-1].on)} ({x.escalations[-1].reason})"
            for x in c["escalated"]
        ]
        lines += [f"{x.id} {x.title}: evaluation complete, recommended for closure" for x in c["for_closure"]]
        lines += [f"{x.id} {x.title}: evaluation in progress" for x in c["being_evaluated"]]
        w.bullets(lines, "None.")


def _wide_section(w: Writer, c: dict[str, Any], key: str) -> None:
    names = c["agency_name"]
    if key == "trends":
        t = c["trends"]
        for label, rows in (("Locality", t.by_locality), ("Category", t.by_category)):
            w.table(
                [label, *t.quarters, "Total"],
                ([r["name"], *(str(n) for n in r["counts"]), str(r["total"])] for r in rows),
            )
        w.table(
            ["Cases", *t.quarters],
            (
                [label, *(str(n) for n in counts)]
                for label, counts in (("Raised", t.raised), ("Adopted", t.adopted), ("Closed", t.closed))
            ),
        )
    elif key == "coordinating":
        w.para(
            f"{c['picture'].open} cases open, {len(c['adopted'])} of them adopted with a multi-agency action "
            f"plan; {c['action_count']} actions open."
        )
    elif key == "partners_items":
        w.bullets(
            (
                f"{i.title} ({names.get(i.by, i.by)})" + (": late item" if i.late else "")
                for i in c["new_items"] + c["late_items"]
            ),
            "None notified.",
        )


def agenda(c: dict[str, Any]) -> bytes:
    marking = c["marking"]
    w = Writer(c, f"{c['group'].name} agenda, {longdate(c['date'])}", marking)
    _heading(w, c, "Agenda")
    if c["template"] == "agenda-wide":
        w.para(
            "For the wide partnership: trends and partners' items; case detail stays with the "
            "Coordinating Group.",
            italic=True,
        )
    else:
        w.para(
            f"Agenda to be sent by {longdate(c['send_by'])}; items were due by {longdate(c['items_due'])}.",
            italic=True,
        )
    if c["withheld"]:
        n = c["withheld"]
        w.para(
            f"{n} item{'s' if n != 1 else ''} withheld from this version "
            "(OFFICIAL-SENSITIVE: for the core group only).",
            italic=True,
        )
    names = c["agency_name"]
    for s in c["sections"]:
        w.heading(f"{s.ref} {s.title}")
        if s.key == "attendance":
            _attendance(w, c)
        elif s.key == "last_minutes":
            _last(w, c)
        elif s.key == "aob":
            w.bullets((f"{i.title} ({names.get(i.by, i.by)})" for i in c["aob_items"]), "None notified.")
        elif s.key == "next_meeting":
            _next(w, c)
        elif c["template"] == "agenda-wide":
            _wide_section(w, c, s.key)
        else:
            _core_section(w, c, s.key)
    return w.bytes()


def minutes(c: dict[str, Any]) -> bytes:
    m = c["minutes"]
    draft = bool(c.get("draft"))
    banner = c["marking"] + ("    DRAFT: not yet agreed" if draft else "")
    w = Writer(c, f"{c['group'].name} minutes, {longdate(c['date'])}", banner)
    w.heading(f"{c['partnership']}: {c['group'].name}", level=1)
    w.parts(("Minutes", True), (f" of the meeting held on {_when(c)}", False))
    if draft:
        w.para("DRAFT: these minutes have not yet been agreed as a correct record.", bold=True)
    else:
        locked = "; locked" if c.get("state") == "locked" else ""
        w.para(f"Agreed as a correct record at the meeting of {longdate(m.agreed_at)}{locked}.", italic=True)
    names = c["agency_name"]
    for label, key in (
        ("Present", "present"),
        ("Apologies", "apologies"),
        ("Absent", "absent"),
        ("Attendance not recorded", "not recorded"),
    ):
        if c["attendance"][key]:
            w.para(f"{label}:", bold=True)
            w.bullets(
                f"{names.get(r.agency, r.agency)}: {r.role or ''}" + (f" ({r.name})" if r.name else "")
                for r in c["attendance"][key]
            )
    if c.get("chair"):
        w.para(f"Chair: {c['chair']}")
    for item in m.items:
        w.heading(f"{item.ref} {item.title.upper()}")
        if item.heard:
            for paragraph in item.heard.split("\n\n"):
                w.para(paragraph)
        if item.resolved:
            w.para("RESOLVED –", bold=True)
            w.numbered(item.resolved)
        if item.decisions:
            w.para("Recorded decisions:", italic=True)
            w.bullets(_decision(d, names) for d in item.decisions)
    corrections = m.corrections
    if corrections:
        w.heading("Corrections")
        w.table(
            ["Agreed at", "What", "Why"],
            ([longdate(x.at), x.what, x.why] for x in corrections),
        )
    if c.get("next_meeting"):
        w.parts(("Date of the next meeting: ", True), (longdate(c["next_meeting"]), False))
    return w.bytes()


def _decision(d: Any, names: dict[str, str]) -> str:
    text = f"{d.do.value} {d.case or d.request}"
    if d.approve is not None:
        text += ": approved" if d.approve else ": refused"
    if d.lead:
        text += f", lead {names.get(d.lead, d.lead)}"
    if d.what:
        text += f": {d.what}"
    if d.owner:
        text += f" ({names.get(d.owner, d.owner)}" + (f", by {shortdate(d.due)}" if d.due else "") + ")"
    if d.outcome:
        text += f": {d.outcome}"
    if d.to:
        text += f" to {d.to}"
    if d.reason:
        text += f" ({d.reason})"
    return text


RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "agenda": agenda,
    "agenda-wide": agenda,
    "minutes": minutes,
}


def render_docx(name: str, context: dict[str, Any]) -> bytes:
    """The Word document for template ``name`` (agenda, agenda-wide or minutes)."""
    if name not in RENDERERS:
        raise JatacError(f"there is no Word form of {name}", hint="Word: agendas and minutes.")
    return RENDERERS[name](context)
