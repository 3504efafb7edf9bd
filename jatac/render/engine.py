"""The Jinja environment and the PDF engine.

Templates come from the case repository's own ``templates/`` folder first,
then jatac's defaults; either way they run in Jinja's sandbox. Every
``{{ value }}`` is escaped for its format by ``finalize``, so text from a
case file is always shown, never run: a description holding ``<script>``,
``{{ 7*7 }}`` or Typst markup prints as those characters.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jatac.bundled import bundled
from jatac.errors import JatacError
from jatac.render import escape

FORMATS = ("md", "html", "pdf")
_SOURCE = {"md": "md", "html": "html", "pdf": "typ"}


class TemplateProblem(JatacError):
    """A template could not be read or rendered."""


def template_dirs(repo_root: Path) -> list[Path]:
    own = repo_root / "templates"
    return [own, bundled("templates")] if own.is_dir() else [bundled("templates")]


def longdate(value: date | None) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}" if value else ""


def shortdate(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def environment(repo_root: Path, fmt: str) -> Any:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    source = _SOURCE[fmt]
    finalize = {"typ": escape.typst, "md": escape.markdown, "html": escape.html}[source]
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(p) for p in template_dirs(repo_root)]),
        autoescape=source == "html",
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = longdate
    env.filters["shortdate"] = shortdate
    env.filters["raw"] = escape.Raw
    return env


def render_source(repo_root: Path, name: str, fmt: str, context: dict[str, Any]) -> str:
    """The text of ``name`` (e.g. "agenda") rendered for ``fmt``: Markdown, HTML or Typst."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    if fmt not in FORMATS:
        raise JatacError(f"{fmt!r} is not a format", hint="Formats: " + ", ".join(FORMATS))
    template_name = f"{name}.{_SOURCE[fmt]}.j2"
    env = environment(repo_root, fmt)
    try:
        return str(env.get_template(template_name).render(**context))
    except TemplateNotFound:
        raise TemplateProblem(
            f"no template {template_name}",
            hint="Templates: " + ", ".join(str(p) for p in template_dirs(repo_root)),
        ) from None
    except TemplateSyntaxError as e:
        raise TemplateProblem(f"{e.filename or template_name}:{e.lineno}  {e.message}") from None
    except TemplateError as e:
        raise TemplateProblem(
            f"{template_name}: {e}",
            hint="A template asked for something the document does not have, or the sandbox refused it.",
        ) from None


def compile_pdf(source: str, assets: dict[str, bytes] | None = None) -> bytes:
    """Typst source to PDF bytes, with Typst's own fonts only (the same on every machine).

    ``assets`` (name -> bytes, e.g. chart images) sit beside the source while it compiles.
    """
    import tempfile

    import typst

    try:
        if not assets:
            return bytes(typst.compile(source.encode("utf-8"), format="pdf", ignore_system_fonts=True))
        with tempfile.TemporaryDirectory(prefix="jatac-pdf-") as tmp:
            folder = Path(tmp)
            for name, data in assets.items():
                (folder / name).write_bytes(data)
            (folder / "main.typ").write_text(source, encoding="utf-8")
            return bytes(
                typst.compile(
                    str(folder / "main.typ"), root=str(folder), format="pdf", ignore_system_fonts=True
                )
            )
    except (RuntimeError, ValueError) as e:
        raise TemplateProblem(
            f"the PDF could not be made: {str(e)[:500]}",
            hint="If the repository has its own .typ templates, check them.",
        ) from None


def render(
    repo_root: Path, name: str, fmt: str, context: dict[str, Any], assets: dict[str, bytes] | None = None
) -> bytes:
    """The document's bytes. ``assets`` are images the template names (PDF: files beside the
    source; HTML: the template embeds them from ``context["images"]`` as data URIs)."""
    if assets:
        import base64

        context = {**context, "images": {k: base64.b64encode(v).decode() for k, v in assets.items()}}
    source = render_source(repo_root, name, fmt, context)
    return compile_pdf(source, assets) if fmt == "pdf" else source.encode("utf-8")
