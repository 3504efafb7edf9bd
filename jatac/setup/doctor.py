"""`jatac doctor`: the repository checked end to end, each finding with what to do about it."""

from __future__ import annotations

from dataclasses import dataclass

from jatac.clock import today
from jatac.errors import GitError, InvalidRecord
from jatac.git.audit import Audit
from jatac.storage.repository import Repository


@dataclass
class Finding:
    ok: bool
    what: str
    fix: str = ""
    warning: bool = False  # worth knowing, not wrong


def examine(repo: Repository) -> list[Finding]:
    found: list[Finding] = []
    audit = Audit(repo.root)
    if not audit.is_repo():
        return [Finding(False, "not a git repository", "run `git init` here, then commit the files")]
    found.append(Finding(True, "git repository"))
    try:
        name, email = audit.identity()
        found.append(Finding(True, f"git identity: {name} <{email}>"))
    except GitError as e:
        found.append(Finding(False, str(e), e.hint or ""))
    from jatac.git.hooks import check_repository

    checked = check_repository(repo)
    papers = [p.path for p in checked.outputs]
    # a paper, mail draft or export is never advised for a commit: it has a finding of its own
    dirty = [rel for rel in audit.uncommitted_files() if rel not in set(papers)]
    shown = ", ".join(dirty[:3]) + (" ..." if len(dirty) > 3 else "")
    found.append(
        Finding(
            not dirty,
            "no uncommitted changes" if not dirty else f"{len(dirty)} uncommitted change(s): {shown}",
            "commit them (git add FILE, git commit) or `jatac edit` the files",
            warning=True,
        )
    )
    if papers:
        listed = ", ".join(papers[:3]) + (" ..." if len(papers) > 3 else "")
        found.append(
            Finding(
                False,
                f"{len(papers)} paper(s), mail draft(s) or export(s) where git would take them: {listed}",
                "never commit them: move them into build/ (git never takes it) or delete them; "
                "one git already tracks: git rm --cached FILE",
            )
        )
    try:
        repo.validate_config()
        found.append(Finding(True, "jatac.yaml is valid"))
    except InvalidRecord as e:
        found.append(Finding(False, f"jatac.yaml: {len(e.problems)} problem(s)", "run `jatac validate`"))
        return found
    from jatac.cases.consistency import validate_repository

    problems = validate_repository(repo)
    found.append(
        Finding(
            not problems,
            "every record valid, cross references agree"
            if not problems
            else f"{len(problems)} problem(s) in the records",
            "run `jatac validate` for each one",
        )
    )
    from jatac.partnership.isp import members_on_no_group

    unplaced = members_on_no_group(repo)
    if unplaced:
        found.append(
            Finding(
                False,
                f"{len(unplaced)} member(s) sit on no group and receive no papers: "
                + "; ".join(p.field for p in unplaced),
                "list each one's groups in jatac.yaml (`jatac validate` shows where)",
                warning=True,
            )
        )
    found.append(
        Finding(
            not checked.problems,
            f"no personal data found in {checked.files} record files"
            if not checked.problems
            else f"{len(checked.problems)} possible personal data finding(s)",
            "run `jatac check`",
        )
    )
    if checked.names_unchecked:
        found.append(
            Finding(
                False,
                "names in the people store cannot be checked for here, so changes to cases are refused",
                f"{checked.names_unchecked}. Put the store's key back (or set JATAC_KEY_FILE), or work "
                "on the computer that holds it; opening the store there once lets this computer check "
                "names without the key",
            )
        )
    else:
        from jatac.guard.people import checked_by_fingerprint

        if checked_by_fingerprint(repo):
            found.append(
                Finding(
                    False,
                    "the people store's key is not on this computer: names are checked by their fingerprints",
                    "`jatac person show` and papers with --include-personal need the key",
                    warning=True,
                )
            )
    from jatac.git.hooks import installed

    found.append(
        Finding(
            installed(repo),
            "pre-commit hook installed"
            if installed(repo)
            else "the personal data check is not a pre-commit hook here",
            "run `jatac install-hooks`",
            warning=True,
        )
    )
    for rel in (".jatac/", "build/"):
        if audit.ignored(rel):
            found.append(Finding(True, f"{rel} is ignored by git"))
        else:
            found.append(
                Finding(False, f"{rel} is not ignored by git", f"add the line `{rel}` to .gitignore")
            )
    from jatac.git.recovery import shared_local_state
    from jatac.storage.lock import journal_path

    shared = shared_local_state(repo.root)
    if shared:
        found.append(
            Finding(
                False,
                f"{len(shared)} file(s) of .jatac/ are tracked by git (this computer's own state)",
                'stop tracking them: git rm -r --cached .jatac && git commit -m "Stop sharing .jatac/"',
            )
        )

    if journal_path(repo.root).exists():
        found.append(
            Finding(
                False,
                "an interrupted change is waiting to be undone",
                "run any jatac command that changes something; it is undone first",
            )
        )
    from jatac.partnership.isp import register

    lapsed = [s for s in register(repo.config, today()) if not s.may_receive]
    found.append(
        Finding(
            not lapsed,
            "every agency's ISP signature is current"
            if not lapsed
            else f"{len(lapsed)} agencies may not receive shared information",
            "see `jatac isp`",
            warning=True,
        )
    )
    from jatac.partnership.retention import due_records

    due = due_records(repo)
    found.append(
        Finding(
            not due,
            "nothing past its retention period"
            if not due
            else f"{len(due)} record(s) past their retention period",
            "see `jatac retention`",
            warning=True,
        )
    )
    return found
