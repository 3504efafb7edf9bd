"""A realistic, reproducible case repository of any size, for benchmarks and report tests.

    python benchmarks/generate.py OUT --cases 1000 [--seed 7] [--items 40]

Cases spread over three years across the example partnership's localities
and categories; about a third are adopted with SARA packages and actions;
the next coordinating meeting carries ``--items`` partners' items.
Everything is one commit.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from jatac.storage.repository import Repository  # noqa: E402
from jatac.storage.yaml_roundtrip import dump, to_yaml  # noqa: E402

PLACES = [
    "the shopping parade",
    "the underpass",
    "the play area",
    "the car park",
    "the redway",
    "the garages",
    "the station forecourt",
    "the youth centre",
    "the local centre",
]
PROBLEMS = [
    "Groups gathering and abuse of staff at",
    "Fly-tipping behind",
    "Drug litter near",
    "Nuisance motorbikes on",
    "Deliberate fires at",
    "Criminal damage at",
    "Street drinking at",
]
MEETING_DAY = date(2026, 12, 7)


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(to_yaml(data)), encoding="utf-8")


def generate(
    out: Path, cases: int, seed: int = 7, items: int = 40, end: date = date(2026, 11, 20), commits: int = 1
) -> Path:
    """Write the repository to ``out`` (replaced) and commit it; returns ``out``."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(ROOT / "cases" / "jatac.yaml", out / "jatac.yaml")
    (out / ".gitignore").write_text("build/\n.jatac/\n")
    cfg = Repository(out).config
    agencies = [a.id for a in cfg.agencies]
    localities = [loc.id for loc in cfg.localities]
    categories = [c.id for c in cfg.categories]
    # about a thousand cases a year, as a busy partnership over many years; what is open at
    # any time stays what one meeting can handle (recent proposals, adoptions of the last months)
    years = max(3, cases // 1000)
    start = date(end.year - years + 1, 1, 1)
    span = (end - start).days
    raised = sorted(start + timedelta(days=rng.randrange(span)) for _ in range(cases))
    numbers: dict[int, int] = {}
    for day in raised:
        numbers[day.year] = numbers.get(day.year, 0) + 1
        case_id = f"{cfg.prefix}-{day.year}-{numbers[day.year]:04d}"
        where = rng.choice(localities)
        case = {
            "id": case_id,
            "title": f"{rng.choice(PROBLEMS)} {rng.choice(PLACES)}",
            "status": "proposed",
            "priority": rng.choice(["high", "medium", "medium", "low"]),
            "marking": "OFFICIAL-SENSITIVE" if rng.random() < 0.05 else "OFFICIAL",
            "category": rng.choice(categories),
            "location": where,
            "raised_by": rng.choice(agencies),
            "raised_on": day,
            "description": "Reported by residents and partners.\nDe-personalised summary for the group.",
        }
        roll = rng.random()
        recent = (end - day).days < 21
        if (recent and roll < 0.3) or (not recent and roll < 0.45):
            adopted = min(day + timedelta(days=rng.randrange(3, 30)), end)
            case.update(
                status="adopted", lead=rng.choice(agencies), problem_manager="Team Leader", adopted_on=adopted
            )
            actions = []
            for n in range(1, rng.randrange(2, 6)):
                due = adopted + timedelta(days=rng.randrange(7, 120))
                done = due < end and (rng.random() < 0.6 or (end - due).days > 60)
                action = {
                    "id": f"A{n}",
                    "what": f"Action {n} for {case_id}",
                    "owner": rng.choice(agencies),
                    "due": due,
                    "status": "done" if done else "open",
                    "set_on": adopted,
                }
                if done:
                    action.update(done_on=due, updates=[{"on": due, "note": "Done as planned"}])
                actions.append(action)
            closed = adopted + timedelta(days=rng.randrange(60, 300))
            package: dict = {
                "case": case_id,
                "scanning": {"problem": case["title"]},
                "response": {"actions": actions},
            }
            if closed < end and all(a["status"] == "done" for a in actions):
                case.update(status="closed", closed_on=closed, outcome=rng.choice(["resolved", "reduced"]))
                package["assessment"] = {
                    "completed_on": closed,
                    "process": "Delivered as planned.",
                    "impact": "Fewer reports.",
                    "objective_met": "met",
                    "recommendation": "close",
                    "learning": "Start early.",
                    "measures": [
                        {"measure": "Reports", "before": rng.randrange(10, 60), "after": rng.randrange(0, 10)}
                    ],
                }
            _write(out / "sara" / str(day.year) / f"{case_id}.yaml", package)
        elif not recent and roll < 0.8:
            case.update(status="rejected", decision_note="Not a partnership matter")
        elif not recent:
            case.update(
                status="referred", referred_to="Neighbourhood policing", decision_note="Single agency"
            )
        _write(out / "issues" / str(day.year) / f"{case_id}.yaml", case)
    meeting_id = f"{MEETING_DAY.isoformat()}-coordinating"
    _write(
        out / "meetings" / str(MEETING_DAY.year) / f"{meeting_id}.yaml",
        {
            "id": meeting_id,
            "group": "coordinating",
            "date": MEETING_DAY,
            "items": [
                {
                    "id": f"I{n}",
                    "title": f"Partner item {n}: {rng.choice(PROBLEMS)} {rng.choice(PLACES)}",
                    "by": rng.choice(agencies),
                    "added_on": MEETING_DAY - timedelta(days=10),
                    "kind": "issue",
                    "late": False,
                }
                for n in range(1, items + 1)
            ],
        },
    )
    git = ["git", "-c", "user.name=jatac benchmark", "-c", "user.email=bench@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=out, check=True)
    subprocess.run(["git", "config", "user.name", "jatac benchmark"], cwd=out, check=True)
    subprocess.run(["git", "config", "user.email", "bench@example.invalid"], cwd=out, check=True)
    # no background `git gc --auto` after thousands of commits, timing the benchmark's commands
    subprocess.run(["git", "config", "gc.auto", "0"], cwd=out, check=True)
    subprocess.run([*git, "add", "jatac.yaml", ".gitignore"], cwd=out, check=True)
    subprocess.run([*git, "commit", "-qm", "The partnership"], cwd=out, check=True)
    files = sorted(str(p.relative_to(out)) for p in out.glob("*/*/*.yaml"))
    batches = max(1, commits - 1)
    size = -(-len(files) // batches)
    for start in range(0, len(files), size):
        subprocess.run([*git, "add", "--", *files[start : start + size]], cwd=out, check=True)
        subprocess.run([*git, "commit", "-qm", f"Cases {start + 1} to {start + size}"], cwd=out, check=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--commits", type=int, default=1, help="spread the files over this many commits")
    args = parser.parse_args()
    generate(args.out, args.cases, args.seed, args.items, commits=args.commits)
    print(f"{args.out}: {args.cases} cases")


if __name__ == "__main__":
    main()
