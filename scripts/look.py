"""Render every paper jatac makes from the example partnership, and turn each page into a PNG
so a person can look at it before calling a change to a template finished.

    python scripts/look.py [OUT]        (default OUT: build/look)

Makes a demo repository in OUT/demo, holds a Coordinating Group meeting on 9 November 2026
(minutes filled in with attendance, what was heard, RESOLVED decisions, actions and an item
with nothing recorded, then applied), takes partners' items for 7 December (one about a
proposed case, one late), and renders: the minutes and the next agenda (PDF, HTML, Markdown), the
wide JATAC agenda and the performance report. PDF pages become OUT/png/NAME-pN.png (with
pypdfium2, else poppler's pdftoppm); HTML pages a full-page screenshot by a headless
Chromium or Chrome when one is installed. Prints what it made; look at every PNG.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MEETING = "2026-11-09"
NEXT = "2026-12-07"
WIDE = "2027-01-21"


def jatac(repo: Path, today: str, *args: str) -> str:
    env = {**os.environ, "JATAC_TODAY": today, "NO_COLOR": "1", "COLUMNS": "150"}
    done = subprocess.run(
        [sys.executable, "-m", "jatac", "--repo", str(repo), *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"jatac {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def fill_minutes(path: Path) -> None:
    """What a coordinator writes after the meeting, in the places the form leaves for it."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    statuses = ["present", "present", "apologies", "present", "present", "absent"]
    for n, row in enumerate(doc["attendance"]):
        row["status"] = statuses[n % len(statuses)]
    items = {item["ref"]: item for item in doc["items"]}
    items["JAT01"]["heard"] = "The Chair welcomed members; apologies as above."
    items["JAT03"]["heard"] = "Two actions overdue; owners gave updates at the table."
    items["JAT03"]["resolved"] = [
        "That the action log be noted.",
        "That owners of overdue actions report progress to the coordinator within a week.",
    ]
    items["JAT05"]["heard"] = "The lead for JAT-2026-0002 reported calls down by a third since October."
    items["JAT05"]["decisions"] = [
        {"do": "review", "case": "JAT-2026-0002", "note": "Calls down by a third"},
        {
            "do": "action",
            "case": "JAT-2026-0002",
            "what": "Letter drop to residents about the new lighting",
            "owner": "asb-team",
            "due": "2026-11-30",
        },
    ]
    items["JAT06"]["heard"] = "Police outlined the e-bike problem in Wolverton."
    items["JAT06"]["resolved"] = ["That JAT-2026-0009 be adopted, led by Thames Valley Police."]
    items["JAT06"]["decisions"] = [
        {"do": "adopt", "case": "JAT-2026-0009", "lead": "tvp", "problem_manager": "Neighbourhood Sergeant"}
    ]
    items["JAT08"]["decisions"] = [{"do": "fund", "request": "FR-2026-002", "approve": True}]
    items["JAT08"]["resolved"] = ["That £1,500 be granted for the weld mesh fencing."]
    # JAT07 (late items) and JAT10 (any other business) are left with nothing recorded
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def pdf_pages(pdf: Path, out: Path) -> list[Path]:
    stem = out / pdf.stem
    try:
        import pypdfium2
    except ImportError:
        if shutil.which("pdftoppm") is None:
            sys.exit("To turn PDF pages into PNGs: pip install pypdfium2 (or install poppler-utils)")
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(stem)], check=True)
        return sorted(out.glob(f"{pdf.stem}-*.png"))
    made = []
    document = pypdfium2.PdfDocument(str(pdf))
    for n in range(len(document)):
        image = document[n].render(scale=80 / 72).to_pil()
        target = Path(f"{stem}-p{n + 1}.png")
        image.save(target)
        made.append(target)
    return made


def browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    return None


def html_page(html: Path, out: Path, program: str) -> Path:
    target = out / f"{html.stem}-html.png"
    subprocess.run(
        [
            program,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={target}",
            "--window-size=1000,2600",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
    )
    return target


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "look").resolve()
    papers, png = out / "papers", out / "png"
    for folder in (papers, png):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    repo = out / "demo"
    jatac(repo.parent, MEETING, "demo", str(repo))
    jatac(repo, MEETING, "minutes", "new", MEETING)
    fill_minutes(next((repo / "minutes").rglob(f"{MEETING}-*.yaml")))
    jatac(repo, MEETING, "validate")
    jatac(repo, "2026-11-10", "minutes", "apply", MEETING)
    about_a_case = ("--by", "tvp", "--case", "JAT-2026-0010")  # a proposed case: said once, with it
    jatac(repo, "2026-11-16", "item", "add", NEXT, "Graffiti: please adopt", *about_a_case)
    jatac(repo, "2026-11-16", "item", "add", NEXT, "Fly-tipping behind Coffee Hall shops", "--by", "fire")
    jatac(repo, "2026-12-02", "item", "add", NEXT, "Scooter thefts", "--by", "tvp", "--late")
    made: list[Path] = []
    for fmt in ("pdf", "html", "md"):
        for args, name in (
            (("minutes", "render", MEETING), f"minutes-{MEETING}"),
            (("agenda", NEXT), f"agenda-{NEXT}"),
            (("agenda", WIDE), f"agenda-wide-{WIDE}"),
            (("report", "performance", "--period", "2026-Q3"), "performance-2026-Q3"),
        ):
            target = papers / f"{name}.{fmt}"
            jatac(repo, "2026-11-30", *args, "--format", fmt, "--out", str(target))
            made.append(target)
    program = browser()
    for paper in made:
        if paper.suffix == ".pdf":
            for page in pdf_pages(paper, png):
                print(page)
        elif paper.suffix == ".html" and program:
            print(html_page(paper, png, program))
        else:
            print(paper)
    if program is None:
        print("No Chromium or Chrome found: open the HTML papers in a browser to look at them.")


if __name__ == "__main__":
    main()
