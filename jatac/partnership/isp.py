"""The Information Sharing Protocol register: who signed, who is due for review, who has not.

Only agencies that signed the ISP (and whose signature is not past review)
receive shared information: distribution lists are built from this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jatac.clock import add_months
from jatac.models.config import Agency, PartnershipConfig


@dataclass
class IspStatus:
    agency: Agency
    state: str  # "signed", "review due", "not signed"
    review_by: date | None

    @property
    def may_receive(self) -> bool:
        return self.state == "signed"

    @property
    def why(self) -> str:
        if self.state == "not signed":
            return "has not signed the Information Sharing Protocol"
        if self.state == "review due":
            return f"its ISP signature was due for review by {self.review_by}"
        return f"signed {self.agency.isp_signed}"


def status(cfg: PartnershipConfig, agency: Agency, today: date) -> IspStatus:
    if agency.isp_signed is None or agency.isp_signed > today:
        return IspStatus(agency, "not signed", None)
    review_by = agency.isp_review or add_months(agency.isp_signed, cfg.isp_review_months)
    return IspStatus(agency, "review due" if review_by < today else "signed", review_by)


def register(cfg: PartnershipConfig, today: date) -> list[IspStatus]:
    order = {"not signed": 0, "review due": 1, "signed": 2}
    return sorted(
        (status(cfg, a, today) for a in cfg.agencies), key=lambda s: (order[s.state], s.agency.name)
    )


@dataclass
class Recipients:
    included: list[tuple[Agency, list[str]]]  # agency and the member roles who get the document
    left_out: list[tuple[Agency, str]]  # agency and why


def recipients(cfg: PartnershipConfig, group_id: str, today: date) -> Recipients:
    """The distribution list of a group's documents: members of agencies that may receive them."""
    included, left_out = [], []
    for agency in cfg.agencies:
        roles = [m.role for m in agency.members_of(group_id)]
        if not roles:
            continue
        state = status(cfg, agency, today)
        if state.may_receive:
            included.append((agency, roles))
        else:
            left_out.append((agency, state.why))
    return Recipients(included, left_out)
