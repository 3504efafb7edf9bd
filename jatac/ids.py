"""The shapes of record ids: plain regular expressions, so the store can find files by id
without importing the models (and pydantic) that check what is in them."""

from __future__ import annotations

import re

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CASE_ID_RE = re.compile(r"^(?P<prefix>[A-Z]{2,8})-(?P<year>\d{4})-(?P<number>\d{4,6})$")
MEETING_ID_RE = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})-(?P<group>[a-z0-9][a-z0-9-]{0,39})$"
)
FUND_YEAR_RE = re.compile(r"^(?P<year>\d{4})-(?P<next>\d{2})$")
PERSON_REF_RE = re.compile(r"^P-\d{4,6}$")
