"""A partnership's year run through the command line, as a coordinator would; timed per command.

    python benchmarks/year.py [--cases 110] [--seed 7] [--json FILE] [--keep DIR]

A new repository (`jatac init`), its agencies and localities added by command;
cases raised through the year; 13 Coordinating Group meetings (two moved off
bank holidays) and 4 wide JATAC meetings, each with partners' items, its agenda
rendered on its send-by day, minutes started, filled in an editor and applied;
actions done, updated and cancelled between meetings; reviews, re-prioritising,
escalations and cases handed back; evaluations filled in and cases closed, one
reopened and closed again; fund requests; the Performance Group's report at
each quarter's end. Every command is a separate process with the date set by
JATAC_TODAY. At the year's end each quarter's report is made again: its
figures must be those made at the quarter's end.

Prints the wall time, the number of commands, and the mean and median time per
command, overall and by command. This machine is noisy: compare medians taken
in the same conditions, not single runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

YEAR = 2026
START = date(YEAR, 1, 2)
END = date(YEAR, 12, 31)
QUARTER_ENDS = {date(YEAR, 3, 31): 1, date(YEAR, 6, 30): 2, date(YEAR, 9, 30): 3, date(YEAR, 12, 31): 4}
# the year's bank holidays a meeting falls on, and the day it moves to
MOVES = {date(YEAR, 4, 6): date(YEAR, 4, 7), date(YEAR, 5, 4): date(YEAR, 5, 5)}
LOCALITIES = [
    ("bletchley", "Bletchley", "ward", None),
    ("lakes-estate", "Lakes Estate", "estate", "bletchley"),
    ("fishermead", "Fishermead", "estate", None),
    ("netherfield", "Netherfield", "estate", None),
    ("wolverton", "Wolverton", "ward", None),
    ("newport-pagnell", "Newport Pagnell", "parish", None),
    ("olney", "Olney", "parish", None),
    ("central", "Central Area", "area", None),
]
CATEGORIES = ["asb", "criminal-damage", "drugs", "alcohol", "vehicle-nuisance", "fly-tipping"]
AGENCIES = ["police", "asb-team", "fire", "housing", "public-realm", "social-landlord", "youth-service"]
LEADS = ["asb-team", "police", "housing", "public-realm"]
PLACES = [
    "the shopping parade",
    "the underpass",
    "the play area",
    "the garages",
    "the redway",
    "the car park",
]
PROBLEMS = ["Groups gathering at", "Fly-tipping behind", "Drug litter near", "Nuisance motorbikes on"]

# An EDITOR for `minutes edit`: attendance marked, each item heard, the decisions placed
# under the item about their case (or the adopted cases / escalations item).
FILL_MINUTES = r"""
import json, os, sys
from ruamel.yaml import YAML
plan = json.loads(open(os.environ["YEAR_PLAN"]).read())
y = YAML()
path = sys.argv[1]
doc = y.load(open(path))
for n, row in enumerate(doc["attendance"]):
    row["status"] = "apologies" if n in plan["apologies"] else "present"
items = doc["items"]
for item in items:
    item["heard"] = "The group heard the update and discussed it."
def where(d):
    case = d.get("case") or ""
    for item in items:
        if case and case in item["title"]:
            return item
    want = "Escalations" if d["do"] in ("close", "escalate") else "Adopted cases"
    for item in items:
        if item["title"].startswith(want):
            return item
    return items[max(0, len(items) - 2)]
# a fund request awaiting a decision comes with its decision ready: the group decides it
# as the plan says (approved unless the plan says otherwise)
planned = {d["request"]: d for d in plan["decisions"] if d["do"] == "fund"}
ready = set()
for item in items:
    for d in item["decisions"]:
        if d.get("do") == "fund" and d.get("approve") is None:
            d["approve"] = planned.get(d["request"], {}).get("approve", True)
            ready.add(d["request"])
for d in plan["decisions"]:
    if d["do"] == "fund" and d["request"] in ready:
        continue
    item = where(d)
    item["decisions"].append(d)
    item["resolved"].append("That the decision be recorded: " + d["do"] + ".")
with open(path, "w") as f:
    y.dump(doc, f)
