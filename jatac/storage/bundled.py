"""Files shipped with jatac: the default templates and the example partnership.

In a checkout (or an editable install) they are the top-level ``templates/``
and ``cases/`` folders; in an installed wheel they sit inside the package
(pyproject.toml maps them there).
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent  # the jatac package
_TOP_LEVEL = {"templates": "templates", "example": "cases"}


def bundled(name: str) -> Path:
    """The folder ``templates`` or ``example``."""
    checkout = _HERE.parent / _TOP_LEVEL[name]
    if checkout.is_dir() and (_HERE.parent / "pyproject.toml").is_file():
        return checkout
    return _HERE / name
