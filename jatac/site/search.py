"""The site's search: an index of what the audience may see, searched in the browser.

No server and no search library: the index is a script (``search-index.js``) that
sets one array, so the search works from a web server and from the folder opened
as files alike (browsers refuse to fetch a JSON file from ``file://``), and
``search.js`` (about sixty lines) keeps the cases holding every word typed, titles
first. A library (lunr, pagefind) would add a build step and a download to every
partner for what a word match over a few megabytes does in milliseconds.
"""

from __future__ import annotations

import json
from typing import Any

from jatac.guard.audience import Audience


def search_index(
    reader: Audience, cases: list[dict[str, Any]], locality: dict[str, str], category: dict[str, str]
) -> str:
    """``search-index.js``: per case [id, title, status, place, words], redacted for the audience.

    ``cases`` are the cases the audience may see; the words are the title, place,
    locality, category, tags and description (not the people linked to a case).
    """
    rows = []
    for d in cases:
        place = ", ".join(p for p in (d["place"], locality.get(d["location"], d["location"])) if p)
        words = " ".join(
            [d["description"] or "", category.get(d["category"], d["category"]), " ".join(d["tags"])]
        )
        rows.append(
            [d["id"], reader.redact(d["title"]), d["status"], reader.redact(place), reader.redact(words)]
        )
    # "</" never appears in the script: a title cannot close it
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.JATAC_SEARCH = {data};\n"