"""

# An EDITOR for `sara edit`: the evaluation form filled in.
FILL_EVALUATION = r"""
import os, sys
from ruamel.yaml import YAML
y = YAML()
path = sys.argv[1]
doc = y.load(open(path))
a = doc["assessment"]
a["completed_on"] = os.environ["JATAC_TODAY"]
a["process"] = "Delivered as planned, with partners at every step."
a["impact"] = "Reports fell after the response."
a["objective_met"] = os.environ.get("YEAR_MET", "met")
a["measures"][0]["before"] = 24
a["measures"][0]["after"] = 9
a["learning"] = "Start the joint patrols earlier."
a["recommendation"] = "close"
with open(path, "w") as f:
    y.dump(doc, f)
"""

Run = Callable[..., str]


@dataclass
class Case:
    id: str
    raised: date
    priority: str
    status: str = "proposed"
    adopted: date | None = None
    last_review: date | None = None
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    evaluated: bool = False
    escalated_on: date | None = None
    level: str | None = None
    reopened: bool = False
    closed_on: date | None = None

    def open_actions(self) -> list[str]:
        return [a for a, x in self.actions.items() if x["status"] == "open"]


@dataclass
class Result:
    commands: int = 0
    reports: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # period -> each run's figures


class Year:
    """The scripted year. ``run(args, day, env=None)`` runs one jatac command on ``day`` and
    returns what it printed; ``root`` is where the repository is made."""

    def __init__(
        self,
        run: Run,
        root: Path,
        tmp: Path,
        cases: int = 110,
        seed: int = 7,
        fmt: str = "pdf",
        reads: bool = True,
    ):
        """``fmt``: the format of agendas, minutes and reports; ``reads``: also the commands
        that only look (list, show, history, the action list ...)."""
        self.run, self.root, self.tmp, self.fmt, self.reads = run, root, tmp, fmt, reads
        self.rng = random.Random(seed)
        self.n_cases = cases
        self.cases: dict[str, Case] = {}
        self.result = Result()
        self.pending: list[dict[str, Any]] = []  # decisions for the next coordinating meeting
        self.fund: list[str] = []
        (tmp / "fill_minutes.py").write_text(FILL_MINUTES)
        (tmp / "fill_evaluation.py").write_text(FILL_EVALUATION)

    def jatac(self, day: date, *args: str, env: dict[str, str] | None = None) -> str:
        self.result.commands += 1
        return self.run(list(args), day, env)

    def look(self, day: date, *args: str) -> None:
        """A command that only reads, as a coordinator runs many in a week."""
        if self.reads:
            self.jatac(day, *args)

    # -- the calendar -------------------------------------------------------------------

    def play(self) -> Result:
        rng = self.rng
        self.setup()
        meetings = self.schedule(START)
        days = [START + timedelta(days=n) for n in range((END - START).days + 1)]
        workdays = [d for d in days if d.weekday() < 5 and d > START]
        raised_on = sorted(rng.choice(workdays[:-10]) for _ in range(self.n_cases))
        for day in days:
            if day == date(YEAR, 3, 2):  # the spring's bank holidays, known in good time
                for held, moved in MOVES.items():
                    self.jatac(
                        day,
                        "meeting",
                        "move",
                        held.isoformat(),
                        "--to",
                        moved.isoformat(),
                        "--reason",
                        "Bank holiday",
                    )
                meetings = self.schedule(day)
            for _ in range(raised_on.count(day)):
                self.raise_case(day)
            for meeting, (group, items_due, agenda_by) in meetings.items():
                if items_due - timedelta(days=2 if group == "coordinating" else 3) == day:
                    self.items(day, meeting, late=False)
                if meeting - timedelta(days=3) == day and rng.random() < 0.3:
                    self.items(day, meeting, late=True)
                if agenda_by == day:
                    self.jatac(day, "agenda", meeting.isoformat(), "-f", self.fmt)
            group = meetings.get(day, ("",))[0]
            if group == "coordinating":
                self.coordinating(day)
            elif group == "jatac":
                self.minutes(day, [])
            yesterday = meetings.get(day - timedelta(days=1))
            if yesterday:
                self.jatac(day, "minutes", "apply", (day - timedelta(days=1)).isoformat())
            if day.weekday() == 0:
                self.look(day, "list")
            if day.weekday() == 2:
                self.chase(day)
            if day.weekday() == 3:
                self.reviews(day)
                self.evaluations(day)
            if day.weekday() == 4 and day.isocalendar().week % 2 == 0:
                self.reprioritise(day)
                self.hand_back(day)
            if day.month in (2, 6, 10) and day.day == 10:
                self.fund_request(day)
            if day.day == 1 and day.month > 1:
                self.look(day, "report", "actions")
            if day in QUARTER_ENDS:
                self.quarter_report(day, QUARTER_ENDS[day])
            if day == date(YEAR, 8, 12):
                self.reopen(day)
        for q in (1, 2, 3):  # the year's end: each quarter's figures again
            period = f"{YEAR}-Q{q}"
            self.result.reports[period].append(
                json.loads(self.jatac(END, "report", "performance", "--period", period, "-f", "json"))
            )
        self.jatac(END, "validate")
        return self.result

    def schedule(self, day: date) -> dict[date, tuple[str, date, date]]:
        """The year's coming meetings: day -> (group, items due, agenda out by)."""
        found = json.loads(self.jatac(day, "meetings", "-n", "20", "-f", "json"))
        return {
            date.fromisoformat(m["date"]): (
                m["group"],
                date.fromisoformat(m["items_due"]),
                date.fromisoformat(m["agenda_by"]),
            )
            for m in found
            if m["date"] < f"{YEAR + 1}"
        }

    def setup(self) -> None:
        day = START
        self.run(["init", str(self.root), "--name", "Year CSP", "--prefix", "JAT"], day, None)
        self.result.commands += 1
        self.jatac(
            day,
            "agency",
            "add",
            "cid",
            "--name",
            "Police Investigation Team",
            "--isp-signed",
            "2025-11-03",
            "--member",
            "Detective Sergeant",
            "--groups",
            "coordinating,jatac",
        )
        self.jatac(day, "agency", "edit", "housing", "--isp-signed", "2025-10-01")
        for loc, name, kind, within in LOCALITIES:
            args = ["locality", "add", loc, "--name", name, "--kind", kind]
            self.jatac(day, *args, *(["--within", within] if within else []))
        self.jatac(day, "venue", "set", "Civic Offices, Committee Room 2", "--group", "coordinating")

    def raise_case(self, day: date) -> None:
        rng = self.rng
        priority = rng.choice(["high", "medium", "medium", "low"])
        out = self.jatac(
            day,
            "new-issue",
            "--title",
            f"{rng.choice(PROBLEMS)} {rng.choice(PLACES)}",
            "--category",
            rng.choice(CATEGORIES),
            "--location",
            rng.choice(LOCALITIES)[0],
            "--place",
            rng.choice(PLACES),
            "--raised-by",
            rng.choice(AGENCIES),
            "--priority",
            priority,
            "--description",
            "Reported by residents and partners; de-personalised summary.",
        )
        case_id = out.split()[0]
        self.cases[case_id] = Case(case_id, day, priority)

    def items(self, day: date, meeting: date, late: bool) -> None:
        rng = self.rng
        for _ in range(1 if late else rng.randint(1, 3)):
            about = [c for c in self.cases.values() if c.status in ("adopted", "escalated")]
            args = [
                "item",
                "add",
                meeting.isoformat(),
                f"{rng.choice(PROBLEMS)} {rng.choice(PLACES)}",
                "--by",
                rng.choice(AGENCIES),
            ]
            if about and rng.random() < 0.5:
                args += ["--case", rng.choice(about).id]
            self.jatac(day, *args, *(["--late"] if late else []))

    # -- meetings ------------------------------------------------------------------------

    def minutes(self, day: date, decisions: list[dict[str, Any]]) -> None:
        self.jatac(day, "minutes", "new", day.isoformat())
        plan = self.tmp / "plan.json"
        plan.write_text(json.dumps({"apologies": [self.rng.randrange(5)], "decisions": decisions}))
        editor = f"{sys.executable} {self.tmp / 'fill_minutes.py'}"
        self.jatac(day, "minutes", "edit", day.isoformat(), env={"EDITOR": editor, "YEAR_PLAN": str(plan)})
        self.jatac(day, "minutes", "render", day.isoformat(), "-f", self.fmt)

    def coordinating(self, day: date) -> None:
        rng = self.rng
        decisions, self.pending = self.pending, []
        for d in decisions:  # evaluated since the last meeting: closed by the group
            if d["do"] == "close":
                self.cases[d["case"]].status, self.cases[d["case"]].closed_on = "closed", day
        for case in [c for c in self.cases.values() if c.status == "proposed" and c.raised < day]:
            roll = rng.random()
            if roll < 0.6:
                lead = rng.choice(LEADS)
                risk = rng.choice(["high", "medium", "low"])
                decisions.append(
                    {
                        "do": "adopt",
                        "case": case.id,
                        "lead": lead,
                        "problem_manager": "Team Leader",
                        "risk": risk,
                    }
                )
                case.status, case.adopted = "adopted", day
                for _ in range(rng.randint(1, 3)):
                    decisions.append(self.action(case, day, rng.randint(14, 70)))
            elif roll < 0.8:
                decisions.append({"do": "reject", "case": case.id, "reason": "A matter for one agency"})
                case.status = "rejected"
            elif roll < 0.9:
                decisions.append(
                    {
                        "do": "refer",
                        "case": case.id,
                        "to": "Neighbourhood policing",
                        "reason": "Single agency",
                    }
                )
                case.status = "referred"
        adopted = [c for c in self.cases.values() if c.status == "adopted" and c.adopted and c.adopted < day]
        for case in rng.sample(adopted, min(2, len(adopted))):
            decisions.append({"do": "review", "case": case.id, "note": "Progress noted by the group"})
            case.last_review = day
            if rng.random() < 0.5:
                decisions.append(self.action(case, day, rng.randint(14, 42)))
        for case in [c for c in adopted if c.adopted and (day - c.adopted).days > 42 and not c.evaluated]:
            first = not any(c.escalated_on for c in self.cases.values())  # one a year at least
            if not case.escalated_on and (first or rng.random() < 0.15):
                decisions.append(
                    {
                        "do": "escalate",
                        "case": case.id,
                        "to": "performance-group",
                        "reason": "No reduction after three months",
                    }
                )
                case.status, case.escalated_on, case.level = "escalated", day, "performance-group"
                break
        for request in self.fund[-1:]:
            if request.startswith("FR") and request not in [d.get("request") for d in decisions]:
                decisions.append({"do": "fund", "request": request, "approve": True})
                self.fund[-1] = "decided " + request
        self.minutes(day, decisions)

    def action(self, case: Case, day: date, days: int) -> dict[str, Any]:
        n = f"A{len(case.actions) + 1}"
        due = day + timedelta(days=days)
        case.actions[n] = {"due": due, "status": "open", "moved": False}
        what = self.rng.choice(
            ["Increase patrols", "Clear the site", "Letters to residents", "Install lighting"]
        )
        return {
            "do": "action",
            "case": case.id,
            "what": f"{what} ({n})",
            "owner": self.rng.choice(AGENCIES),
            "due": due.isoformat(),
        }

    # -- between meetings ------------------------------------------------------------------

    def chase(self, day: date) -> None:
        rng = self.rng
        self.look(day, "action", "list", "--overdue")
        for case in list(self.cases.values()):
            if case.status not in ("adopted", "escalated"):
                continue
            for n in case.open_actions():
                action = case.actions[n]
                if action["due"] > day + timedelta(days=3):
                    continue
                ref = f"{case.id}/{n}"
                roll = rng.random()
                if roll < 0.15 and not action["moved"]:
                    action["due"] = max(action["due"], day) + timedelta(days=21)
                    action["moved"] = True
                    self.jatac(
                        day,
                        "action",
                        "update",
                        ref,
                        "--due",
                        action["due"].isoformat(),
                        "--note",
                        "Contractor delayed",
                    )
                elif roll < 0.27:
                    action["status"] = "cancelled"
                    self.jatac(day, "action", "cancel", ref, "--note", "No longer needed")
                elif roll < 0.85 or action["moved"]:
                    action["status"] = "done"
                    self.jatac(day, "action", "done", ref, "--note", "Done as planned")

        for case in self.cases.values():  # the reopened case closed again once its new work is done
            if case.reopened and case.status == "adopted" and not case.open_actions():
                self.jatac(day, "close", case.id, "--outcome", "reduced")
                case.status, case.reopened, case.closed_on = "closed", False, day

    def reviews(self, day: date) -> None:
        due = [
            c
            for c in self.cases.values()
            if c.status in ("adopted", "escalated")
            and c.adopted
            and (day - max(c.adopted, c.last_review or c.adopted)).days > 28
        ]
        for case in due[:3]:
            extra = ["--next", (day + timedelta(days=21)).isoformat()] if self.rng.random() < 0.3 else []
            self.jatac(day, "review", case.id, "--note", "Calls down since the last review", *extra)
            case.last_review = day
        if due:
            self.look(day, "show", due[0].id)

    def evaluations(self, day: date) -> None:
        ready = [
            c
            for c in self.cases.values()
            if c.status == "adopted"
            and c.adopted
            and (day - c.adopted).days > 75
            and not c.open_actions()
            and c.actions
            and not c.evaluated
        ]
        for case in ready[:2]:
            self.jatac(day, "evaluate", case.id)
            editor = f"{sys.executable} {self.tmp / 'fill_evaluation.py'}"
            met = self.rng.choice(["met", "met", "partly"])
            self.jatac(day, "sara", "edit", case.id, env={"EDITOR": editor, "YEAR_MET": met})
            case.evaluated = True
            if self.rng.random() < 0.5:
                self.jatac(day, "close", case.id, "--outcome", self.rng.choice(["resolved", "reduced"]))
                case.status, case.closed_on = "closed", day
            else:
                self.pending.append({"do": "close", "case": case.id, "outcome": "reduced"})
                case.status = "closing"  # at the next meeting
        if day.day <= 7:
            self.look(day, "history", next(iter(self.cases)))

    def reprioritise(self, day: date) -> None:
        open_ = [c for c in self.cases.values() if c.status in ("proposed", "adopted", "escalated")]
        if open_:
            case = self.rng.choice(open_)
            case.priority = {"high": "medium", "medium": "low", "low": "high"}[case.priority]
            self.jatac(day, "set", case.id, f"priority={case.priority}")

    def hand_back(self, day: date) -> None:
        for case in self.cases.values():
            if case.status == "escalated" and case.escalated_on and (day - case.escalated_on).days > 30:
                if case.level == "performance-group" and self.rng.random() < 0.3:
                    self.jatac(day, "escalate", case.id, "--to", "rag", "--reason", "A city-wide risk")
                    case.level = "rag"
                else:
                    self.jatac(day, "set", case.id, "status=adopted")  # handed back to the group
                    case.status = "adopted"
                return

    def reopen(self, day: date) -> None:
        closed = [c for c in self.cases.values() if c.status == "closed"]
        if not closed:
            return
        case = closed[0]
        self.jatac(day, "set", case.id, "status=adopted")
        case.status, case.closed_on = "adopted", None
        due = day + timedelta(days=30)
        self.jatac(
            day,
            "action",
            "add",
            case.id,
            "Return visit after new reports",
            "--owner",
            "police",
            "--due",
            due.isoformat(),
        )
        case.actions[f"A{len(case.actions) + 1}"] = {"due": due, "status": "open", "moved": True}
        case.reopened = True  # evaluated already: closed again once its new action is done

    def fund_request(self, day: date) -> None:
        for n, request in enumerate(self.fund):
            if request.startswith("decided "):
                self.jatac(
                    day, "fund", "spend", request.split()[1], "--amount", "1320", "--note", "Invoice 88"
                )
                self.fund[n] = "spent"
        adopted = [c for c in self.cases.values() if c.status == "adopted"]
        if not adopted:
            return
        out = self.jatac(
            day,
            "fund",
            "request",
            adopted[0].id,
            "--amount",
            "1500",
            "--purpose",
            "Lighting for the garage block",
            "--by",
            "asb-team",
        )
        request = next(w for w in out.replace(":", " ").split() if w.startswith("FR-"))
        self.jatac(day, "fund", "consider", request, "--support", "--note", "Within the fund's purpose")
        self.fund.append(request)

    def quarter_report(self, day: date, q: int) -> None:
        period = f"{YEAR}-Q{q}"
        figures = json.loads(self.jatac(day, "report", "performance", "--period", period, "-f", "json"))
        self.result.reports.setdefault(period, []).append(figures)
        self.jatac(day, "report", "performance", "--period", period, "-f", self.fmt)


