"""How often the personal data guard fires on text that holds no personal data.

    python benchmarks/guard_false_positives.py /work/shared/seeds [--example cases]

Two bodies of text, read as `jatac check` reads a file (its raw text, comments
included, and, for a record, its parsed fields):

- the example repository (``cases/``): fictional cases written to hold no
  personal data, so every finding there is a false positive (the target is 0);
- the seeds' prose: public papers of community safety partnerships. They name
  council offices, public phone lines and officers' work email addresses, so a
  finding may be true; each is printed with its line for a person to judge.

Prints every finding (file:line, kind, the text) and the count per 1,000 lines.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jatac.guard.privacy import DETECTORS, find, scan_file  # noqa: E402
from jatac.storage.repository import KINDS  # noqa: E402


def _line(text: str, start: int) -> int:
    return text.count("\n", 0, start) + 1


def prose(folder: Path) -> tuple[int, list[tuple[str, int, str, str]]]:
    """Lines read and findings in every .txt file of ``folder``."""
    lines, found = 0, []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines += len(text.splitlines())
        for hit in find(text, DETECTORS):
            found.append((path.name, _line(text, hit.start), hit.kind, hit.written(text)))
    return lines, found


def example(root: Path) -> tuple[int, list[tuple[str, int, str, str]]]:
    """Lines read and findings in the record files of the example repository, as `jatac check`
    reads them (parsed fields and raw text, with the record's own not_personal entries)."""
    from jatac.guard.privacy import _parsed

    lines, found = 0, []
    for folder in sorted({k.folder for k in KINDS.values()}):
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8", errors="replace")
            lines += len(text.splitlines())
            for f in scan_file(text, (), _parsed(text, rel)):
                found.append((rel, f.line or 0, f.kind, f.text))
    return lines, found


def report(title: str, lines: int, found: list[tuple[str, int, str, str]]) -> None:
    rate = 1000 * len(found) / lines if lines else 0.0
    print(f"\n{title}: {len(found)} finding(s) in {lines} lines = {rate:.2f} per 1,000 lines")
    for kind, n in sorted(Counter(k for _, _, k, _ in found).items()):
        print(f"  {n:4}  {kind}")
    for name, line, kind, text in sorted(found):
        print(f"  {name}:{line}  {kind}: {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("seeds", type=Path, help="a folder of .txt files of public prose")
    parser.add_argument("--example", type=Path, default=ROOT / "cases", help="the example repository")
    args = parser.parse_args()
    report(f"Example repository ({args.example})", *example(args.example))
    report(f"Seeds' prose ({args.seeds})", *prose(args.seeds))


if __name__ == "__main__":
    main()
