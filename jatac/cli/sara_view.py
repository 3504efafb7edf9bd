"""How `jatac sara show` lays out a package for a person."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any

from jatac.cli.output import console


def print_package(
    repo: Any, case: Any, package: Any, today: date, actions: list[Any], counted_to: str
) -> None:
    """``actions``: the case's rows as the action log orders them (jatac/cases/action_log.py);
    ``counted_to``: the date their overdue is counted to, as the page says it."""
    from rich.markup import escape as markup_escape
    from rich.table import Table

    from jatac.guard.inert import visible

    def escape(text: str) -> str:
        """Text from the files, shown as text: no rich markup, no control character obeyed."""
        return markup_escape(visible(text, lines=True))

    out = console()
    cfg = repo.config
    done, total = package.progress()
    review = case.next_review(cfg.review_days)
    out.print(f"[bold]{case.id}[/bold]  {escape(case.title)}")
    lead = cfg.agency_by_id[case.lead].name if case.lead in cfg.agency_by_id else case.lead
    out.print(
        f"Lead: {escape(str(lead))}, problem manager: {escape(str(case.problem_manager))}   "
        f"Status: {case.status.value}   Stage: [bold]{package.stage.value}[/bold]   "
        f"Actions: {done} of {total} finished"
        + (f"   Review: {review}{' [red](due)[/red]' if review and review < today else ''}" if review else "")
    )
    gaps = package.gaps()

    if case.marking.value != "OFFICIAL":
        out.print(f"[bold red]{case.marking.value}[/bold red]")

    def section(title: str, lines: list[str], key: str) -> None:
        out.print(f"\n[bold underline]{title}[/bold underline]")
        for line in lines:
            out.print(textwrap.indent(escape(line.rstrip()), "  "))
        for gap in gaps.get(key, []):
            out.print(f"  [yellow]still lacks: {escape(gap)}[/yellow]")

    o = package.objective
    objective = []
    if o.impact:
        objective.append(
            f"Impact: {o.impact.value}" + (f" by {o.reduce_by_percent}%" if o.reduce_by_percent else "")
        )
    if o.measure:
        objective.append(f"Measure: {o.measure}")
    if o.baseline:
        objective.append(f"Baseline: {o.baseline}")
    if o.by:
        objective.append(f"By: {o.by}")
    section("Objective", objective, "objective")

    s = package.scanning
    scanning = [s.problem] if s.problem else []
    if s.came_to_notice:
        scanning.append(f"Came to notice: {s.came_to_notice}")
    if s.locations:
        scanning.append("Locations: " + "; ".join(s.locations))
    if s.time_pattern:
        scanning.append(f"When: {s.time_pattern}")
    if s.affected:
        scanning.append(f"Affected: {s.affected}")
    if s.related_cases:
        scanning.append("Related cases: " + ", ".join(s.related_cases))
    section("Scanning", scanning, "scanning")

    a = package.analysis
    analysis = [f"{d.agency}: {d.figure} ({d.source}, {d.period})" for d in a.data]
    from jatac.models.sara import TRIANGLE

    for side in TRIANGLE:
        if getattr(a.triangle, side):
            analysis.append(f"{side.capitalize()}: {getattr(a.triangle, side)}")
    analysis += [f"Hypothesis: {h}" for h in a.hypotheses]
    analysis += [f"Cause {c.id}: {c.cause}" for c in a.causes]
    section("Analysis", analysis, "analysis")

    r = package.response
    response = [
        f"Tactic: {t.tactic}" + (f" (targets {', '.join(t.targets)})" if t.targets else "") for t in r.tactics
    ]
    response += [f"Output: {x}" for x in r.outputs]
    section("Response", response, "response")
    if actions:
        table = Table(show_edge=False, pad_edge=False)
        for heading in ("Action", "What", "Owner", "Due", "Status"):
            table.add_column(heading, overflow="fold")
        for act in actions:
            status = act.status
            if act.overdue:
                status = f"[red]OVERDUE {act.days_overdue}d[/red]"
            table.add_row(
                act.ref.rpartition("/")[2], escape(act.what), escape(act.owner), str(act.due), status
            )
        out.print(table)
        out.print(f"  [dim]Open actions first, by owner agency, overdue first; {counted_to}.[/dim]")

    if package.assessment is not None:
        ev = package.assessment
        lines = []
        if ev.process:
            lines.append(f"Process: {ev.process}")
        if ev.impact:
            lines.append(f"Impact: {ev.impact}")
        if ev.objective_met:
            lines.append(f"Objective: {ev.objective_met.value}")
        for m in ev.measures:
            change = f" ({m.change_percent:+}%)" if m.change_percent is not None else ""
            lines.append(f"{m.measure}: before {_count(m.before)}, after {_count(m.after)}{change}")
        if ev.recommendation:
            lines.append(f"Recommendation: {ev.recommendation.value}")
        section("Assessment", lines, "assessment")
    else:
        out.print("\n[dim]Assessment: not started (jatac evaluate " + case.id + ")[/dim]")
    if case.marking.value != "OFFICIAL":
        out.print(f"\n[bold red]{case.marking.value}[/bold red]")


def _count(value: float | None) -> str:
    if value is None:
        return "not yet counted"
    return str(int(value)) if float(value).is_integer() else str(value)
