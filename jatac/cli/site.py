"""The command for the partnership's static site: site (build it, or preview it)."""

from __future__ import annotations

from pathlib import Path

import typer

from jatac.cli.output import success, warn
from jatac.cli.state import open_repo


def register(app: typer.Typer) -> None:
    app.command("site")(site)


def site(
    audience: str = typer.Option(
        "wide",
        "--audience",
        help="wide (the default: no OFFICIAL-SENSITIVE case, safe to publish to every partner) or core "
        "(every case: only for the Coordinating Group).",
    ),
    out: Path = typer.Option(
        None, "--out", "-o", help="The folder to write the site to (default: the repository's build/site)."
    ),
    serve: bool = typer.Option(
        False, "--serve", help="Then show it at a web address on this computer only, until Ctrl+C."
    ),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="The port of --serve (0: any free one)."),
) -> None:
    """Build the partners' website: next meetings, overdue actions, a page per agency, case and meeting."""
    from jatac.site.build import build

    built = build(open_repo(), audience, out)
    unchanged = built.pages - built.rendered
    success(
        f"{built.out}: {built.pages} files, {built.rendered} written ({unchanged} unchanged)"
        + (f", {built.removed} removed" if built.removed else "")
        + f"; marked {built.marking}"
    )
    if built.withheld:
        typer.echo(f"{built.withheld} OFFICIAL-SENSITIVE case(s) withheld from this site.", err=True)
    if built.marking != "OFFICIAL":
        warn("this site holds OFFICIAL-SENSITIVE cases: publish it only where the core group alone reads it.")
    typer.echo(f"Open {built.out / 'index.html'} in a browser.")
    if serve:
        from jatac.site.serve import server

        httpd = server(built.out, port)
        typer.echo(f"Showing the site at http://127.0.0.1:{httpd.server_address[1]}/ (Ctrl+C stops).")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            typer.echo("Stopped.")
        finally:
            httpd.server_close()
