"""Changing jatac.yaml by command: agencies and their members, localities, a group's venue
(and, through jatac/meetings/rescheduling.py, a group's schedule).

Each change reads jatac.yaml with its comments and order, changes what it must, checks
the whole file as jatac.yaml is checked (a duplicate id, an unknown group or locality is
refused before anything is written), and writes and commits it through one Change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from jatac.errors import InvalidRecord, NotFound, Refused
from jatac.git.change import Change
from jatac.models.config import Agency, Group, Locality, LocalityKind, Member, PartnershipConfig
from jatac.storage.diff import diff
from jatac.storage.repository import CONFIG_FILE, Repository, read_text
from jatac.storage.yaml_roundtrip import YamlProblem, dump, insert, parse, plain, set_field, to_yaml


@dataclass
class ConfigEdit:
    """jatac.yaml as read (its text) and as it is being changed (its round-trip document)."""

    repo: Repository
    text: str = ""
    doc: CommentedMap = field(default_factory=CommentedMap)

    @classmethod
    def read(cls, repo: Repository) -> ConfigEdit:
        repo.validate_config()  # a broken jatac.yaml is reported as it is, not changed further
        text = read_text(repo.root / CONFIG_FILE, CONFIG_FILE)
        try:
            doc = parse(text, CONFIG_FILE)
        except YamlProblem as e:
            raise InvalidRecord([e.problem]) from None
        return cls(repo, text, doc)

    @property
    def config(self) -> PartnershipConfig:
        return self.repo.config

    def checked(self) -> PartnershipConfig:
        """The changed file as the partnership's settings, or InvalidRecord naming the field."""
        from pydantic import ValidationError

        from jatac.storage.problems import from_validation

        try:
            return PartnershipConfig.model_validate(plain(self.doc))
        except ValidationError as e:
            fields = list(PartnershipConfig.model_fields)
            raise InvalidRecord(
                from_validation(e, self.doc, CONFIG_FILE, fields, model=PartnershipConfig),
                hint="Nothing was changed.",
            ) from None

    def commit(
        self,
        *,
        command: str,
        subject: str,
        body: Sequence[str] = (),
        trailers: dict[str, str | Sequence[str]] | None = None,
        also: Callable[[Change], None] | None = None,
        no_commit: bool = False,
    ) -> PartnershipConfig:
        """Check the changed file, then write and commit it (with ``also``'s writes)."""
        checked = self.checked()
        with Change(
            self.repo, command=command, subject=subject, trailers=trailers, no_commit=no_commit
        ) as change:
            change.body.extend(body)
            change.write(CONFIG_FILE, dump(self.doc), expect=self.text)
            if also is not None:
                also(change)
        self.repo.__dict__.pop("config", None)  # read again from the file, when next asked
        return checked

    def section(self, key: str) -> CommentedSeq:
        value = self.doc.get(key)
        if not isinstance(value, CommentedSeq):
            raise Refused(f"jatac.yaml has no list of {key}")
        return value

    def item(self, key: str, item_id: str) -> CommentedMap:
        found = next(
            (i for i in self.section(key) if isinstance(i, CommentedMap) and i.get("id") == item_id), None
        )
        if found is None:
            raise NotFound(f"jatac.yaml has no {key[:-1] if key != 'localities' else 'locality'} {item_id!r}")
        return found


# -- keeping the layout a person wrote ---------------------------------------------


def _block(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node) and not node.fa.flow_style()


def _to_last_line(node: Any) -> list[tuple[Any, Any]]:
    """The containers and keys (or indexes) down to a block's last line (a scalar, or a
    value in flow style): where ruamel hangs the comment that follows the block."""
    path: list[tuple[Any, Any]] = []
    while _block(node):
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        path.append((node, key))
        node = node[key]
    return path


