"""Charts as SVG: counts drawn with whole-number axes, no library. The site shows them
inline; the performance report's PDF embeds them (Typst draws SVG, in the document's font).

matplotlib took 2.5 s to start and 168 MB to install (with numpy, pillow and its other
dependencies) for two charts, and drew pictures of text with fractional ticks for counts;
an SVG of a few rectangles is drawn in microseconds, stays sharp when printed, takes the
page's font, and its labels are text a screen reader can reach (each chart also has a
table of the same figures beside it). Every label is escaped here: the SVG is markup the
template shows as it is.
"""

from __future__ import annotations

import zlib
from html import escape

from jatac.render.escape import Raw

INK, FIRST, SECOND, GRID = "#1a1a1a", "#1d4f91", "#b34700", "#c8c8c8"  # 4.5:1 or more on white


def _ident(title: str) -> str:
    """The same id for the same chart on every build (a page unchanged stays byte-identical)."""
    return f"chart-{zlib.crc32(title.encode()):08x}"


def _font(font: str | None) -> str:
    return f' font-family="{escape(font)}" font-size="13"' if font else ""


def _step(top: int) -> int:
    """A whole-number gridline step giving at most five lines up to ``top``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 5:
            return step
    return max(1, top // 5)


def columns(labels: list[str], series: dict[str, list[int]], title: str, font: str | None = None) -> Raw:
    """Grouped columns, one group per label (quarters), one colour per series. ``font``: the
    font to draw the labels in (a PDF's; a page's own font otherwise)."""
    width, height, left, bottom, top_pad = 640, 240, 44, 40, 30
    plot_h = height - bottom - top_pad
    top = max([1, *(v for values in series.values() for v in values)])
    step = _step(top)
    top = -(-top // step) * step
    group_w = (width - left - 10) / max(1, len(labels))
    bar_w = group_w * 0.8 / max(1, len(series))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{_ident(title)}" class="chart"{_font(font)}>',
        f'<title id="{_ident(title)}">{escape(title)}</title>',
    ]
    for value in range(0, top + 1, step):
        y = top_pad + plot_h - plot_h * value / top
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{value}</text>')
    colours = [FIRST, SECOND]
    for n, label in enumerate(labels):
        x0 = left + n * group_w + group_w * 0.1
        for s, (name, values) in enumerate(series.items()):
            h = plot_h * values[n] / top
            x = x0 + s * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{colours[s % 2]}"><title>{escape(name)} {escape(label)}: {values[n]}</title></rect>'
            )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    for s, name in enumerate(series):
        x = left + s * 120
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colours[s % 2]}"/>')
        parts.append(f'<text x="{x + 18}" y="17" fill="{INK}">{escape(name)}</text>')
    parts.append("</svg>")
    return Raw("".join(parts))


def bars(labels: list[str], values: list[int], title: str, font: str | None = None) -> Raw:
    """Horizontal bars, largest first (cases by locality)."""
    row, left, width = 22, 190, 640
    height = 20 + row * max(1, len(labels))
    top = max([1, *values])
    scale = (width - left - 50) / top
    ident = _ident(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}" class="chart"{_font(font)}>',
        f'<title id="{ident}">{escape(title)}</title>',
    ]
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + n * row
        shown = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" fill="{INK}">{escape(shown)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 2}" width="{value * scale:.1f}" height="{row - 6}" fill="{FIRST}"/>'
        )
        parts.append(f'<text x="{left + value * scale + 4:.1f}" y="{y + 14}" fill="{INK}">{value}</text>')
    parts.append("</svg>")
    return Raw("".join(parts))
