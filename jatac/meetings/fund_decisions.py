"""A fund decision named by the meeting that took it: the meeting found in the group's
schedule or files, and held (not cancelled, not still to come), before the fund records it."""

from __future__ import annotations

from jatac.errors import Refused
from jatac.meetings.files import find
from jatac.models.common import MEETING_ID_RE
from jatac.models.fund import FundRequest
from jatac.partnership import fund
from jatac.storage.repository import Repository


def decide(
    repo: Repository,
    request_id: str,
    *,
    approve: bool,
    meeting: str | None = None,
    chair_action: str | None = None,
    against_advice: str | None = None,
    note: str | None = None,
) -> FundRequest:
    """``meeting``: its date (or its id, 2026-12-14-coordinating), as `jatac meetings` lists it."""
    meeting_id = None
    if meeting is not None:
        named = MEETING_ID_RE.fullmatch(meeting.strip())
        when, group = (meeting.strip()[:10], named["group"]) if named else (meeting, None)
        planned = find(repo, when, group)
        if planned.cancelled:
            raise Refused(f"the meeting of {planned.day} was cancelled: it decided nothing")
        meeting_id = planned.id
    return fund.decide(
        repo,
        request_id,
        approve=approve,
        meeting=meeting_id,
        chair_action=chair_action,
        against_advice=against_advice,
        note=note,
    )
