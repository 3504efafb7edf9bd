"""new-issue's warning of cases that may be the same problem."""

from __future__ import annotations

import re

from tests.conftest import Jatac, new_issue_args


def test_new_issue_warns_of_each_open_case_at_the_same_place_in_the_same_category(jatac: Jatac) -> None:
    env = None
    same = jatac.new("Groups at the parade")
    jatac.new("Needles in the stairwell", category="drugs")
    rejected = jatac.new("Groups last year")
    jatac("set", rejected, "status=rejected", "decision_note=Not a partnership matter")
    also = jatac.new("Groups at the underpass")
    # the locality by its name, as a coordinator may type it
    result = jatac(*new_issue_args("Groups again", location="Town Centre"), env=env)
    raised = result.stdout.split()[0]
    warned = re.findall(r"(JAT-\d{4}-\d{4}) is also open at town-centre for asb", result.stderr)
    assert warned == [same, also]
    assert raised not in warned
    assert "warning" not in jatac(*new_issue_args("Needles again", category="alcohol"), env=env).stderr
