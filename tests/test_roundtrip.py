"""A file a person formatted by hand keeps its comments, order and quoting when jatac changes it."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jatac.models.case import Issue
from jatac.models.common import Level, Marking
from jatac.storage.repository import KINDS, Repository
from jatac.storage.yaml_roundtrip import dump, parse, plain, to_yaml
from tests.conftest import Jatac

HAND_WRITTEN = """\
# Raised at the October JATAC by the neighbourhood team.
id: JAT-2026-0001
title: 'ASB at Melrose Avenue shops'   # the parade, not the car park
status: proposed
priority: high
category: asb
location: town-centre
raised_by: police
raised_on: 2026-10-05
description: |
  Groups gathering nightly outside the parade.

  Shop staff report abuse; two windows broken.
tags: [shops, youths]
"""


def test_set_keeps_comments_quotes_and_layout(jatac: Jatac) -> None:
    path = jatac.root / "issues/2026/JAT-2026-0001.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(HAND_WRITTEN)
    jatac.git("add", ".")
    jatac.git("commit", "-qm", "hand-written case")
    jatac("set", "JAT-2026-0001", "priority=medium", "lead=asb-team")
    after = path.read_text()
    # the changed field, the new one in its model position, and both changes dated at the end
    assert after == HAND_WRITTEN.replace("priority: high", "priority: medium").replace(
        "tags: [shops, youths]\n", "lead: asb-team\ntags: [shops, youths]\n"
    ) + (
        "changes:\n"
        "  - {on: 2026-11-16, field: priority, from: high, to: medium}\n"
        "  - {on: 2026-11-16, field: lead, to: asb-team}\n"
    )
    assert "# Raised at the October JATAC" in after
    assert "title: 'ASB at Melrose Avenue shops'   # the parade, not the car park" in after


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
    lambda s: s.strip() == s and s.strip()
)
multiline = st.lists(texts, min_size=1, max_size=4).map("\n".join)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    title=texts,
    description=st.one_of(st.just(""), multiline),
    place=st.one_of(st.none(), texts),
    priority=st.sampled_from(list(Level)),
    marking=st.sampled_from(list(Marking)),
    raised=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
)
def test_any_case_the_model_accepts_survives_a_write_and_a_read(
    jatac: Jatac,
    title: str,
    description: str,
    place: str | None,
    priority: Level,
    marking: Marking,
    raised: date,
) -> None:
    repo = Repository(jatac.root)
    issue = Issue.model_validate(
        {
            "id": "JAT-2026-0007",
            "title": title,
            "description": description,
            "place": place,
            "priority": priority,
            "marking": marking,
            "category": "asb",
            "location": "town-centre",
            "raised_by": "police",
            "raised_on": raised,
        },
        context={"config": repo.config},
    )
    text = dump(to_yaml(issue.model_dump()))
    again = KINDS["case"].model.model_validate(plain(parse(text, "x.yaml")), context={"config": repo.config})
    assert again == issue


def test_a_value_shared_by_two_fields_is_written_twice_not_as_an_alias() -> None:
    same = date(2026, 12, 1)
    text = dump(to_yaml({"due": same, "set_on": same, "updates": [{"on": same, "note": "x"}]}))
    assert "&" not in text and "*" not in text
    assert text.count("2026-12-01") == 3
    assert plain(parse(text, "x.yaml"))["set_on"] == same
