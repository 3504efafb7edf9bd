"""Time `jatac search` and `jatac lessons` on a large repository; print medians and ratios.

    python benchmarks/search.py [--repo PATH | --size 10000] [--repeat 10]

``--repo``: a repository to measure, copied first into a temporary folder (the
original is never touched, not even its local state); otherwise one of ``--size``
cases is generated (benchmarks/generate.py). Each command runs as a fresh process
timed by hyperfine (or Python's clock), as in benchmarks/run.py; the floor is
`jatac --help` in the same run (Python's start-up and jatac's command line).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.run import JATAC, line, timed  # noqa: E402

TARGET = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="measure a copy of this repository")
    parser.add_argument("--size", type=int, default=10000, help="cases to generate when no --repo")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    env = {**os.environ, "JATAC_TODAY": "2026-11-23", "COLUMNS": "200"}
    with tempfile.TemporaryDirectory(prefix="jatac-search-bench-") as tmp:
        repo = Path(tmp) / "repo"
        t0 = time.perf_counter()
        if args.repo:
            shutil.copytree(args.repo, repo, symlinks=True, ignore=shutil.ignore_patterns(".jatac"))
            what = f"a copy of {args.repo}"
        else:
            from benchmarks.generate import generate

            generate(repo, args.size, commits=1)
            what = f"{args.size} generated cases"
        cases = sum(1 for _ in repo.glob("issues/*/*.yaml"))
        print(f"{what}: {cases} cases ({time.perf_counter() - t0:.0f} s to make)")
        base = [*JATAC, "--repo", str(repo)]
        floor = statistics.median(timed([*JATAC, "--help"], args.repeat, env=env))
        print(f"floor: jatac --help {floor:.3f} s")
        drop_search = ["rm", "-f", str(repo / ".jatac" / "index" / "search.sqlite")]
        drop_all = ["rm", "-rf", str(repo / ".jatac")]
        line(
            "search, first (read index and search built)",
            timed([*base, "search", "x"], 1, env=env, prepare=drop_all),
            floor,
        )
        line(
            "search, search database built again",
            timed([*base, "search", "x"], 3, env=env, prepare=drop_search),
            floor,
        )
        queries = {
            'search "play area"': ["search", "play area"],
            "search fire --status closed --since 2024-01-01 -f json": [
                *("search", "fire", "--status", "closed", "--since", "2024-01-01", "-f", "json"),
            ],
            "search graffiti --audience wide -n 50": ["search", "graffiti", "--audience", "wide", "-n", "50"],
            "lessons --category asb --tactic patrols": [
                "lessons",
                "--category",
                "asb",
                "--tactic",
                "patrols",
            ],
        }
        for name, query in queries.items():
            line(name, timed([*base, *query], args.repeat, env=env), floor, TARGET)
        # one case changed since the last search: it alone is read and indexed again
        case = sorted(repo.glob("issues/2026/*.yaml"))[0]
        touch = [
            sys.executable,
            "-c",
            f"import pathlib; p = pathlib.Path({str(case)!r}); p.write_text(p.read_text())",
        ]
        line(
            'search "play area", one case file rewritten',
            timed([*base, "search", "play area"], args.repeat, env=env, prepare=touch),
            floor,
            TARGET,
        )


if __name__ == "__main__":
    main()
