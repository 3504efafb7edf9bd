"""Time the everyday commands on generated repositories; print medians and ratios to floors.

    python benchmarks/run.py [--sizes 1000,5000,10000] [--repeat 5] [--commits 5000]

Each command runs as a fresh process (what a coordinator waits for), several
times, timed by hyperfine (`make bench` installs it where it can; without it,
Python's clock times the same runs); the median is reported with its ratio to
a floor measured the same way in the same run on the same repository: what the
command cannot avoid doing (start Python; load a JSON index of the records;
parse every file with libyaml; one git commit; one git log of a file; one
Typst compile). Peak memory is the largest resident size of one more run of
each command under GNU time. These machines are noisy: compare ratios, not
single numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import MEETING_DAY, generate  # noqa: E402

PY = sys.executable
JATAC = [PY, "-m", "jatac"]
GNU_TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
HYPERFINE = shutil.which("hyperfine")
peak_kb = 0


def timed(
    cmd: list[str],
    repeat: int,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    prepare: list[str] | None = None,
) -> list[float]:
    """The wall times of ``repeat`` runs of ``cmd`` (``prepare`` runs before each, untimed)."""
    global peak_kb
    if HYPERFINE:
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "times.json"
            args = [HYPERFINE, "-N", "--runs", str(repeat), "--style", "none", "--export-json", str(report)]
            if prepare:
                args += ["--prepare", shlex.join(prepare)]
            done = subprocess.run(
                [*args, shlex.join(cmd)], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            if done.returncode != 0:
                sys.exit(f"hyperfine failed on {shlex.join(cmd)}:\n{done.stderr.decode()[-2000:]}")
            times = [float(t) for t in json.loads(report.read_text())["results"][0]["times"]]
    else:
        times = []
        for _ in range(repeat):
            if prepare:
                subprocess.run(prepare, check=True)
            start = time.perf_counter()
            subprocess.run(
                cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            times.append(time.perf_counter() - start)
    if GNU_TIME:  # one more run for its peak memory
        if prepare:
            subprocess.run(prepare, check=True)
        done = subprocess.run(
            [GNU_TIME, "-f", "%M", *cmd],
            cwd=cwd,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        peak_kb = max(peak_kb, int(done.stderr.strip().splitlines()[-1]))
    return times


def py(code: str, repeat: int, cwd: Path | None = None) -> float:
    return statistics.median(timed([PY, "-c", code], repeat, cwd=cwd))


def line(
    name: str, times: list[float], floor: float | None, target: float | None = None
) -> dict[str, object]:
    median = statistics.median(times)
    ratio = median / floor if floor else None
    mark = "" if target is None else ("  ok" if median <= target else f"  over the {target:g} s target")
    print(f"  {name:<36} median {median:6.3f} s   floor {floor or 0:6.3f} s   x{ratio or 0:5.1f}{mark}")
    return {
        "command": name,
        "median_s": round(median, 3),
        "floor_s": round(floor or 0, 3),
        "ratio": round(ratio, 1) if ratio else None,
        "target_s": target,
    }


def agenda_source(repo: Path) -> str:
    """The Typst source of the benchmark meeting's agenda, as jatac renders it."""
    os.environ["JATAC_TODAY"] = "2026-11-23"
    from jatac.meetings.agenda import build
    from jatac.meetings.files import find
    from jatac.render.engine import render_source
    from jatac.storage.repository import Repository

    cases = Repository(repo)
    planned = find(cases, MEETING_DAY.isoformat(), None)
    agenda = build(cases, planned)
    return render_source(cases.root, agenda.template, "pdf", agenda.as_template())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--commits", type=int, default=0, help="commits of history (default: half the cases)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    env = {**os.environ, "JATAC_TODAY": "2026-11-23", "COLUMNS": "200"}
    results: dict[str, object] = {}
    start_floor = py("pass", args.repeat)
    print(f"timed by: {'hyperfine' if HYPERFINE else 'Python (hyperfine is not installed)'}")
    print(f"floor: python start-up {start_floor:.3f} s")
    results["help"] = line("jatac --help", timed([*JATAC, "--help"], args.repeat, env=env), start_floor, 0.25)
    with tempfile.TemporaryDirectory(prefix="jatac-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            commits = args.commits or max(1, size // 2)
            t0 = time.perf_counter()
            repo = generate(Path(tmp) / f"r{size}", size, commits=commits)
            print(f"\n{size} cases, {commits} commits (generated in {time.perf_counter() - t0:.0f} s)")
            base = [*JATAC, "--repo", str(repo)]
            drop_index = ["rm", "-rf", str(repo / ".jatac" / "index")]
            rows = []
            rows.append(
                line(
                    "validate, cold (no index)",
                    timed([*base, "validate"], 3, env=env, prepare=drop_index),
                    py(
                        "import glob, yaml\nfor f in glob.glob('*/*/*.yaml'): yaml.load(open(f).read(), "
                        "Loader=yaml.CSafeLoader)",
                        3,
                        cwd=repo,
                    ),
                    5.0,
                )
            )
            index_floor = py(
                # what list and a warm validate must read: every index head (not the bodies)
                "import json, glob\nfor f in glob.glob('.jatac/index/*.json'):\n"
                "    if not f.endswith('.data.json'): json.loads(open(f).read())",
                args.repeat,
                cwd=repo,
            )
            rows.append(
                line(
                    "validate, nothing changed",
                    timed([*base, "validate"], args.repeat, env=env),
                    index_floor,
                    1.0,
                )
            )
            rows.append(
                line("list (open cases)", timed([*base, "list"], args.repeat, env=env), index_floor, 0.5)
            )
            rows.append(
                line(
                    "list --all --format json",
                    timed([*base, "list", "--all", "-f", "json"], args.repeat, env=env),
                    index_floor,
                    0.5,
                )
            )
            rows.append(
                line(
                    "show",
                    timed([*base, "show", f"JAT-{MEETING_DAY.year}-0001"], args.repeat, env=env),
                    start_floor,
                    0.3,
                )
            )
            case_file = next(repo.glob("issues/2026/*.yaml")).relative_to(repo)
            git_log = statistics.median(
                timed(["git", "log", "--format=%H", "--", str(case_file)], args.repeat, cwd=repo)
            )
            git_info = repo / ".git" / "objects" / "info"
            drop_graph = ["rm", "-rf", str(git_info / "commit-graphs"), str(git_info / "commit-graph")]
            history = [*base, "history", case_file.stem]
            first = timed(history, 1, env=env, prepare=drop_graph)
            rows.append(line("history, first run (writes commit-graph)", first, git_log))
            git_log = statistics.median(
                timed(["git", "log", "--format=%H", "--", str(case_file)], args.repeat, cwd=repo)
            )
            rows.append(line("history", timed(history, args.repeat, env=env), git_log, 0.3))
            # the floor is Typst compiling this very agenda (26 pages at 10,000 cases)
            source = Path(tmp) / f"agenda-{size}.typ"
            source.write_text(agenda_source(repo), encoding="utf-8")
            agenda_floor = py(
                f"import typst; typst.compile(open({str(source)!r}, 'rb').read(), format='pdf', "
                "ignore_system_fonts=True)",
                args.repeat,
            )
            rows.append(
                line(
                    "agenda --format pdf (40 items)",
                    timed([*base, "agenda", MEETING_DAY.isoformat(), "-f", "pdf"], args.repeat, env=env),
                    agenda_floor,
                    0.5,
                )
            )
            commit_floor = statistics.median(
                timed(["git", "commit", "-q", "--allow-empty", "-m", "x"], args.repeat, cwd=repo)
            )
            new = [
                *base,
                "new-issue",
                "--title",
                "Benchmark case",
                "--category",
                "asb",
                "--location",
                "bletchley",
                "--raised-by",
                "tvp",
            ]
            rows.append(
                line("new-issue (with its commit)", timed(new, args.repeat, env=env), commit_floor, 0.5)
            )
            results[str(size)] = rows
    print(f"\npeak memory of any run: {peak_kb / 1024:.0f} MB" if GNU_TIME else "")
    results["peak_mb"] = round(peak_kb / 1024)
    results["timed_by"] = "hyperfine" if HYPERFINE else "python"
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
