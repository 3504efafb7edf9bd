"""A pushed template can lay out the published site, not run script in it.

The site's pages are made from the case repository's own templates when it has them, and
a repository is input jatac did not write. So, unless this computer's own settings allow
the file (``jatac/storage/user_settings.py``: the file's path and the digest of its
content, outside any repository):

- a script of the repository's (``templates/site/*.js``) is refused;
- a repository template the site reads (a page, the layout, an agenda or minutes page,
  anything they include) is refused if it turns escaping off (``|raw``, ``|safe``,
  ``{% autoescape false %}``) or writes script: a ``<script>`` other than the site's own
  (``search.js``, ``search-index.js``), an ``on...=`` handler or a ``javascript:`` link;
- and when the repository has such templates, every page they made is read again as it
  was written, for the same, so that no trick of splitting a tag across ``{{ }}`` gets
  past the check of the template's text.

Whatever the templates, every page carries a Content-Security-Policy (as its first
element, whatever the template wrote) that lets a browser run only the site's own
script files: no inline script, no handler, nothing from elsewhere. `jatac site --serve`
sends the same policy as a header, with ``nosniff``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jatac.errors import Refused

OWN_SCRIPTS = ("search.js", "search-index.js")
# style may be inline (a template lays the page out); anything it loads comes from the site
POLICY = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"
)
UNESCAPING_FILTERS = {"raw", "safe"}

_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)(?:</script\s*>|$)", re.I | re.S)
_OWN_SRC = re.compile(
    r"""^\s+src\s*=\s*(["']?)(?:\x00|(?:\.\./)*)(?:"""
    + "|".join(re.escape(s) for s in OWN_SCRIPTS)
    + r""")\1\s*$""",
    re.I,
)
_HANDLER = re.compile(r"<[a-z][^>]*?[\s\"'/]on[a-z]+\s*=", re.I)
_JS_URL = re.compile(r"""\b(?:href|src|action|formaction|xlink:href|data)\s*=\s*["']?\s*javascript:""", re.I)
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)  # a printed value, in a template's text


class PushedScript(Refused):
    """A repository's template or script would run script in the published site."""


def policy(hashes: Iterable[str] = ()) -> str:
    """The Content-Security-Policy of a page (``hashes``: of inline scripts this computer allowed)."""
    extra = "".join(f" 'sha256-{h}'" for h in sorted(set(hashes)))
    return POLICY.format(hashes=extra)


_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
_HASH = re.compile(r"'sha256-([A-Za-z0-9+/=]+)'")


def served_policy(file: Path) -> str:
    """The policy `jatac site --serve` sends with ``file``: a page's own, when it is the policy
    jatac wrote into it (with the digests of inline scripts this computer allowed), else the
    site's (no inline script at all)."""
    if file.suffix == ".html":
        try:
            with open(file, "rb") as f:
                start = f.read(4096).decode("utf-8", "replace")
        except OSError:
            return policy()
        match = _META.search(start)
        if match and match.group(1) == policy(_HASH.findall(match.group(1))):
            return match.group(1)
    return policy()


_HEAD = re.compile(r"\A(\s*(?:<!doctype[^>]*>\s*)?(?:<html\b[^>]*>\s*)?<head\b[^>]*>)", re.I)


def with_policy(page: str, hashes: Iterable[str] = ()) -> str:
    """``page`` with its policy as the first element of its head (before anything that could
    load or run), or at its very start when the template wrote no plain head."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">'
    match = _HEAD.match(page)
    if match:
        return f"{match.group(1)}\n{meta}{page[match.end() :]}"
    return f"{meta}\n{page}"


def inline_hashes(page: str) -> list[str]:
    """The digests (for the policy) of the inline scripts in ``page``."""
    return [
        base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        for attrs, body in _SCRIPT_TAG.findall(page)
        if "src" not in attrs.lower()
    ]


def _script_problems(text: str) -> list[tuple[int, str]]:
    """(offset, what) for each place ``text`` (a template's text with each printed value as
    a NUL, or a page as written) writes script."""
    found = []
    for m in _SCRIPT_TAG.finditer(text):
        attrs, body = m.group(1), m.group(2)
        if not _OWN_SRC.match(attrs) or body.strip():
            found.append((m.start(), "a <script> other than the site's own (search.js, search-index.js)"))
    found += [(m.start(), "an on...= handler, which runs script") for m in _HANDLER.finditer(text)]
    found += [(m.start(), "a javascript: link") for m in _JS_URL.finditer(text)]
    return sorted(found)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def template_problems(env: Any, name: str, source: str) -> list[str]:
    """What in a repository template's ``source`` would run script or turn escaping off,
    each with its line."""
    from jinja2 import TemplateSyntaxError, nodes

    found = []
    try:
        tree = env.parse(source, name)
    except TemplateSyntaxError:
        return []  # its error is reported, with its line, when it is rendered
    for node in tree.find_all(nodes.Filter):
        if node.name in UNESCAPING_FILTERS:
            found.append(f"line {node.lineno}: |{node.name} prints a value without escaping it")
    for node in tree.find_all((nodes.EvalContextModifier, nodes.ScopedEvalContextModifier)):
        if any(k.key == "autoescape" for k in node.options):
            found.append(f"line {node.lineno}: autoescape turns escaping off")
    text = _EXPRESSION.sub("\x00", source)
    found += [f"line {_line(text, at)}: {what}" for at, what in _script_problems(text)]
    return found


def page_problems(page: str) -> list[str]:
    """What in a page, as written, runs script that is not the site's own."""
    return [f"line {_line(page, at)}: {what}" for at, what in _script_problems(page)]


def refuse(relpath: str, problems: list[str], allow_line: str | None) -> PushedScript:
    """The refusal of a repository file that would run script in the site."""
    hint = "Remove it from the repository (or ask the partner who pushed it) and build again."
    if allow_line is not None:
        from jatac.storage.user_settings import path

        hint += (
            f' If you have read it and trust it, allow it on this computer only: add "{allow_line}" '
            f"to allow_script under [site] in {path()}."
        )
    listed = "; ".join(problems[:5]) + (f" and {len(problems) - 5} more" if len(problems) > 5 else "")
    return PushedScript(
        f"{relpath} would run script in the published site ({listed}); the site was not built",
        hint=hint,
    )
