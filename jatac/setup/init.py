"""Create a new case repository: jatac.yaml with a useful starting set, git, first commit."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from jatac.errors import Refused
from jatac.git.audit import Audit
from jatac.git.change import Change
from jatac.storage.problems import check_line
from jatac.storage.repository import CONFIG_FILE, Repository

GITIGNORE = """# Rendered agendas, minutes and reports: made again from the case files.
# (no trailing slash: a link named build, pushed by mistake, is ignored too)
/build
# jatac's local state: the lock, an interrupted change's journal, and the
# restricted people store (encrypted; it must never be committed).
/.jatac
"""


def starter_config(name: str, prefix: str) -> str:
    text = resources.files("jatac").joinpath("starter.yaml").read_text(encoding="utf-8")
    # json.dumps gives a double-quoted scalar YAML reads back exactly
    return text.replace("__NAME__", json.dumps(name, ensure_ascii=False)).replace("__PREFIX__", prefix)


def init(path: Path, *, name: str, prefix: str) -> Repository:
    prefix = prefix.strip().upper()
    if not re.fullmatch(r"[A-Z]{2,8}", prefix):
        raise Refused(f"{prefix!r} cannot be an id prefix", hint="Use 2 to 8 letters, e.g. JAT.")
    if not name.strip():
        raise Refused("the partnership needs a name", hint='For example: --name "SaferMK"')
    name = check_line(name, "jatac.yaml", "name")  # as jatac.yaml's name is read back, before any file
    path = path.expanduser().resolve()
    if (path / CONFIG_FILE).exists():
        raise Refused(f"{path} is already a case repository")
    if path.exists() and not path.is_dir():
        raise Refused(f"{path} is a file, not a folder")
    existing = path
    while not existing.exists():
        existing = existing.parent
    Audit(existing).identity()  # before anything is created: every change needs an author

    created = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    audit = Audit(path)
    try:
        if not audit.is_repo():
            audit.create()
        repo = Repository(path)
        with Change(repo, command="init", subject=f"New case repository for {name.strip()}") as change:
            change.body.append(f"Case ids: {prefix}-YYYY-NNNN")
            change.write(CONFIG_FILE, starter_config(name.strip(), prefix), expect=None)
            if not (path / ".gitignore").exists():
                change.write(".gitignore", GITIGNORE, expect=None)
            repo.validate_config()  # the starter must validate
    except BaseException:
        if created:
            import shutil

            shutil.rmtree(path, ignore_errors=True)
        raise
    return repo