def detach_trailing(node: Any) -> str | None:
    """Take off (and return) what follows a block's last line: the blank line and comment
    before the next section, which ruamel hangs on that line (or, after a value in flow
    style, on the lists that end there). An end-of-line comment stays on its line."""
    path = _to_last_line(node)
    if not path:
        return None
    after = ""
    holder, key = path[-1]
    slot = 2 if isinstance(holder, CommentedMap) else 0
    entry = holder.ca.items.get(key)
    token = entry[slot] if entry and len(entry) > slot else None
    if token is not None:
        first, _, rest = token.value.partition("\n")
        if first.strip().startswith("#"):
            token.value = first + "\n"
        else:
            entry[slot] = None
        after = rest
    for container, _ in reversed(path):
        if container.ca.end:
            after += "".join(t.value for t in container.ca.end)
            container.ca.end = []
    return after or None


def attach_trailing(node: Any, after: str | None) -> None:
    """Put back what ``detach_trailing`` took, after the block's (new) last line."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    path = _to_last_line(node)
    if after is None or not path:
        return
    holder, key = path[-1]
    slot = 2 if isinstance(holder, CommentedMap) else 0
    entry = holder.ca.items.setdefault(key, [None, None, None, None])
    if entry[slot] is not None and entry[slot].value.strip().startswith("#"):  # after its own comment
        entry[slot].value = entry[slot].value.rstrip("\n") + "\n" + after
    else:
        entry[slot] = CommentToken("\n" + after, CommentMark(0), None)


def append_item(seq: CommentedSeq, item: CommentedMap) -> None:
    """Append to a block list, keeping what follows the list (a blank line, the next
    section's comment) after the new last item rather than before it."""
    trailing = detach_trailing(seq)
    seq.append(item)
    attach_trailing(seq, trailing)


def _member_doc(member: Member) -> CommentedMap:
    doc = to_yaml(member.model_dump(exclude_defaults=True))
    if "groups" in doc:
        doc["groups"].fa.set_flow_style()  # groups: [coordinating, jatac]
    return doc


# -- agencies ------------------------------------------------------------------------


def _members(
    config: PartnershipConfig, roles: Sequence[str], groups: Sequence[str], option: str
) -> list[Member]:
    """Members from ``--member ROLE`` options and their ``--groups``: one --groups for all of
    them, or one for each in the same order."""
    if groups and len(groups) not in (1, len(roles)):
        raise Refused(
            f"{len(roles)} {option} but {len(groups)} --groups",
            hint=f"Give --groups once for every member, or once after each {option}, in the same order.",
        )
    if groups and not roles:
        raise Refused(
            "--groups says which groups a member sits on", hint=f"Name the member with {option} ROLE."
        )
    members = []
    for n, role in enumerate(roles):
        wanted = groups[0 if len(groups) == 1 else n] if groups else ""
        names = [g.strip() for g in wanted.split(",") if g.strip()]
        unknown = [g for g in names if g not in config.group_by_id]
        if unknown:
            raise Refused(
                f"unknown group {unknown[0]!r}", hint="Groups: " + ", ".join(config.group_by_id) + "."
            )
        if not role.strip():
            raise Refused(
                "a member is named by their role", hint=f'For example: {option} "Neighbourhood Inspector"'
            )
        from jatac.storage.problems import check_new

        members.append(check_new(Member, {"role": role, "groups": names}, config, "new member"))
    seen = [m.role.casefold() for m in members]
    if len(seen) != len(set(seen)):
        raise Refused("the same role is given twice")
    return members


def _functional_mailbox(repo: Repository, email: str) -> None:
    """An agency's mailbox goes into git: refused if it names a person the people store knows."""
    import re

    from jatac.guard.people import names
    from jatac.guard.privacy import NAME, NameFingerprints, detectors, find

    local_part = email.partition("@")[0]
    local = set(re.split(r"[^a-z]+", local_part.casefold())) - {""}
    known = names(repo)
    if isinstance(known, NameFingerprints):  # the store's key is not here: a name, written out
        named = any(hit.kind == NAME for hit in find(local_part, detectors(known)))
    else:
        named = any(
            words and len(words & local) >= min(2, len(words))
            for words in (set(re.split(r"[^a-z]+", name.casefold())) - {""} for name in known)
        )
    if named:
        raise Refused(
            f"{email} looks like a person's own address (it names someone in the people store)",
            hint="Give the agency's team mailbox (e.g. tasking@...): "
            "people's own addresses never go into git.",
        )


def add_agency(
    repo: Repository,
    agency_id: str,
    *,
    name: str,
    isp_signed: date | None = None,
    roles: Sequence[str] = (),
    groups: Sequence[str] = (),
    email: str | None = None,
    no_commit: bool = False,
) -> Agency:
    edit = ConfigEdit.read(repo)
    if email is not None:
        _functional_mailbox(repo, email)
    known = edit.config.agency_by_id.get(agency_id)
    if known is not None:
        raise Refused(
            f"there is already an agency {agency_id} ({known.name})",
            hint=f"Change it with: jatac agency edit {agency_id} ...",
        )
    members = _members(edit.config, roles, groups, "--member")
    from jatac.storage.problems import check_new

    agency: Agency = check_new(
        Agency,
        {
            "id": agency_id,
            "name": name,
            "isp_signed": isp_signed,
            "email": email,
            "members": [m.model_dump() for m in members],
        },
        edit.config,
        "new agency",
    )
    doc = to_yaml(agency.model_dump(exclude={"members"}, exclude_none=True))
    if members:
        doc["members"] = CommentedSeq(_member_doc(m) for m in members)
    append_item(edit.section("agencies"), doc)
    body = [f"Member: {m.role}" + (f" (groups: {', '.join(m.groups)})" if m.groups else "") for m in members]
    if isp_signed:
        body.append(f"Signed the Information Sharing Protocol on {isp_signed}.")
    counted = f", {len(members)} member{'s' if len(members) != 1 else ''}" if members else ""
    edit.commit(
        command="agency add",
        subject=f"Agency {agency.id} added: {agency.name}{counted}",
        body=body,
        no_commit=no_commit,
    )
    return agency


def edit_agency(
    repo: Repository,
    agency_id: str,
    *,
    name: str | None = None,
    isp_signed: date | None = None,
    isp_review: date | None = None,
    add_roles: Sequence[str] = (),
    groups: Sequence[str] = (),
    remove_roles: Sequence[str] = (),
    email: str | None = None,
    no_commit: bool = False,
) -> Agency:
    edit = ConfigEdit.read(repo)
    if email is not None:
        _functional_mailbox(repo, email)
    if agency_id not in edit.config.agency_by_id:
        raise NotFound(
            f"there is no agency {agency_id!r}",
            hint="Agencies: "
            + ", ".join(sorted(edit.config.agency_by_id))
            + f". Add one: jatac agency add {agency_id} --name ...",
        )
    if not (name or isp_signed or isp_review or add_roles or remove_roles or email):
        raise Refused(
            "nothing to change",
            hint="Give --name, --isp-signed, --isp-review, --email, --add-member or --remove-member.",
        )
    doc = edit.item("agencies", agency_id)
    before = plain(doc)
    trailing = detach_trailing(doc)
    order = list(Agency.model_fields)
    for key, value in (
        ("name", name),
        ("isp_signed", isp_signed),
        ("isp_review", isp_review),
        ("email", email),
    ):
        if value is not None:
            set_field(doc, key, value, order)
    current = doc.get("members")
    members = current if isinstance(current, CommentedSeq) else CommentedSeq()
    for role in remove_roles:
        index = next(
            (i for i, m in enumerate(members) if str(m.get("role", "")).casefold() == role.casefold()), None
        )
        if index is None:
            have = ", ".join(str(m.get("role")) for m in members) or "none"
            raise Refused(f"{agency_id} has no member {role!r}", hint=f"Its members: {have}.")
        del members[index]
    for member in _members(edit.config, add_roles, groups, "--add-member"):
        if any(str(m.get("role", "")).casefold() == member.role.casefold() for m in members):
            raise Refused(
                f"{agency_id} already has a member {member.role!r}",
                hint="To change their groups: --remove-member ROLE --add-member ROLE --groups ...",
            )
        members.append(_member_doc(member))
    if members:
        insert(doc, "members", members, order)
    else:
        doc.pop("members", None)
    attach_trailing(doc, trailing)
    changes = diff(before, plain(doc))
    if not changes:
        raise Refused("nothing would change", hint=f"`jatac isp` and jatac.yaml show {agency_id} as it is.")
    words = [f"named {name}"] if name and name != before.get("name") else []
    words += [f"ISP signed {isp_signed}"] if isp_signed else []
    words += [f"ISP review by {isp_review}"] if isp_review else []
    words += [f"mailbox {email}"] if email else []
    words += [f"{role} left" for role in remove_roles] + [f"{role} joined" for role in add_roles]
    config = edit.commit(
        command="agency edit",
        subject=f"Agency {agency_id}: " + ", ".join(words),
        body=[c.text() for c in changes],
        no_commit=no_commit,
    )
    return config.agency_by_id[agency_id]


# -- localities ----------------------------------------------------------------------


def add_locality(
    repo: Repository,
    locality_id: str,
    *,
    name: str,
    kind: str = "ward",
    within: str | None = None,
    no_commit: bool = False,
) -> Locality:
    edit = ConfigEdit.read(repo)
    config = edit.config
    known = config.locality_by_id.get(locality_id)
    if known is not None:
        raise Refused(f"there is already a locality {locality_id} ({known.name})")
    kinds = [k.value for k in LocalityKind]
    if kind not in kinds:
        raise Refused(f"{kind!r} is not a kind of locality", hint="Kinds: " + ", ".join(kinds) + ".")
    if within is not None and within not in config.locality_by_id:
        within = config.resolve_locality(within) or within
        if within not in config.locality_by_id:
            raise Refused(
                f"unknown locality {within!r} for --within",
                hint="Localities: " + ", ".join(config.locality_by_id) + ".",
            )
    from jatac.storage.problems import check_new

    locality: Locality = check_new(
        Locality, {"id": locality_id, "name": name, "kind": kind, "within": within}, config, "new locality"
    )
    append_item(edit.section("localities"), to_yaml(locality.model_dump(exclude_none=True)))
    where = f" ({locality.kind.value}" + (f" within {within})" if within else ")")
    edit.commit(
        command="locality add",
        subject=f"Locality {locality.id} added: {locality.name}{where}",
        no_commit=no_commit,
    )
    return locality


# -- a group's venue -------------------------------------------------------------------


def set_group_venue(repo: Repository, group_id: str, venue: str, *, no_commit: bool = False) -> Group:
    edit = ConfigEdit.read(repo)
    group = edit.config.group_by_id.get(group_id)
    if group is None:
        raise Refused(
            f"unknown group {group_id!r}", hint="Groups: " + ", ".join(edit.config.group_by_id) + "."
        )
    venue = venue.strip()
    if not venue:
        raise Refused("say where the group meets", hint='For example: "Civic Offices, Committee Room 2"')
    if group.venue == venue:
        raise Refused(f"{group_id} already meets at {venue}")
    doc = edit.item("groups", group_id)
    trailing = detach_trailing(doc)
    set_field(doc, "venue", venue, list(Group.model_fields))
    attach_trailing(doc, trailing)
    config = edit.commit(
        command="venue set",
        subject=f"{group.name}: meets at {venue}" + (f" (was {group.venue})" if group.venue else ""),
        body=[f"venue: {group.venue or '(none)'} -> {venue}"],
        no_commit=no_commit,
    )
    return config.group_by_id[group_id]
