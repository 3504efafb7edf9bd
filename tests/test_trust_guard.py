"""Issue 12, section 4: the personal data guard has no easy way round.

Each class of variant that was committed before (phone numbers with dots or
brackets, lower-case postcodes and NI numbers, `b. 01/02/1990`, a name from
the people store written surname first, a comment, an allow-list reason, a
file that does not parse, an import file's name) is tried on every road into
git: `set`, `new-issue`, `edit`, `jatac check` on a hand edit, and the
installed pre-commit hook on a real `git commit`. The invariant: refused, with
the field or line named; the work tree byte-identical and HEAD unchanged.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jatac.guard.privacy import PersonalData, check_text
from tests.conftest import Jatac, editor, new_issue_args


@pytest.fixture(autouse=True)
def _key_outside(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JATAC_KEY_FILE", str(tmp_path_factory.mktemp("keys") / "test.key"))


def refused(jatac: Jatac, *args: str, env: dict[str, str] | None = None) -> str:
    """Run a command that must be refused; prove nothing changed; return its stderr."""
    before, head = jatac.snapshot(), jatac.git("rev-parse", "HEAD")
    result = jatac(*args, ok=False, env=env)
    assert result.exit_code == 1, result.output
    assert jatac.snapshot() == before and jatac.git("rev-parse", "HEAD") == head
    return result.stderr


def git_commit(jatac: Jatac, message: str = "hand edit") -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-qam", message], cwd=jatac.root, capture_output=True, text=True)


def hook_refuses(jatac: Jatac, relpath: str, text: str, expect: str) -> None:
    """A hand edit of ``relpath`` to ``text``, committed with git: the installed hook refuses it."""
    jatac("install-hooks")
    path = jatac.root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    jatac.git("add", relpath)
    head = jatac.git("rev-parse", "HEAD")
    before = jatac.snapshot()
    commit = git_commit(jatac)
    assert commit.returncode != 0, commit.stdout + commit.stderr
    assert expect in commit.stdout + commit.stderr
    assert jatac.git("rev-parse", "HEAD") == head and jatac.snapshot() == before


# one hostile variant of each class that was committed before; (the text, what is said)
VARIANTS = {
    "phone with dots": ("Ring the resident on 07700.900.123 after six.", "a UK phone number"),
    "phone with brackets": ("Ring the resident on (07700) 900123 after six.", "a UK phone number"),
    "phone +44 (0)": ("Ring the resident on +44 (0)7700 900123 after six.", "a UK phone number"),
    "lower-case postcode": ("Groups gather outside a house at mk6 2jd nightly.", "a full postcode"),
    "lower-case NI number": ("The young man's NI number is ab 12 34 56 c.", "a National Insurance number"),
    "date of birth as b.": ("The young man (b. 01/02/1990) was seen again.", "a date of birth"),
    "full-width digits": ("Ring the resident on ０７７００ ９００１２３.", "a UK phone number"),
    "a zero-width space": ("Ring the resident on 07700\u200b900123.", "a UK phone number"),
    "Cyrillic letters": ("Groups gather outside a house at МК6 2JD nightly.", "a full postcode"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_variant_is_refused_on_every_road_into_git(jatac: Jatac, tmp_path: Path, variant: str) -> None:
    text, kind = VARIANTS[variant]
    case = jatac.new()
    relpath = f"issues/2026/{case}.yaml"

    said = refused(jatac, "set", case, f"description={text}")
    assert f"description: looks like {kind}" in said and "nothing was written" in said
    said = refused(jatac, *new_issue_args("Groups at the parade", description=text))
    assert f"description: looks like {kind}" in said
    code = (
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        f"p.write_text(p.read_text() + 'description: {text.replace(chr(39), '')}\\n')\n"
    )
    said = refused(jatac, "edit", case, env=editor(tmp_path, code))
    assert f"description: looks like {kind}" in said

    original = (jatac.root / relpath).read_text()
    (jatac.root / relpath).write_text(original + f"place: {text}\n")
    said = refused(jatac, "check")
    assert f"{relpath}:10:" in said and f"place: looks like {kind}" in said
    hook_refuses(jatac, relpath, original + f"place: {text}\n", f"looks like {kind}")


def test_a_name_in_the_people_store_written_surname_first_is_refused(jatac: Jatac) -> None:
    jatac("person", "add", "--name", "Jordan Example")
    case = jatac.new()
    for written in ("Example, Jordan", "EXAMPLE Jordan", "Jordan A. Example", "jordan  example"):
        said = refused(jatac, "set", case, f"description=Threats made to {written} again")
        assert f"looks like a name in the people store: {written.replace('  ', ' ')!r}" in said
    relpath = f"issues/2026/{case}.yaml"
    text = (jatac.root / relpath).read_text() + "place: outside the flat of Example, Jordan\n"
    hook_refuses(jatac, relpath, text, "a name in the people store: 'Example, Jordan'")


def test_a_comment_is_read_by_every_check(jatac: Jatac, tmp_path: Path) -> None:
    case = jatac.new()
    relpath = f"issues/2026/{case}.yaml"
    original = (jatac.root / relpath).read_text()
    commented = original.replace("status:", "# the caller: 07700 900123\nstatus:")
    code = f"import sys, pathlib\npathlib.Path(sys.argv[1]).write_text({commented!r})\n"
    said = refused(jatac, "edit", case, env=editor(tmp_path, code))
    assert "looks like a UK phone number: '07700 900123' (in a comment)" in said
    (jatac.root / relpath).write_text(commented)
    said = refused(jatac, "check")
    assert f"{relpath}:3:" in said and "(in a comment)" in said
    hook_refuses(jatac, relpath, commented, "'07700 900123' (in a comment)")


def test_a_file_that_does_not_parse_is_still_read(jatac: Jatac) -> None:
    case = jatac.new()
    relpath = f"issues/2026/{case}.yaml"
    broken = (jatac.root / relpath).read_text() + "notes: [unclosed\n  call 07700 900123\n"
    (jatac.root / relpath).write_text(broken)
    said = refused(jatac, "check")
    assert f"{relpath}:11:" in said and "a UK phone number: '07700 900123'" in said
    hook_refuses(jatac, relpath, broken, "07700 900123")
    # whatever the file is called: a .bak beside the cases is committed all the same
    hook_refuses(jatac, "issues/2026/notes.bak", "the resident: MK6 2JD\n", "a full postcode: 'MK6 2JD'")


def test_the_allow_list_allows_that_exact_text_and_its_reason_is_read(jatac: Jatac, tmp_path: Path) -> None:
    case = jatac.new()
    relpath = f"issues/2026/{case}.yaml"
    original = (jatac.root / relpath).read_text()

    def edit_to(text: str) -> dict[str, str]:
        return editor(tmp_path, f"import sys, pathlib\npathlib.Path(sys.argv[1]).write_text({text!r})\n")

    allowed = "not_personal:\n  - text: MK9 3EJ\n    reason: The council offices, a public building\n"
    jatac("edit", case, env=edit_to(original + "place: civic offices, mk9 3ej\n" + allowed))
    assert "mk9 3ej" in jatac.git("show", f"HEAD:{relpath}")
    assert "No personal data found" in jatac("check").stdout
    # ... but only that text: another postcode, or a phone number beside it, is still refused
    said = refused(jatac, "set", case, "description=Moved to MK6 2JD, near MK9 3EJ")
    assert "looks like a full postcode: 'MK6 2JD'" in said and "MK9 3EJ'" not in said
    hidden = allowed.replace("text: MK9 3EJ", "text: MK9 3EJ 07700 900123")
    said = refused(jatac, "edit", case, env=edit_to(original + "place: MK9 3EJ 07700 900123\n" + hidden))
    assert "looks like a UK phone number: '07700 900123'" in said
    # the reason is text like any other
    reason = allowed.replace("a public building", "ask for Jo on 07700 900123")
    said = refused(jatac, "edit", case, env=edit_to(original + "place: MK9 3EJ\n" + reason))
    assert "not_personal[0].reason: looks like a UK phone number" in said


def test_a_missing_key_says_the_names_were_not_checked(
    jatac: Jatac, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jatac("person", "add", "--name", "Jordan Example")
    case = jatac.new()
    (jatac.root / ".jatac/private/people.fingerprints").unlink()  # and no fingerprints either
    monkeypatch.setenv("JATAC_KEY_FILE", str(tmp_path / "not-here.key"))
    checked = jatac("check")  # a look commits nothing: it says what it could not look for
    assert "names in the people store were not checked for" in checked.stderr
    assert "key to the people store is not on this computer" in checked.stderr
    assert "(names in the people store not checked)" in checked.stdout
    assert "cannot be looked for on this computer" in refused(jatac, "set", case, "priority=low")
    doctor = jatac("doctor", ok=False)
    assert "names in the people store cannot be checked for here" in doctor.stdout


def test_an_import_file_name_is_checked_like_any_text(jatac: Jatac, tmp_path: Path) -> None:
    sheet = tmp_path / "calls from 07700 900123.csv"
    sheet.write_text(
        "title,category,location,raised_by,raised_on\nASB at the parade,asb,town-centre,police,2026-03-02\n"
    )
    said = refused(jatac, "import", str(sheet))
    assert "calls from 07700 900123.csv  file name: looks like a UK phone number" in said
    assert "rename the file" in said
    plain = sheet.rename(tmp_path / "calls.csv")
    jatac("import", str(plain))
    assert jatac.commits()[0] == "Imported 1 cases from calls.csv"


def test_the_example_repository_has_no_findings() -> None:
    from typer.testing import CliRunner

    from jatac.cli import app

    result = CliRunner().invoke(app, ["--repo", str(Path(__file__).parent.parent / "cases"), "check"])
    assert result.exit_code == 0, result.output


# -- generated variants -----------------------------------------------------------------

SEPARATORS = st.sampled_from(["", " ", "  ", ".", "-", " - ", "\u00a0", "\u200b"])


def _case(text: str) -> str:
    return f"id: JAT-2026-0001\ntitle: Groups at the parade\ndescription: |\n  Seen near the shops. {text} after six.\n"


def _caught(text: str, kind: str) -> None:
    with pytest.raises(PersonalData) as refused:
        check_text("issues/2026/JAT-2026-0001.yaml", _case(text))
    assert f"looks like {kind}" in str(refused.value), text


def _cased(draw: st.DrawFn, text: str) -> str:
    return "".join(c.lower() if draw(st.booleans()) else c.upper() for c in text)


@st.composite
def phones(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from([(5, 6), (5, 3, 3), (4, 3, 4), (3, 4, 4), (5, 5)]))
    first = "07" if shape in {(5, 6), (5, 3, 3)} else draw(st.sampled_from(["01", "02", "03"]))
    digits = first + "".join(draw(st.sampled_from("0123456789")) for _ in range(sum(shape) - 2))
    groups, at = [], 0
    for size in shape:
        groups.append(digits[at : at + size])
        at += size
    if draw(st.booleans()):
        groups[0] = f"({groups[0]})"
    if draw(st.booleans()):  # +44, the 0 dropped or bracketed
        head = groups[0].strip("()")[1:]
        groups[0] = "+44" + draw(st.sampled_from([" ", "", " (0)", "(0)"])) + head
    sep = draw(SEPARATORS)
    return sep.join(groups)


@st.composite
def postcodes(draw: st.DrawFn) -> str:
    letter = st.sampled_from("ABCDEFGHJKLMNOPRSTUWYZ")
    inward_letter = st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")
    digit = st.sampled_from("0123456789")
    shape = draw(st.sampled_from(["A9", "A99", "AA9", "AA99", "A9A", "AA9A"]))
    outward = "".join(draw(letter) if c == "A" else draw(digit) for c in shape)
    inward = draw(digit) + draw(inward_letter) + draw(inward_letter)
    return _cased(draw, outward + draw(SEPARATORS) + inward)


@st.composite
def ni_numbers(draw: st.DrawFn) -> str:
    first = draw(st.sampled_from("ABCEGHJKLMNOPRSTWXYZ"))
    second = draw(
        st.sampled_from("ABCEGHJKLMNPRSTWXYZ").filter(
            lambda c: first + c not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
        )
    )
    pairs = ["".join(draw(st.sampled_from("0123456789")) for _ in range(2)) for _ in range(3)]
    suffix = draw(st.sampled_from("ABCD"))
    sep = draw(SEPARATORS)
    return _cased(draw, sep.join([first + second, *pairs, suffix]))


@st.composite
def dates_of_birth(draw: st.DrawFn) -> str:
    prefix = draw(
        st.sampled_from(["DOB", "D.O.B.", "dob:", "Date of birth", "born", "born on", "b.", "Born:"])
    )
    day, month, year = draw(st.integers(1, 28)), draw(st.integers(1, 12)), draw(st.integers(1940, 2020))
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
    months += ["October", "November", "December"]
    sep = draw(st.sampled_from(["/", ".", "-", " "]))
    written = draw(
        st.sampled_from(
            [
                f"{day:02d}{sep}{month:02d}{sep}{year}",
                f"{day}{sep}{month}{sep}{year}",
                f"{day:02d}{sep}{month:02d}{sep}{year % 100:02d}",
                f"{day} {months[month - 1]} {year}",
                f"{day} {months[month - 1][:3]} {year}",
                f"{months[month - 1]} {day}, {year}",
                f"{year}-{month:02d}-{day:02d}",
            ]
        )
    )
    return _cased(draw, f"{prefix} {written}")


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(phones())
def test_generated_phone_numbers_are_caught(text: str) -> None:
    _caught(text, "a UK phone number")


@SETTINGS
@given(postcodes())
def test_generated_postcodes_are_caught(text: str) -> None:
    _caught(text, "a full postcode")


@SETTINGS
@given(ni_numbers())
def test_generated_ni_numbers_are_caught(text: str) -> None:
    _caught(text, "a National Insurance number")


@SETTINGS
@given(dates_of_birth())
def test_generated_dates_of_birth_are_caught(text: str) -> None:
    _caught(text, "a date of birth")


@pytest.mark.parametrize(
    "text",
    ["2026-05-25: 2026-05-26", "dates 2026-05-25, 2026-05-26 and 2026-06-01", "2026-11-05, 2026-11-12"],
)
def test_lists_of_dates_are_not_phone_numbers(text: str) -> None:
    from jatac.guard.privacy import scan_file

    assert scan_file(f"note: {text}\n", [], None) == []
