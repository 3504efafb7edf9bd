"""The SARA problem-solving package of an adopted case (with the O of OSARA).

Objective -> Scanning -> Analysis -> Response (tactics tied to causes, the
action plan) -> Assessment (the evaluation form). The stage a package is in,
and what each stage still lacks, are derived from what is filled in.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationInfo, model_validator

from jatac.models.common import (
    SLUG_RE,
    AgencyId,
    CaseId,
    FieldError,
    Line,
    NotPersonal,
    Record,
    StateChange,
    Text,
    as_text,
    log_error,
)
from jatac.models.facts import FACT

ACTION_ID_RE = re.compile(r"^A(?P<n>[1-9][0-9]{0,3})$")
ActionId = Annotated[str, StringConstraints(pattern=ACTION_ID_RE.pattern)]
CauseId = Annotated[str, StringConstraints(pattern=r"^C[1-9][0-9]{0,2}$")]


class Impact(StrEnum):
    """The five impacts a problem-solving response can aim at (Eck and Spelman; POP)."""

    eliminate = "eliminate"
    reduce = "reduce"
    reduce_harm = "reduce-harm"
    handle_better = "handle-better"
    hand_over = "hand-over"


class Objective(Record):
    impact: Impact | None = None
    reduce_by_percent: int | None = Field(default=None, ge=1, le=100)
    measure: Line | None = None
    baseline: Line | None = None
    by: date | None = None

    @model_validator(mode="after")
    def _percent_goes_with_reduce(self) -> Objective:
        if self.reduce_by_percent is not None and self.impact is not Impact.reduce:
            raise FieldError("reduce_by_percent", "only a 'reduce' objective has a percentage")
        return self


class Scanning(Record):
    problem: Text = ""
    came_to_notice: Text = ""
    locations: list[Line] = Field(default_factory=list)
    time_pattern: Line | None = None
    affected: Text = ""
    related_cases: list[CaseId] = Field(default_factory=list)


class AgencyData(Record):
    """A figure an agency brought to the analysis: source, period, figure."""

    agency: AgencyId
    source: Line
    period: Line
    figure: Line


class Triangle(Record):
    """The problem analysis triangle: victim, offender, location."""

    victim: Text = ""
    offender: Text = ""
    location: Text = ""


class Cause(Record):
    id: CauseId
    cause: Line


class Analysis(Record):
    data: list[AgencyData] = Field(default_factory=list)
    triangle: Triangle = Field(default_factory=Triangle)
    hypotheses: list[Line] = Field(default_factory=list)
    causes: list[Cause] = Field(default_factory=list)
    notes: Text = ""


class Tactic(Record):
    """A chosen response, naming the causes from the analysis it targets."""

    tactic: Line
    targets: list[CauseId] = Field(default_factory=list)


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class Update(Record):
    on: date
    note: Line


class ActionChange(StateChange):
    """A dated change of an action's due date or owner (``action update``): an action
    overdue at the end of a quarter stays overdue in that quarter's figures."""

    FIELDS = ("due", "owner")

    def value_error(self, value: str) -> str | None:
        if self.field == "due":
            try:
                date.fromisoformat(value)
            except ValueError:
                return f"{value!r} is not a date"
            return None
        return None if SLUG_RE.fullmatch(value) else f"{value!r} is not an id"


class Action(Record):
    """One action of the plan. Finished means done (``done_on``) or cancelled
    (``cancelled_on``), and a finished action stays finished."""

    id: ActionId
    what: Line
    owner: AgencyId
    role: Line | None = None
    due: date
    status: ActionStatus = ActionStatus.open
    set_on: date
    meeting: Line | None = None
    done_on: date | None = None
    cancelled_on: date | None = None  # an action cancelled before jatac dated it has none
    updates: list[Update] = Field(default_factory=list)
    changes: list[ActionChange] = Field(default_factory=list)

    @model_validator(mode="after")
    def _done_has_a_note(self) -> Action:
        if self.due < self.set_on:
            raise FieldError("due", f"{self.due} is before the action was set ({self.set_on})")
        if self.status is ActionStatus.done:
            if self.done_on is None:
                raise FieldError("done_on", "a done action needs the date it was done")
            if not self.updates:
                raise FieldError("updates", "a done action needs a note saying what was done")
        elif self.done_on is not None:
            raise FieldError("done_on", f"an {self.status.value} action has no done_on")
        if self.cancelled_on is not None:
            if self.status is not ActionStatus.cancelled:
                raise FieldError("cancelled_on", f"a {self.status.value} action has no cancelled_on")
            if self.cancelled_on < self.set_on:
                raise FieldError(
                    "cancelled_on", f"{self.cancelled_on} is before the action was set ({self.set_on})"
                )
        now = {"due": as_text(self.due), "owner": self.owner}
        why = log_error(self.changes, now, self.set_on, "`jatac action update`")
        if why:
            raise FieldError("changes", why)
        return self

    def overdue(self, today: date) -> bool:
        """Overdue is derived from the date, never stored."""
        return self.status is ActionStatus.open and self.due < today

    @property
    def number(self) -> int:
        return int(self.id[1:])


class Response(Record):
    tactics: list[Tactic] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    outputs: list[Line] = Field(default_factory=list)  # what was done; results go in the assessment


class ObjectiveMet(StrEnum):
    met = "met"
    partly = "partly"
    not_met = "not-met"


class Recommendation(StrEnum):
    close = "close"
    continue_ = "continue"
    escalate = "escalate"


class Measure(Record):
    """Incidents (or another measure) in a period before and after the response."""

    measure: Line
    before: float | None = None
    before_period: Line | None = None
    after: float | None = None
    after_period: Line | None = None

    @property
    def change_percent(self) -> float | None:
        if self.after is None or not self.before:
            return None
        return round((self.after - self.before) / self.before * 100, 1)


