"""The shapes of record ids: plain regular expressions, so the store can find files by id
without importing the models (and pydantic) that check what is in them.

Digits are written [0-9], never backslash-d: in Python's and pydantic's regular expressions
that matches any Unicode digit (mathematical bold, Arabic-Indic ...), and those are not an id."""

from __future__ import annotations

import re

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CASE_ID_RE = re.compile(r"^(?P<prefix>[A-Z]{2,8})-(?P<year>[0-9]{4})-(?P<number>[0-9]{4,6})$")
MEETING_ID_RE = re.compile(
    r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})-(?P<group>[a-z0-9][a-z0-9-]{0,39})$"
)
FUND_YEAR_RE = re.compile(r"^(?P<year>[0-9]{4})-(?P<next>[0-9]{2})$")
PERSON_REF_RE = re.compile(r"^P-[0-9]{4,6}$")
