"""Charts for reports, drawn with matplotlib (imported only when a report needs one)."""

from __future__ import annotations

import io
from typing import Any


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no screen: draw to files
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, bbox_inches="tight")
    _pyplot().close(fig)
    return out.getvalue()


def trend_lines(quarters: list[str], series: dict[str, list[int]], title: str) -> bytes:
    """Lines by quarter (cases raised, closed ...) as a PNG."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    for label, values in series.items():
        ax.plot(quarters, values, marker="o", label=label)
    ax.set_title(title, fontsize=10)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    ax.tick_params(labelsize=8)
    return _png(fig)


def bars(labels: list[str], values: list[int], title: str) -> bytes:
    """Horizontal bars (cases by locality ...) as a PNG, largest at the top."""
    plt = _pyplot()
    height = max(1.6, 0.28 * len(labels) + 0.8)
    fig, ax = plt.subplots(figsize=(6.4, height))
    ax.barh(labels[::-1], values[::-1], color="#3b6ea5")
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)