# -- the benchmark: each command a process ------------------------------------------------


def command_name(args: list[str]) -> str:
    """The command a coordinator typed, without its arguments: `action done`, `new-issue`."""
    groups = {
        "action",
        "minutes",
        "fund",
        "item",
        "meeting",
        "agency",
        "locality",
        "report",
        "sara",
        "venue",
        "person",
    }
    return " ".join(args[:2]) if args[0] in groups and len(args) > 1 else args[0]


def _children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=110)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the timings here")
    parser.add_argument("--keep", type=Path, help="make the repository here (default: a temporary folder)")
    args = parser.parse_args()
    times: dict[str, list[float]] = defaultdict(list)
    cpu: list[float] = []  # each command's processor time, with the git and typst it started
    with tempfile.TemporaryDirectory(prefix="jatac-year-") as tmp_name:
        tmp = Path(tmp_name)
        root = (args.keep or tmp / "repo").resolve()
        gitconfig = tmp / "gitconfig"
        gitconfig.write_text(
            "[user]\n\tname = Year Coordinator\n\temail = coordinator@example.invalid\n"
            "[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n"
        )
        base_env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "COLUMNS": "200",
        }
        base_env.pop("JATAC_REPO", None)

        def run(argv: list[str], day: date, env: dict[str, str] | None) -> str:
            full = [
                sys.executable,
                "-m",
                "jatac",
                *(["--repo", str(root)] if argv[0] != "init" else []),
                *argv,
            ]
            start, used = time.perf_counter(), _children_cpu()
            done = subprocess.run(
                full,
                env={**base_env, **(env or {}), "JATAC_TODAY": day.isoformat()},
                capture_output=True,
                text=True,
            )
            times[command_name(argv)].append(time.perf_counter() - start)
            cpu.append(_children_cpu() - used)
            if done.returncode != 0:
                sys.exit(f"{day} jatac {' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
            return done.stdout

        t0 = time.perf_counter()
        result = Year(run, root, tmp, cases=args.cases, seed=args.seed).play()
        wall = time.perf_counter() - t0
    every = [t for ts in times.values() for t in ts]
    print(
        f"a year: {result.commands} commands in {wall:.1f} s; per command "
        f"mean {statistics.mean(every):.3f} s, median {statistics.median(every):.3f} s; processor time "
        f"(user + system, with the git it runs) mean {statistics.mean(cpu):.3f} s, median "
        f"{statistics.median(cpu):.3f} s: on a busy machine the wall time grows, the processor time hardly"
    )
    print(f"  {'command':<22}{'runs':>6}{'mean s':>9}{'median s':>10}{'total s':>9}")
    for name, ts in sorted(times.items(), key=lambda kv: -sum(kv[1])):
        print(
            f"  {name:<22}{len(ts):>6}{statistics.mean(ts):>9.3f}"
            f"{statistics.median(ts):>10.3f}{sum(ts):>9.1f}"
        )
    stable = all(all(r == runs[0] for r in runs) for runs in result.reports.values())
    print(
        "each quarter's figures at the year's end: "
        + (
            "the same as at the quarter's end"
            if stable
            else "CHANGED: "
            + ", ".join(p for p, runs in result.reports.items() if any(r != runs[0] for r in runs))
        )
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "commands": result.commands,
                    "wall_s": round(wall, 2),
                    "mean_s": round(statistics.mean(every), 4),
                    "cpu_mean_s": round(statistics.mean(cpu), 4),
                    "cpu_median_s": round(statistics.median(cpu), 4),
                    "median_s": round(statistics.median(every), 4),
                    "by_command": {
                        k: {
                            "runs": len(v),
                            "mean_s": round(statistics.mean(v), 4),
                            "median_s": round(statistics.median(v), 4),
                        }
                        for k, v in times.items()
                    },
                    "figures_stable": stable,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
