"""new-issue's warning of cases that may be the same problem, read on a second core."""

from __future__ import annotations

import os
import re
import time

import pytest

from jatac.storage.background import Background
from tests.conftest import Jatac, new_issue_args


@pytest.mark.parametrize("where", ["on a second core", "in this process"])
def test_new_issue_warns_of_each_open_case_at_the_same_place_in_the_same_category(
    jatac: Jatac, where: str
) -> None:
    env = {"JATAC_NO_BACKGROUND": "1"} if where == "in this process" else None
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


def test_a_child_that_fails_costs_time_not_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jatac.storage.background._can_fork", lambda: hasattr(os, "fork"))
    parent = os.getpid()

    def answer() -> list[str]:
        if os.getpid() != parent:
            raise RuntimeError("only the child fails")
        return ["computed here"]

    with Background(answer) as work:
        assert work.result() == ["computed here"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a second process needs fork")
def test_the_answer_comes_from_a_second_process_where_there_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jatac.storage.background._can_fork", lambda: True)
    with Background(os.getpid) as work:
        assert work.result() != os.getpid()
    monkeypatch.undo()
    monkeypatch.setenv("JATAC_NO_BACKGROUND", "1")
    with Background(os.getpid) as work:
        assert work.result() == os.getpid()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a second process needs fork")
def test_a_command_that_fails_leaves_no_process_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jatac.storage.background._can_fork", lambda: True)
    with pytest.raises(ValueError), Background(time.sleep, 0.2) as work:
        child = work._pid
        assert child is not None
        raise ValueError("the change was refused")
    with pytest.raises(ChildProcessError):  # waited for already: not a zombie, not still running
        os.waitpid(child, os.WNOHANG)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a second process needs fork")
def test_no_process_to_spare_costs_time_not_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jatac.storage.background._can_fork", lambda: True)

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    with Background(os.getpid) as work:
        assert work.result() == os.getpid()
