"""The Information Sharing Protocol register: who signed, who is due for review, who has not.

Only agencies that signed the ISP (and whose signature is not past review)
receive shared information: distribution lists are built from this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from jatac.clock import add_months
from jatac.errors import Problem
from jatac.models.config import Agency, PartnershipConfig

if TYPE_CHECKING:
    from jatac.storage.repository import Repository


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
class Receiver:
    """An agency that receives a group's papers, and why (who of it sits on the group)."""

    agency: Agency
    roles: list[str]  # the member roles who get the document
    why: str


@dataclass
class Recipients:
    included: list[Receiver]
    left_out: list[tuple[Agency, str]]  # every other agency, and why


def _roles(roles: list[str]) -> str:
    return roles[0] if len(roles) == 1 else ", ".join(roles[:-1]) + " and " + roles[-1]


def recipients(
    cfg: PartnershipConfig, group_id: str, today: date, attended: dict[str, list[str]] | None = None
) -> Recipients:
    """The distribution list of a group's documents, decided fail-closed.

    An agency receives when a member of it names the group in their ``groups`` (a member with
    no groups sits on none) or, for minutes, when it attended that meeting (``attended``:
    agency id to the roles present); and only once it has signed the ISP. Every other
    agency is named with the reason it is left out."""
    attended = attended or {}
    group = cfg.group_by_id.get(group_id)
    group_name = group.name if group else group_id
    included, left_out = [], []
    for agency in cfg.agencies:
        roles = [m.role for m in agency.members_of(group_id)]
        if roles:
            why = f"{_roles(roles)} {'sits' if len(roles) == 1 else 'sit'} on the {group_name}"
        elif agency.id in attended:
            roles = attended[agency.id] or [agency.name]
            why = f"{_roles(roles)} attended the meeting (not a member of the {group_name})"
        else:
            unplaced = [m.role for m in agency.members_without_groups()]
            why = f"no member sits on the {group_name}"
            if unplaced:
                why += f" ({_roles(unplaced)}: no groups listed in jatac.yaml, so none)"
            left_out.append((agency, why))
            continue
        state = status(cfg, agency, today)
        if state.may_receive:
            included.append(Receiver(agency, roles, why))
        else:
            left_out.append((agency, state.why))
    return Recipients(included, left_out)


def members_on_no_group(repo: Repository) -> list[Problem]:
    """Members listed without ``groups``: they receive no papers (a member sits on the groups
    named for them and no others), so ``validate`` and ``doctor`` name them for the
    coordinator to decide. Positioned in jatac.yaml; not an error."""
    cfg = repo.config
    found = [(a, n, m) for a in cfg.agencies for n, m in enumerate(a.members) if not m.groups]
    if not found:
        return []
    from jatac.storage.repository import CONFIG_FILE
    from jatac.storage.yaml_roundtrip import parse, position

    doc = parse((repo.root / CONFIG_FILE).read_text(encoding="utf-8"), CONFIG_FILE)
    index = {a.id: i for i, a in enumerate(cfg.agencies)}
    groups = ", ".join(g.id for g in cfg.groups) or "..."
    problems = []
    for agency, n, member in found:
        line, column = position(doc, ["agencies", index[agency.id], "members", n])
        problems.append(
            Problem(
                CONFIG_FILE,
                line,
                column,
                f"{agency.id}: {member.role}",
                f"sits on no group, so receives no papers; list theirs (groups: [{groups}]) "
                "or remove the member",
            )
        )
    return problems
