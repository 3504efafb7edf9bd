"""Time the everyday commands on generated repositories; print medians and ratios to floors.

    python benchmarks/run.py [--sizes 300] [--repeat 7]

Each command runs as a fresh process (what a coordinator waits for), several
times; the median is reported with the minimum. Floors measured in the same
run put the numbers in context: a bare Python start-up, and one git commit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import MEETING_DAY, generate  # noqa: E402

JATAC = [sys.executable, "-m", "jatac"]


def timed(
    cmd: list[str], repeat: int, cwd: Path | None = None, env: dict[str, str] | None = None
) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float], floor: float | None = None) -> None:
    median = statistics.median(times)
    ratio = f"  x{median / floor:5.1f} of floor" if floor else ""
    print(f"{name:<34} median {median * 1000:7.0f} ms   min {min(times) * 1000:7.0f} ms{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300", help="comma-separated case counts")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "JATAC_TODAY": "2026-11-23", "COLUMNS": "200"}
    python_floor = statistics.median(timed([sys.executable, "-c", "pass"], args.repeat))
    report("floor: python -c pass", [python_floor])
    report("jatac --help", timed([*JATAC, "--help"], args.repeat, env=env), python_floor)
    with tempfile.TemporaryDirectory(prefix="jatac-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            repo = generate(Path(tmp) / f"r{size}", size)
            print(f"\n{size} cases, a meeting with 40 items ({repo})")
            commit_floor = timed(["git", "commit", "-q", "--allow-empty", "-m", "x"], args.repeat, cwd=repo)
            report("floor: git commit", commit_floor)
            base = [*JATAC, "--repo", str(repo)]
            report("list", timed([*base, "list"], args.repeat, env=env))
            report(
                "list --all --format json",
                timed([*base, "list", "--all", "-f", "json"], args.repeat, env=env),
            )
            report("show", timed([*base, "show", f"JAT-{MEETING_DAY.year}-0001"], args.repeat, env=env))
            report("validate", timed([*base, "validate"], args.repeat, env=env))
            report(
                "agenda --format pdf (40 items)",
                timed([*base, "agenda", MEETING_DAY.isoformat(), "-f", "pdf"], args.repeat, env=env),
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
            report(
                "new-issue (with its commit)",
                timed(new, args.repeat, env=env),
                statistics.median(commit_floor),
            )


if __name__ == "__main__":
    main()
