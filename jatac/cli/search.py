"""Commands for finding things: search, lessons."""

from __future__ import annotations

from typing import Any

import typer

from jatac.cli.output import check_format, print_json
from jatac.cli.state import open_repo


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.command("lessons")(lessons)


def search(
    words: str = typer.Argument(
        "",
        metavar="WORDS",
        help='What to look for: every word must appear; "a phrase" in quotes; fire* for words '
        "starting so; OR between words for either.",
    ),
    status: list[str] = typer.Option(
        [], "--status", help="Only about cases of this status (repeat for more)."
    ),
    kind: list[str] = typer.Option(
        [],
        "--kind",
        help="Only this kind: case, sara, action, evaluation, agenda, minutes or fund (repeat for more).",
    ),
    category: str = typer.Option(None, "--category", help="Only about cases of this category."),
    location: str = typer.Option(None, "--location", help="Only about cases in this locality (id or name)."),
    since: str = typer.Option(
        None, "--since", metavar="DATE", help="Only what was active on or after this date."
    ),
    until: str = typer.Option(
        None, "--until", metavar="DATE", help="Only what was active on or before this date."
    ),
    audience: str = typer.Option(
        "core", "--audience", help="core (everything) or wide (nothing about an OFFICIAL-SENSITIVE case)."
    ),
    limit: int = typer.Option(20, "--limit", "-n", help="Show at most this many matches."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Search cases, SARA packages, actions, evaluations, agendas, minutes and fund requests; best
    matches first, each with the words it matched in context."""
    from jatac.cases.search import search as find

    check_format(fmt, ("text", "json"))
    if audience not in ("core", "wide"):
        raise typer.BadParameter(f"{audience!r} is not one of core, wide", param_hint="--audience")
    if not words.strip() and not (status or kind or category or location or since or until):
        raise typer.BadParameter("give words to look for, or a filter", param_hint="WORDS")
    repo = open_repo()
    results = find(
        repo,
        words,
        kinds=kind,
        statuses=status,
        category=category,
        location=location,
        since=since,
        until=until,
        audience=audience,
        limit=limit,
    )
    if fmt == "json":
        print_json([r.as_dict() for r in results])
        return
    _print(results, "No matches.")


def lessons(
    words: str = typer.Argument("", metavar="WORDS", help="Words the evaluation should hold (optional)."),
    category: str = typer.Option(None, "--category", help="Only cases of this category."),
    tactic: str = typer.Option(
        None, "--tactic", help="Only where a tactic used has these words (e.g. gating)."
    ),
    since: str = typer.Option(
        None, "--since", metavar="DATE", help="Only evaluations completed since this date."
    ),
    limit: int = typer.Option(20, "--limit", "-n", help="Show at most this many."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """The learning library: what worked and what did not in closed cases, by category and tactic."""
    from jatac.cases.search import lessons as find

    check_format(fmt, ("text", "json"))
    repo = open_repo()
    results = find(repo, words, category=category, tactic=tactic, since=since, limit=limit)
    if fmt == "json":
        print_json([r.as_dict() for r in results])
        return
    if not results:
        typer.echo("No evaluations of closed cases match.")
        return
    from jatac.guard.inert import visible

    for r in results:
        info = r.info
        typer.echo(typer.style(visible(r.case or r.id), bold=True) + f"  {visible(r.case_title or r.title)}")
        for label, key in (("tactics", "tactics"), ("objective", "objective_met"), ("measures", "measures")):
            value = info.get(key)
            if value:
                value = "; ".join(value) if isinstance(value, list) else value
                typer.echo(typer.style(f"  {label:<13}", dim=True) + visible(str(value)))
        for label, key in (("worked", "worked"), ("did not work", "did_not_work"), ("learning", "learning")):
            if info.get(key):
                typer.echo(typer.style(f"  {label:<13}", dim=True) + visible(" ".join(info[key].split())))
        if r.matches:
            typer.echo(typer.style("  matched      ", dim=True) + _marked(r.context, r.matches))
        typer.echo("")


def _print(results: list[Any], empty: str) -> None:
    from jatac.cases.search import KIND_NAMES
    from jatac.guard.inert import visible

    if not results:
        typer.echo(empty)
        return
    for r in results:
        head = typer.style(visible(r.id), bold=True)
        about = f"  {KIND_NAMES[r.kind]}"
        if r.status:
            about += f", {r.status}"
        if r.on:
            about += f", {r.on}"
        typer.echo(f"{head}{typer.style(about, dim=True)}  {visible(r.title)}")
        if r.case_title and r.kind != "case":
            typer.echo(typer.style("  case: ", dim=True) + visible(r.case_title))
        typer.echo("  " + _marked(r.context, r.matches))
    typer.echo(typer.style(f"{len(results)} match{'es' if len(results) != 1 else ''}.", dim=True), err=True)


def _marked(context: str, matches: list[str]) -> str:
    """The passage on one line, its matching words bold (plain where output is not a terminal)."""
    import re

    from jatac.guard.inert import visible

    text = visible(" ".join(context.split()))
    if not matches:
        return text
    pattern = "|".join(re.escape(visible(m)) for m in sorted(matches, key=len, reverse=True))
    return re.sub(pattern, lambda m: typer.style(m[0], bold=True, underline=True), text)
