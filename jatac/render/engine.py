"""The Jinja environment and the PDF engine.

Templates come from the case repository's own ``templates/`` folder first,
then jatac's defaults; either way they run in Jinja's sandbox. Every
``{{ value }}`` is escaped for its format by ``finalize``, so text from a
case file is always shown, never run: a description holding ``<script>``,
``{{ 7*7 }}`` or Typst markup prints as those characters.

A repository's templates are files a partner pushed: one that is a symbolic
link out of the repository (or into git's or jatac's own state) is refused,
whether it is asked for by name or by ``include``/``extends``. Typst compiles
in a fresh folder holding only the document's source and its images, so a
template's ``#read``/``#image`` can reach nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from jatac.errors import JatacError, Refused
from jatac.render import escape
from jatac.storage.bundled import bundled
from jatac.storage.fs import inside
from jatac.storage.outputs import MADE_BY

FORMATS = ("md", "html", "pdf")
_SOURCE = {"md": "md", "html": "html", "pdf": "typ"}


class TemplateProblem(JatacError):
    """A template could not be read or rendered."""


OWN_TEMPLATES = "templates"
# a template may not show what sits here, even through a link that stays in the repository
_PRIVATE = (".git", ".jatac")


def _own_folder(repo_root: Path) -> Path | None:
    """The repository's templates/ folder, if it has one (refused if it leads out of it)."""
    own = repo_root / OWN_TEMPLATES
    if not (own.is_symlink() or own.exists()):
        return None
    own = inside(repo_root, OWN_TEMPLATES, "template")
    return own if own.is_dir() else None


def template_dirs(repo_root: Path) -> list[Path]:
    own = _own_folder(repo_root)
    return [own, bundled("templates")] if own is not None else [bundled("templates")]


def repository_template(repo_root: Path, relpath: str) -> Path:
    """``relpath`` (under templates/) as a file jatac may read as a template, or refused."""
    path = inside(repo_root, relpath, "template")
    real = os.path.relpath(os.path.realpath(path), os.path.realpath(repo_root))
    first = Path(real).parts[0] if real != "." else ""
    if first in _PRIVATE:
        raise Refused(
            f"{relpath} leads to {real}, jatac's or git's own files; jatac will not show them in a document",
            hint=f"Remove the link (git rm {relpath}) and commit, or ask the partner who pushed it.",
        )
    return path


def _loader(repo_root: Path) -> Any:
    """The repository's own templates, every file checked as above; then jatac's (trusted)."""
    import posixpath

    from jinja2 import BaseLoader, FileSystemLoader
    from jinja2.loaders import split_template_path

    class RepositoryLoader(BaseLoader):
        def __init__(self) -> None:
            self.bundled = FileSystemLoader(str(bundled("templates")))

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
            pieces = split_template_path(template)  # refuses ".." in an include's name
            if _own_folder(repo_root) is not None:
                relpath = posixpath.join(OWN_TEMPLATES, *pieces)
                candidate = repo_root / relpath
                if candidate.is_symlink() or candidate.exists():
                    path = repository_template(repo_root, relpath)
                    if path.is_file():
                        try:
                            text = path.read_text(encoding="utf-8")
                        except UnicodeDecodeError:
                            raise TemplateProblem(f"{relpath} is not UTF-8 text") from None
                        return text, str(path), lambda: False
            return self.bundled.get_source(environment, template)

    return RepositoryLoader()


def longdate(value: date | None) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}" if value else ""


def shortdate(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def pounds(value: float | None) -> str:
    return f"£{value:,.2f}" if value is not None else ""


def environment(repo_root: Path, fmt: str) -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    source = _SOURCE[fmt]
    finalize = {"typ": escape.typst, "md": escape.markdown, "html": escape.html}[source]
    env = SandboxedEnvironment(
        loader=_loader(repo_root),
        autoescape=source == "html",
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = longdate
    env.filters["shortdate"] = shortdate
    env.filters["pounds"] = pounds
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

    Typst's root is a fresh folder holding the source and ``assets`` (name -> bytes, e.g.
    chart images), nothing else: a template's ``#read("/...")`` or ``#image("../...")``
    finds nothing outside it (Typst refuses paths above its root), never the current folder.
    Packages are looked for there too, not in the person's own Typst folders.
    """
    import tempfile

    import typst

    with tempfile.TemporaryDirectory(prefix="jatac-pdf-") as tmp:
        folder = Path(tmp)
        for name, data in (assets or {}).items():
            (folder / Path(name).name).write_bytes(data)  # a bare name: nothing lands beside the folder
        # the mark the pre-commit hook knows a paper by, whatever the template (its own set rule
        # for the title or author leaves the keywords alone)
        marked = f'#set document(keywords: ("{MADE_BY}",))\n{source}'
        (folder / "main.typ").write_text(marked, encoding="utf-8")
        (folder / ".packages").mkdir()
        try:
            return bytes(
                typst.compile(
                    str(folder / "main.typ"),
                    root=str(folder),
                    format="pdf",
                    ignore_system_fonts=True,
                    package_path=str(folder / ".packages"),
                    package_cache_path=str(folder / ".packages"),
                )
            )
        except (RuntimeError, ValueError) as e:
            raise TemplateProblem(
                f"the PDF could not be made: {str(e).replace(tmp, '[the document folder]')[:500]}",
                hint="If the repository has its own .typ templates, check them: a template can read only "
                "the document's own images, nothing else on this computer.",
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
