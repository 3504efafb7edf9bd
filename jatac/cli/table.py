"""Plain aligned-text tables: what `list` prints, fast for a thousand rows.

rich lays out every cell as a renderable (0.6 s for the 950 open cases of a
10,000-case repository); a case list only needs columns padded to width, the
long ones wrapped so nothing is cut off.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

GAP = "  "
MIN_WRAP = 16  # a wrapping column is never narrower than this


def fit(widths: list[int], wrapping: Sequence[bool], width: int) -> list[int]:
    """Column widths that fit ``width``: the widest wrapping column gives way first."""
    widths = list(widths)
    excess = sum(widths) + len(GAP) * (len(widths) - 1) - width
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if wrapping[i] and w > MIN_WRAP]
        if not shrinkable:
            break  # the fixed columns alone are wider: let the terminal wrap
        widest = max(shrinkable, key=lambda i: widths[i])
        others = max((widths[i] for i in shrinkable if i != widest), default=MIN_WRAP)
        step = min(excess, widths[widest] - max(others, MIN_WRAP)) or 1
        widths[widest] -= step
        excess -= step
    return widths


def render(
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    wrapping: Sequence[bool],
    width: int,
    rule: str = "─",
) -> list[str]:
    """The table as lines: headings, a rule, then the rows; long cells wrap within their column."""
    natural = [len(h) for h in headings]
    for row in rows:
        for i, cell in enumerate(row):
            if len(cell) > natural[i]:
                natural[i] = len(cell)
    widths = fit(natural, wrapping, width)
    head = GAP.join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip()
    lines = [head]
    lines.append(GAP.join(rule * w for w in widths))
    for row in rows:
        if all(len(cell) <= w for cell, w in zip(row, widths, strict=True)):
            lines.append(GAP.join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
            continue
        cells = [_wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
        for n in range(max(len(c) for c in cells)):
            parts = (c[n] if n < len(c) else "" for c in cells)
            lines.append(GAP.join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip())
    return lines


def _wrap(cell: str, width: int) -> list[str]:
    if len(cell) <= width:
        return [cell]
    return textwrap.wrap(cell, width, break_on_hyphens=False) or [""]