class Assessment(Record):
    """The evaluation form: required before an adopted case is closed."""

    completed_on: date | None = None
    process: Text = ""  # was the response delivered as planned?
    impact: Text = ""  # were the objectives met?
    objective_met: ObjectiveMet | None = None
    measures: list[Measure] = Field(default_factory=list)
    results: list[Line] = Field(default_factory=list)  # what changed
    cost: float | None = Field(default=None, ge=0)
    funding: Line | None = None
    worked: Text = ""
    did_not_work: Text = ""
    good_practice: Text = ""
    learning: Text = ""
    recommendation: Recommendation | None = None

    def missing(self) -> list[str]:
        """What the form still needs before the case can close."""
        need = []
        for name in ("process", "impact", "objective_met", "recommendation", "completed_on"):
            if not getattr(self, name):
                need.append(name)
        if not self.measures:
            need.append("measures (before and after)")
        for m in self.measures:
            for side in ("before", "after"):
                if getattr(m, side) is None:
                    need.append(f"{side} count for {m.measure!r}")
        if not (self.learning or self.good_practice):
            need.append("learning or good_practice")
        return need


class Stage(StrEnum):
    scanning = "scanning"
    analysis = "analysis"
    response = "response"
    assessment = "assessment"
    evaluated = "evaluated"


class SaraPackage(Record):
    """One package per adopted case; its file sits beside the case's, under sara/."""

    case: Annotated[CaseId, FACT]
    objective: Objective = Field(default_factory=Objective)
    scanning: Scanning = Field(default_factory=Scanning)
    analysis: Analysis = Field(default_factory=Analysis)
    response: Response = Field(default_factory=Response)
    assessment: Annotated[Assessment | None, FACT] = None
    not_personal: list[NotPersonal] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.case

    @model_validator(mode="after")
    def _links_hold(self, info: ValidationInfo) -> SaraPackage:
        causes = {c.id for c in self.analysis.causes}
        for i, cause in enumerate(self.analysis.causes):
            if cause.id in {c.id for c in self.analysis.causes[:i]}:
                raise FieldError("analysis", f"cause {cause.id} appears twice")
        for tactic in self.response.tactics:
            unknown = [t for t in tactic.targets if t not in causes]
            if unknown:
                raise FieldError(
                    "response",
                    f"tactic {tactic.tactic!r} targets {', '.join(unknown)}, not a cause in the analysis",
                )
        seen: set[str] = set()
        for action in self.response.actions:
            if action.id in seen:
                raise FieldError("response", f"action id {action.id} appears twice")
            seen.add(action.id)
        case = (info.context or {}).get("case")
        if case is not None:
            for action in self.response.actions:
                if action.due < case.raised_on:
                    raise FieldError(
                        "response",
                        f"action {action.id} is due {action.due}, before the case was raised "
                        f"({case.raised_on})",
                    )
        return self

    def action(self, action_id: str) -> Action | None:
        return next((a for a in self.response.actions if a.id == action_id), None)

    def next_action_id(self) -> str:
        return f"A{max((a.number for a in self.response.actions), default=0) + 1}"

    @property
    def stage(self) -> Stage:
        """The furthest stage with anything in it."""
        if self.assessment is not None:
            return Stage.evaluated if not self.assessment.missing() else Stage.assessment
        if self.response.tactics or self.response.actions:
            return Stage.response
        a = self.analysis
        if a.data or a.hypotheses or a.causes or a.notes or any(a.triangle.model_dump().values()):
            return Stage.analysis
        return Stage.scanning

    def gaps(self) -> dict[str, list[str]]:
        """What each stage still lacks, in a coordinator's words."""
        o, s, a, r = self.objective, self.scanning, self.analysis, self.response
        checks: list[tuple[str, bool, str]] = [  # (stage, lacking, what a coordinator is told)
            ("objective", o.impact is None, "no impact chosen (eliminate, reduce, reduce-harm ...)"),
            (
                "objective",
                o.impact is Impact.reduce and o.reduce_by_percent is None,
                "a reduce objective with no percentage",
            ),
            ("objective", not o.measure, "no measure"),
            ("objective", not o.baseline, "no baseline"),
            ("scanning", not s.problem, "no problem statement"),
            ("scanning", not s.came_to_notice, "how it came to notice is not recorded"),
            ("scanning", not s.locations, "no locations"),
            ("analysis", not a.data, "no data from any agency"),
            ("analysis", not a.hypotheses, "no hypothesis"),
            ("analysis", not a.causes, "no causes identified"),
            *(("analysis", not getattr(a.triangle, side), f"triangle: no {side}") for side in TRIANGLE),
            ("response", not r.tactics, "no tactics"),
            *(("response", not t.targets, f"tactic {t.tactic!r} is tied to no cause") for t in r.tactics),
            ("response", not r.actions, "no actions in the action plan"),
        ]
        if self.assessment is not None:
            checks += [("assessment", True, f"no {m}") for m in self.assessment.missing()]
        gaps: dict[str, list[str]] = {}
        for stage, lacking, what in checks:
            if lacking:
                gaps.setdefault(stage, []).append(what)
        return gaps

    def progress(self) -> tuple[int, int]:
        """(actions finished, actions in the plan); cancelled ones count as finished."""
        actions = self.response.actions
        return sum(a.status is not ActionStatus.open for a in actions), len(actions)


TRIANGLE = ("victim", "offender", "location")  # the problem analysis triangle's sides


def split_action_ref(ref: str) -> tuple[str, str] | None:
    case_id, sep, action_id = ref.partition("/")
    if not sep or not ACTION_ID_RE.fullmatch(action_id):
        return None
    return case_id, action_id
