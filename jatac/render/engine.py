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

    from jatac.render.sandbox import BudgetedEnvironment

    source = _SOURCE[fmt]
    finalize = {"typ": escape.typst, "md": escape.markdown, "html": escape.html}[source]
    env = BudgetedEnvironment(
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


LIMIT_HINT = (
    "A paper never needs this much. Check that template (at the line named) for loops within "
    "loops, a macro that calls itself, or a very long string or list; or remove the "
    "repository's template (git rm) and commit, to use jatac's own."
)

TYPST_HINT = (
    "A paper never needs this much. Check the repository's .typ template for a #for or #while "
    "that runs without end or builds a very large array (range(10^9)); or remove it (git rm) "
    "and commit, to use jatac's own."
)


def render_source(repo_root: Path, name: str, fmt: str, context: dict[str, Any]) -> str:
    """The text of ``name`` (e.g. "agenda") rendered for ``fmt``: Markdown, HTML or Typst.

    A repository's template is a partner's code: it runs in the budgeted sandbox, in a
    child process with a memory and time limit (``jatac.render.bounded``)."""
    from jatac.render.bounded import run_limited

    if fmt not in FORMATS:
        raise JatacError(f"{fmt!r} is not a format", hint="Formats: " + ", ".join(FORMATS))
    template_name = f"{name}.{_SOURCE[fmt]}.j2"
    env = environment(repo_root, fmt)  # made here, once: Jinja's imports and lexer stay for the next
    if _own_folder(repo_root) is None:  # only jatac's own templates: nothing a partner wrote runs
        return _render_here(env, repo_root, template_name, context)
    return run_limited(
        lambda: _render_here(env, repo_root, template_name, context),
        what=shown_name(repo_root, template_name),
        hint=LIMIT_HINT,
    )


def shown_name(repo_root: Path, template_name: str) -> str:
    """templates/NAME if the repository has its own, else NAME (jatac's)."""
    own = f"{OWN_TEMPLATES}/{template_name}"
    return own if (repo_root / own).is_symlink() or (repo_root / own).exists() else template_name


def template_problem(error: Exception, template_name: str, repo_root: Path, hint: str) -> TemplateProblem:
    """An exception a template raised as it ran, as a problem naming its file and line."""
    from jatac.render.sandbox import LimitExceeded

    where = template_name
    tb = error.__traceback__
    while tb is not None:  # Jinja gives each template line its own frame: the last one is where
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            path = Path(filename)
            shown = path.relative_to(repo_root) if path.is_relative_to(repo_root) else path.name
            where = f"{shown}:{tb.tb_lineno}"
        tb = tb.tb_next
    if isinstance(error, RecursionError):
        message = "templates that call or include themselves without end"
    elif isinstance(error, LimitExceeded):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
    limit = isinstance(error, (LimitExceeded, RecursionError))
    return TemplateProblem(f"{where}  {message}", hint=LIMIT_HINT if limit else hint)


def _render_here(env: Any, repo_root: Path, template_name: str, context: dict[str, Any]) -> str:
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    try:
        return str(env.get_template(template_name).render(**context))
    except TemplateNotFound:
        raise TemplateProblem(
            f"no template {template_name}",
            hint="Templates: " + ", ".join(str(p) for p in template_dirs(repo_root)),
        ) from None
    except TemplateSyntaxError as e:
        raise TemplateProblem(f"{e.filename or template_name}:{e.lineno}  {e.message}") from None
    except (JatacError, MemoryError):
        raise
    except Exception as e:  # the template's own doing (it is a partner's code), not jatac's
        raise template_problem(
            e,
            template_name,
            repo_root,
            "A template asked for something the document does not have, or the sandbox refused it.",
        ) from None


def compile_pdf(source: str, assets: dict[str, bytes] | None = None, template: str = "the document") -> bytes:
    """Typst source to PDF bytes, with Typst's own fonts only (the same on every machine).

    Typst's root is a fresh folder holding the source and ``assets`` (name -> bytes, e.g.
    chart images), nothing else: a template's ``#read("/...")`` or ``#image("../...")``
    finds nothing outside it (Typst refuses paths above its root), never the current folder.
    Packages are looked for there too, not in the person's own Typst folders.

    Typst compiles in a child process with a memory and time limit: a repository's ``.typ``
    template may loop or allocate without end (``template`` names it in the message). The
    folder is made and removed here, so a child that is stopped leaves nothing behind.
    Always in a child, also for jatac's own templates: Typst's threads, once started in
    this process, would not exist in a later fork, and its compile there would wait for ever.
    """
    import tempfile

    import typst  # noqa: F401  (imported here once, not in each child)

    from jatac.render.bounded import run_limited

    with tempfile.TemporaryDirectory(prefix="jatac-pdf-") as tmp:
        folder = Path(tmp)
        for name, data in (assets or {}).items():
            (folder / Path(name).name).write_bytes(data)  # a bare name: nothing lands beside the folder
        # the mark the pre-commit hook knows a paper by, whatever the template (its own set rule
        # for the title or author leaves the keywords alone)
        marked = f'#set document(keywords: ("{MADE_BY}",))\n{source}'
        (folder / "main.typ").write_text(marked, encoding="utf-8")
        (folder / ".packages").mkdir()
        return run_limited(lambda: _compile_in(folder), what=f"the PDF of {template}", hint=TYPST_HINT)


def _compile_in(folder: Path) -> bytes:
    import typst

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
            f"the PDF could not be made: {str(e).replace(str(folder), '[the document folder]')[:500]}",
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
    if fmt == "pdf":
        shown = shown_name(repo_root, f"{name}.{_SOURCE[fmt]}.j2")
        return compile_pdf(source, assets, shown)
    return source.encode("utf-8")
