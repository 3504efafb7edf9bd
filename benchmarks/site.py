"""Time `jatac site` on a large repository: the first build, a rebuild, and a rebuild after one change.

    python benchmarks/site.py [--cases 10000] [--from /path/to/repo] [--repeat 5]

The repository is generated with benchmarks/generate.py (or copied from ``--from``,
which is never changed) into a temporary folder. Each run is a fresh process, as a
coordinator runs it; the median of ``--repeat`` runs is printed, with the machine's
load average, since these machines are shared and noisy. As a floor, the same
number of runs of `jatac list --all --format json` (loading every case from the index).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402

JATAC = [sys.executable, "-m", "jatac"]
ENV = {**os.environ, "JATAC_TODAY": "2026-11-20"}


def run(repo: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([*JATAC, "--repo", str(repo), *args], env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def median_of(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--from", dest="source", type=Path, help="copy this repository instead of generating")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--audience", default="wide")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jatac-site-bench-") as tmp:
        repo = Path(tmp) / "repo"
        if args.source:
            shutil.copytree(args.source, repo, symlinks=True)
        else:
            generate(repo, args.cases)
        out = Path(tmp) / "site"
        site = ["site", "--audience", args.audience, "--out", str(out)]
        run(repo, "validate")  # the index, as a coordinator's repository has it
        cases = sorted((repo / "issues").rglob("*.yaml"))
        load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        print(f"{len(cases)} case files; {load}", flush=True)
        print(f"first build:           {median_of([run(repo, *site)])}", flush=True)
        unchanged = [run(repo, *site) for _ in range(args.repeat)]
        print(f"nothing changed:       {median_of(unchanged)}", flush=True)
        changed = []
        for n in range(args.repeat):
            run(repo, "set", cases[-1 - n].stem, f"place=the benchmark place {n}")
            changed.append(run(repo, *site))
        print(f"one case changed:      {median_of(changed)}", flush=True)
        floor = [run(repo, "list", "--all", "--format", "json") for _ in range(args.repeat)]
        print(f"floor (list --all):    {median_of(floor)}", flush=True)
        print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
