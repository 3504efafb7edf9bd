"""Case text is data, never markup: each output format's escaping of a ``{{ value }}``."""

from __future__ import annotations

import re
from datetime import date
from typing import Any


class Raw(str):
    """Text a template author wrote as markup on purpose; passed through unescaped."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def typst(value: Any) -> str:
    """A Typst string literal in markup (``#"...";``): whatever it holds prints as plain text."""
    if isinstance(value, Raw):
        return str(value)
    text = _text(value)
    if not text:
        return ""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'#"{text}";'


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def markdown(value: Any) -> str:
    """Markdown text that renders as itself: punctuation escaped, one line (safe in tables)."""
    if isinstance(value, Raw):
        return str(value)
    text = _text(value).replace("&", "&amp;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^(\s*)([-=#+]|\d+\.)", r"\1\\\2", text, flags=re.M)
    return " ".join(text.split("\n")) if "\n" in text else text


def html(value: Any) -> Any:
    """HTML escaping is Jinja's autoescape; here only None and dates become text."""
    if isinstance(value, Raw):
        from markupsafe import Markup

        return Markup(str(value))
    if hasattr(value, "__html__"):
        return value
    return _text(value)
