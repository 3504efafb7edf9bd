"""Building the site: which pages there are, what each may show, and writing only what changed.

Thousands of cases are read as their checked data (the index's dicts), never as models:
a model is built only for a case page that has to be rendered again (its SARA stage).
Each build is made in a new folder beside the site and swapped in whole when it is complete
(``jatac.storage.outputs.staged_folder``): Ctrl+C, a kill or a refused template leaves the
last good site as it was, never half of a new one. Each page's content is hashed before it
is rendered; a page whose hash is the one the last build wrote (``.jatac-site.json``) is
carried over from the last site (a hard link, or a copy where links fail), so a rebuild
renders only the pages that changed. The new site holds only this build's pages: one that is
no longer part of the site (a case now withheld, a meeting gone) is not carried, and a wide
site never keeps a page the last core build left.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jatac import __version__
from jatac.clock import today
from jatac.errors import Refused
from jatac.guard.audience import AUDIENCES, Audience, named
from jatac.models.vocab import OPEN_VALUES
from jatac.render import charts
from jatac.render.engine import LIMIT_HINT, TemplateProblem, environment, shown_name, template_problem
from jatac.site import scripts
from jatac.site.search import search_index
from jatac.storage.bundled import bundled
from jatac.storage.outputs import staged_folder
from jatac.storage.repository import KINDS, Repository, atomic_write

if TYPE_CHECKING:
    from jatac.meetings.files import Planned

MANIFEST = ".jatac-site.json"
SITE = "site"  # under the repository's build/ folder
CASE, SARA, MINUTES = KINDS["case"], KINDS["sara"], KINDS["minutes"]
PAGES = ("home", "cases", "case", "agency", "agencies", "meetings", "meeting", "performance", "search")
ASSETS = ("style.css", "search.js")  # copied as they are (a repository's templates/site/ may replace them)
# the papers the site shows as pages, with the templates they read besides the site's own
DOCUMENTS = ("_base.html.j2", "agenda.html.j2", "agenda-wide.html.j2", "minutes.html.j2")
# the fields of a case its page shows (the rest reach it in words: names, history)
SHOWN = (
    *("id", "title", "status", "priority", "risk", "marking", "place", "raised_on", "description", "lead"),
    *("problem_manager", "closed_on", "outcome", "referred_to", "decision_note"),
)
STATUS_WORDS = {
    "proposed": "proposed, awaiting the group's decision",
    "adopted": "adopted by the group",
    "escalated": "escalated",
    "rejected": "not adopted",
    "referred": "referred elsewhere",
    "closed": "closed",
}


@dataclass
class Built:
    """What a build did, for the person who ran it."""

    out: Path
    audience: str
    pages: int  # files in the site
    rendered: int  # of them written this time (the rest had not changed, and were carried over)
    removed: int  # pages of the last build that are no longer part of the site
    withheld: int  # cases left out for this audience
    marking: str  # the highest marking of any page


class _Site:
    """One build: the audience, the names, the templates and the pages written so far.

    ``out`` is the new folder being filled; ``last`` the last good site, whose pages listed
    in ``old`` (its manifest) are carried into ``out`` when their content has not changed."""

    def __init__(
        self, repo: Repository, reader: Audience, out: Path, old: dict[str, str], last: Path
    ) -> None:
        self.repo, self.reader, self.out, self.old, self.last = repo, reader, out, old, last
        self.env = environment(repo.root, "html")
        self.env.loader = _checked(self.env.loader, self)
        self.charts: set[str] = set()  # the SVG charts this build made: |chart shows only these
        self.env.filters["chart"] = self._chart
        self.pushed = False  # a template or script of the repository's own is in use
        self.allowed = False  # ... one this computer's settings allow to run script
        self.templates: dict[str, Any] = {}
        self.written: dict[str, str] = {}
        self.rendered = 0
        self.sensitive_pages = 0
        self._existing: set[str] | None = None
        self._folders: set[str] = set()  # the folders made in ``out`` so far
        # what every page's hash includes besides its own content: jatac, the templates, the
        # audience, the pages' policy; read (and so checked) before any page is written
        sources = [self._source(f"site/{name}.html.j2") for name in ("_layout", *PAGES)]
        sources += [self._source(f"site/{name}") for name in ASSETS]
        for document in DOCUMENTS:
            self._source(document)
        self.stamp = _digest(
            [__version__, reader.name, sorted(reader.sensitive_ids), sources, scripts.POLICY]
        )

    def check(self, name: str, source: str, filename: str) -> None:
        """Refuse a template or script of the repository's own that would run script in the
        site, unless this computer's settings allow that file as it is (jatac/site/scripts.py)."""
        from jatac.storage.user_settings import allowance, allows_script

        real = os.path.realpath(filename)
        if real.startswith(os.path.realpath(bundled("templates")) + os.sep):
            return  # jatac's own
        relpath = Path(os.path.relpath(real, os.path.realpath(self.repo.root))).as_posix()
        self.pushed = True
        if allows_script(self.repo.root, relpath, source):
            self.allowed = True
            return
        if name.endswith(".js"):
            problems = ["a script of the repository's, copied into the site as it is"]
        elif name.endswith(".j2"):
            problems = scripts.template_problems(self.env, name, source)
        else:
            return  # a style sheet lays out; what it loads is held to the site by the policy
        if problems:
            raise scripts.refuse(relpath, problems, allowance(relpath, source))

    def chart(self, svg: str) -> str:
        """An SVG chart this build made, for a template to show with |chart."""
        self.charts.add(svg)
        return svg

    def _chart(self, value: Any) -> Any:
        from markupsafe import Markup

        return Markup(value) if isinstance(value, str) and value in self.charts else value

    def _source(self, name: str) -> str:
        from jinja2 import TemplateNotFound

        try:
            return str(self.env.loader.get_source(self.env, name)[0])
        except TemplateNotFound:
            raise TemplateProblem(f"no template {name}") from None

    def _template(self, name: str) -> Any:
        from jinja2 import TemplateSyntaxError

        if name not in self.templates:
            try:
                self.templates[name] = self.env.get_template(name)
            except TemplateSyntaxError as e:
                raise TemplateProblem(f"{e.filename or name}:{e.lineno}  {e.message}") from None
        return self.templates[name]

    def page(
        self,
        relpath: str,
        template: str,
        context: dict[str, Any],
        finish: Callable[[], None] | None = None,
        source: Any = None,
    ) -> None:
        """Write ``relpath`` from ``template`` unless its content is what the last build wrote.

        ``finish`` adds to ``context`` what is costly to work out (a SARA stage) and only
        follows from ``source``, the records the page is made from; ``source`` is part of the
        page's hash (and so of the agendas'), not of what the template is given.
        """
        depth = relpath.count("/")
        context["root"] = "../" * depth
        key = _digest([self.stamp, relpath, context, source])
        self.written[relpath] = key
        if self.fresh(relpath, key):
            return
        if finish is not None:
            finish()
        self.write(relpath, self.render(template, context))

    def fresh(self, relpath: str, key: str) -> bool:
        """Whether the last site has ``relpath`` as it would be made now from the same content;
        if so it is carried into the new site (not rendered again)."""
        return self.old.get(relpath) == key and relpath in self.existing and self._carry(relpath)

    @property
    def existing(self) -> set[str]:
        """The files of the last site: one listing of the folder, not a look at each of 10,000.
        A folder there that is a link is not listed (os.walk does not follow it)."""
        if self._existing is None:
            self._existing = set()
            for top, _, names in os.walk(self.last):
                rel = os.path.relpath(top, self.last)
                self._existing.update(n if rel == "." else f"{rel}/{n}".replace(os.sep, "/") for n in names)
        return self._existing

    def _carry(self, relpath: str) -> bool:
        """Put the last site's ``relpath`` into the new one: a hard link (nothing read or
        written, and the last site's files are never changed in place: a page made again
        replaces its file), or a copy where the disk does not link. Only a plain file: a link
        pushed into the site's folder is not followed, the page is made again instead."""
        source = os.path.join(self.last, relpath)
        try:
            if not stat.S_ISREG(os.lstat(source).st_mode):
                return False
            target = self._target(relpath)
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(source, target, follow_symlinks=False)
        except OSError:
            return False  # gone or unreadable: made again
        return True

    def _target(self, relpath: str) -> Path:
        """Where ``relpath`` goes in the new site, its folder made (once).

        The new folder was made by this build and holds only what it puts there (folders and
        files, never a link), so only the name is checked, not each folder on the way (that
        took a third of a rebuild on 10,000 pages): it must stay in the new folder."""
        folder, _, name = relpath.rpartition("/")
        if name in ("", ".", "..") or relpath.startswith("/") or os.sep in name:
            raise Refused(f"{relpath!r} cannot be the name of a page of the site")
        if folder not in self._folders:
            if folder and any(part in ("", ".", "..") for part in folder.split("/")):
                raise Refused(f"{relpath!r} cannot be the name of a page of the site")
            (self.out / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return self.out / relpath

    def render(self, template: str, context: dict[str, Any]) -> str:
        """``template`` rendered with ``context`` as this audience may see it, with its marking."""
        return self.render_prepared(template, self.reader.prepare(context))

    def render_prepared(self, template: str, prepared: dict[str, Any]) -> str:
        """``template`` rendered with a context already prepared for the audience."""
        from jinja2 import TemplateError

        from jatac.render.bounded import memory_bounded
        from jatac.render.sandbox import LimitExceeded

        if prepared["marking"] != "OFFICIAL":
            self.sensitive_pages += 1
        try:
            # a pushed template may ask for gigabytes: refused, by name, at the limit for a paper
            with memory_bounded(shown_name(self.repo.root, template), LIMIT_HINT):
                return str(self._template(template).render(**prepared))
        except LimitExceeded as e:  # named by file and line, with what to do about it
            raise template_problem(e, template, self.repo.root, LIMIT_HINT) from None
        except TemplateError as e:
            raise TemplateProblem(
                f"{template}: {e}",
                hint="A template asked for something the page does not have, or the sandbox refused it.",
            ) from None

    def write(self, relpath: str, text: str | bytes) -> None:
        if isinstance(text, str) and relpath.endswith(".html"):
            if self.pushed and not self.allowed:  # what the template's text did not show
                problems = scripts.page_problems(text)
                if problems:
                    raise scripts.refuse(
                        f"the page {relpath}, made from the repository's templates,", problems, None
                    )
            text = scripts.with_policy(text, scripts.inline_hashes(text) if self.allowed else ())
        self.written.setdefault(relpath, "")
        self.rendered += 1
        # the site can always be made again: no waiting for the disk on each of 10,000 pages
        atomic_write(self._target(relpath), text, durable=False)

    def asset(self, name: str) -> None:
        text = self._source(f"site/{name}")
        key = _digest([self.stamp, name])
        self.written[name] = key
        if not self.fresh(name, key):
            self.write(name, text)


def _checked(inner: Any, site: _Site) -> Any:
    """The site's template loader: each template or script read from the repository is
    checked by the build before Jinja (or the copy of an asset) sees it."""
    from jinja2 import BaseLoader

    class Checked(BaseLoader):
        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            source, filename, uptodate = inner.get_source(environment, template)
            site.check(template, source, filename)
            return source, filename, uptodate

    return Checked()


def _digest(value: Any) -> str:
    """A page's content as a hash: pickle is four times faster than JSON on 10,000 cases, and
    without its memo the same content always pickles the same way."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.fast = True  # no memo: a string met twice is written twice, however it is shared
    pickler.dump(value)
    return hashlib.blake2b(out.getbuffer(), digest_size=16).hexdigest()


def _folder(repo: Repository, out: Path | None) -> Path:
    """Where the site goes: ``out``, or the repository's build/site (a link there: the folder
    it leads to, which ``destination`` allowed). What an interrupted build left is put right
    first. A folder that holds other files and no site jatac built is refused: a build
    replaces the folder whole."""
    from jatac.render.documents import destination
    from jatac.storage.outputs import recover

    folder = destination(repo, out, SITE)
    if folder.is_symlink():  # the swap renames folders: the link's own folder is the one replaced
        folder = Path(os.path.realpath(folder))
    if folder.exists() and not folder.is_dir():
        raise Refused(f"{folder} is a file, not a folder", hint="Choose a folder with --out.")
    recover(folder)  # a build killed between its two renames: the last good site back first
    if folder.is_dir() and not (folder / MANIFEST).is_file() and any(folder.iterdir()):
        raise Refused(
            f"{folder} holds other files and is not a site jatac built",
            hint="Choose an empty or new folder with --out: a build replaces the whole folder.",
        )
    return folder


def _manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pages = data.get("pages") if isinstance(data, dict) else None
    return (
        {k: v for k, v in pages.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(pages, dict)
        else {}
    )


def build(repo: Repository, audience: str = "wide", out: Path | None = None) -> Built:
    """Build (or bring up to date) the site for ``audience`` in ``out`` or build/site."""
    if audience not in AUDIENCES:
        raise Refused(f"{audience!r} is not an audience", hint="Audiences: core, wide.")
    _require_minutes_as_agreed(repo)  # before anything is written, build/ too
    folder = _folder(repo, out)
    every, _ = repo.records(CASE, as_data=True)
    reader = named(repo, audience, every)
    old = _manifest(folder)
    # made beside the last good site and swapped in whole: an interruption leaves that one
    with staged_folder(folder) as staging:
        site = _Site(repo, reader, staging, old, folder)
        content = Content(repo, reader, every)
        content.pages(site)
        for name in ASSETS:
            site.asset(name)
        atomic_write(
            staging / MANIFEST,
            json.dumps({"audience": audience, "pages": site.written}, indent=0),
            durable=False,
        )
        removed = sum(1 for relpath in old if relpath not in site.written and relpath in site.existing)
    sensitive = content.sensitive_shown or site.sensitive_pages > 0
    marking = "OFFICIAL-SENSITIVE" if sensitive else "OFFICIAL"
    return Built(folder, audience, len(site.written), site.rendered, removed, content.withheld, marking)


def _require_minutes_as_agreed(repo: Repository) -> None:
    """Refused before any page is written when minutes differ from what was agreed (their
    page may be built already: it is not published again as agreed)."""
    from jatac.git.agreed import require_as_agreed

    for data in repo.records(MINUTES, as_data=True)[0]:
        require_as_agreed(repo, data, "published")


class Content:
    """What the site shows, worked out once from the records and shared by its pages."""

    def __init__(self, repo: Repository, reader: Audience, every: list[dict[str, Any]]) -> None:
        cfg = repo.config
        self.repo, self.reader, self.cfg = repo, reader, cfg
        self.today = today()
        self.iso = self.today.isoformat()
        self.cases = [d for d in every if not reader.withholds(d["id"])]
        self.withheld = len(every) - len(self.cases)
        # what an agenda counts of the withheld cases (how many are open), for its page's hash
        self.withheld_state = [
            (d["id"], d["status"], d["raised_on"]) for d in every if reader.withholds(d["id"])
        ]
        self.sensitive_shown = any(d["marking"] != "OFFICIAL" for d in self.cases)
        self.by_id = {d["id"]: d for d in self.cases}
        packages, _ = repo.records(SARA, as_data=True)
        self.packages = {p["case"]: p for p in packages if p["case"] in self.by_id}
        self.agency = {a.id: a.name for a in cfg.agencies}
        self.locality = {loc.id: loc.name for loc in cfg.localities}
        self.category = {c.id: c.name for c in cfg.categories}
        self.level = {e.id: e.name for e in cfg.escalation}
        self.actions = self._actions()
        self.actions_of: dict[str, list[dict[str, Any]]] = {}
        self.open_by_owner: dict[str, list[dict[str, Any]]] = {}
        for row in self.actions:
            self.actions_of.setdefault(row["case"], []).append(row)
            if row["case_open"] and row["status"] == "open":
                self.open_by_owner.setdefault(row["owner"], []).append(row)
        self.leads: dict[str, list[dict[str, Any]]] = {}
        for d in self.cases:
            if d["lead"] and d["status"] in OPEN_VALUES:
                self.leads.setdefault(d["lead"], []).append(
                    {"id": d["id"], "title": d["title"], "status": d["status"], "priority": d["priority"]}
                )

    def _actions(self) -> list[dict[str, Any]]:
        """Every action of a case this audience sees: the open ones as the one action log has
        them (jatac/cases/action_log.py: in its order, overdue counted to today), then the rest."""
        from jatac.cases.action_log import AsAt, action_log, from_data

        log = action_log(from_data(self.by_id, self.packages.values()), self.cfg.agencies, AsAt(self.today))
        self.counted_to = log.counted_to
        rows = [{**vars(r), "due": r.due.isoformat(), "case_open": True} for r in log.rows()]
        logged = {r["ref"] for r in rows}
        rest = []
        for case_id, package in self.packages.items():
            case = self.by_id[case_id]
            for a in package["response"]["actions"]:
                ref = f"{case_id}/{a['id']}"
                if ref in logged:
                    continue
                rest.append(
                    {
                        "ref": ref,
                        "number": int(a["id"][1:]),
                        "case": case_id,
                        "case_title": case["title"],
                        "case_open": case["status"] in OPEN_VALUES,
                        "what": a["what"],
                        "owner": a["owner"],
                        "owner_name": self.agency.get(a["owner"], a["owner"]),
                        "due": a["due"],
                        "status": a["status"],
                        "overdue": False,  # finished, or of a closed case: no longer chased
                        "days_overdue": 0,
                        "last_update": a["updates"][-1]["note"] if a["updates"] else "",
                    }
                )
        rest.sort(key=lambda r: (r["case"], r["number"]))
        return rows + rest

    # -- the pages ------------------------------------------------------------------------

    def pages(self, site: _Site) -> None:
        for case in self.cases:
            self.case_page(site, case)
        meetings = self.meetings(site)  # after the cases: an agenda is made again only if one changed
        self.home(site, meetings)
        for agency in self.cfg.agencies:
            self.agency_page(site, agency)
        site.page(
            "agencies/index.html",
            "site/agencies.html.j2",
            self.common(
                "agencies",
                {
                    "agencies": [
                        {"id": a.id, "name": a.name, "open": self._open_actions(a.id)}
                        for a in self.cfg.agencies
                    ]
                },
            ),
        )
        rows = [
            {
                "id": d["id"],
                "title": d["title"],
                "status": d["status"],
                "locality": self.locality.get(d["location"], d["location"]),
                "raised_on": d["raised_on"],
            }
            for d in sorted(self.cases, key=lambda d: d["id"], reverse=True)
        ]
        site.page("cases/index.html", "site/cases.html.j2", self.common("cases", {"cases": rows}))
        self.performance(site)
        site.page("search.html", "site/search.html.j2", self.common("search", {}))
        # the index holds what the case pages show: made again when one of them changed
        key = _digest([site.stamp, self.case_keys(site)])
        site.written["search-index.js"] = key
        if not site.fresh("search-index.js", key):
            site.write("search-index.js", search_index(self.reader, self.cases, self.locality, self.category))

    def case_keys(self, site: _Site) -> list[str | None]:
        """The hashes of the case pages (each holds its case and its package), once built."""
        return [site.written.get(f"cases/{d['id']}.html") for d in self.cases]

    def common(self, section: str, context: dict[str, Any]) -> dict[str, Any]:
        """What every page shows around its own content."""
        return {
            "partnership": self.cfg.name,
            "section": section,
            "generated_on": self.iso,
            "withheld": self.withheld,
            **context,
        }

    def _open_actions(self, agency_id: str) -> dict[str, int]:
        mine = self.open_by_owner.get(agency_id, [])
        return {"open": len(mine), "overdue": sum(1 for a in mine if a["overdue"])}

    def home(self, site: _Site, meetings: list[dict[str, Any]]) -> None:
        open_cases = [d for d in self.cases if d["status"] in OPEN_VALUES]
        year_ago = (self.today - timedelta(days=365)).isoformat()
        open_actions = [a for a in self.actions if a["case_open"] and a["status"] == "open"]
        counts = [
            ("Open cases", len(open_cases)),
            ("Proposed, awaiting a decision", sum(1 for d in open_cases if d["status"] == "proposed")),
            ("Adopted or escalated", sum(1 for d in open_cases if d["status"] in ("adopted", "escalated"))),
            (
                "Closed in the last 12 months",
                sum(1 for d in self.cases if (d["closed_on"] or "") >= year_ago),
            ),
            ("Open actions", len(open_actions)),
            ("Overdue actions", sum(1 for a in open_actions if a["overdue"])),
        ]
        coming = [m for m in meetings if m["date"] >= self.iso]
        nexts = []
        for group in self.cfg.groups:
            mine = [m for m in coming if m["group"] == group.id and not m["cancelled"]]
            nexts.extend(mine[:2])
        nexts.sort(key=lambda m: (m["date"], m["group"]))
        site.page(
            "index.html",
            "site/home.html.j2",
            self.common(
                "home",
                {
                    "meetings": nexts,
                    "counts": counts,
                    "overdue": [a for a in open_actions if a["overdue"]],
                    "counted_to": self.counted_to,
                    "agencies": [{"id": a.id, "name": a.name} for a in self.cfg.agencies],
                },
            ),
        )

    def agency_page(self, site: _Site, agency: Any) -> None:
        from jatac.partnership.isp import status

        isp = status(self.cfg, agency, self.today)
        actions = self.open_by_owner.get(agency.id, [])
        leads = self.leads.get(agency.id, [])
        site.page(
            f"agencies/{agency.id}.html",
            "site/agency.html.j2",
            self.common(
                "agencies",
                {
                    "agency": {
                        "id": agency.id,
                        "name": agency.name,
                        "isp": isp.state,
                        "isp_signed": agency.isp_signed,
                        "isp_review": isp.review_by,
                        "members": [{"role": m.role, "groups": m.groups} for m in agency.members],
                    },
                    "actions": actions,
                    "overdue": sum(1 for a in actions if a["overdue"]),
                    "counted_to": self.counted_to,
                    "leads": leads,
                    "attendance": self.attendance.get(agency.id),
                    "attendance_since": (self.today - timedelta(days=365)).isoformat(),
                },
            ),
        )

    @property
    def attendance(self) -> dict[str, dict[str, Any]]:
        if not hasattr(self, "_attendance"):
            from jatac.partnership.reports import attendance

            rows, _ = attendance(self.repo, self.today - timedelta(days=365), self.today)
            self._attendance = {r["agency"]: r for r in rows}
        return self._attendance

    def case_page(self, site: _Site, case: dict[str, Any]) -> None:
        package = self.packages.get(case["id"])
        actions = self.actions_of.get(case["id"], [])
        context = self.common(
            "cases",
            {
                # what the page shows, not the whole record: every text given to a page is
                # redacted and searched for a sensitive case, and there are 10,000 pages
                "case": {k: case[k] for k in SHOWN},
                "people": [p["ref"] for p in case["people"]] if not self.reader.wide else [],
                "names": {
                    "status": STATUS_WORDS.get(case["status"], case["status"]),
                    "category": self.category.get(case["category"], case["category"]),
                    "location": self.locality.get(case["location"], case["location"]),
                    "raised_by": self.agency.get(case["raised_by"], case["raised_by"]),
                    "lead": self.agency.get(case["lead"], case["lead"]) if case["lead"] else None,
                },
                "package": _package_view(package) if package else None,
                "actions": actions,
                # said only where an action is open: other pages need not change every day
                "counted_to": self.counted_to
                if any(a["case_open"] and a["status"] == "open" for a in actions)
                else "",
                "history": self.history(case),
            },
        )

        def finish() -> None:
            if package is not None:
                from jatac.models.sara import SaraPackage

                model = SaraPackage.model_validate(package)  # checked when it was indexed
                context["stage"] = model.stage.value
                context["gaps"] = model.gaps()

        context.setdefault("stage", None)
        context.setdefault("gaps", {})
        site.page(f"cases/{case['id']}.html", "site/case.html.j2", context, finish, source=[case, package])

    def history(self, case: dict[str, Any]) -> list[dict[str, str]]:
        """The case's story in words, from its dated record (not git: a clone without history
        tells the same story)."""
        said: list[tuple[str, str]] = [
            (case["raised_on"], f"Raised by {self.agency.get(case['raised_by'], case['raised_by'])}.")
        ]
        for change in case["changes"]:
            name, before, after = change["field"], change.get("from"), change.get("to")
            shown = {"lead": self.agency, "location": self.locality, "category": self.category}.get(name, {})
            before_s, after_s = shown.get(before, before), shown.get(after, after)
            if name == "status" and after:
                said.append((change["on"], f"Became {STATUS_WORDS.get(after, after)}."))
            elif after is None:
                said.append((change["on"], f"{name.capitalize()} {before_s} removed."))
            elif before is None:
                said.append((change["on"], f"{name.capitalize()} set to {after_s}."))
            else:
                said.append((change["on"], f"{name.capitalize()} changed from {before_s} to {after_s}."))
        if not any(c["field"] == "status" for c in case["changes"]):
            for field, words in (("adopted_on", "Adopted by the group."), ("closed_on", "Closed.")):
                if case[field]:
                    said.append((case[field], words))
        for review in case["reviews"]:
            said.append((review["on"], f"Reviewed: {review['note']}"))
        for step in case["escalations"]:
            said.append(
                (step["on"], f"Escalated to {self.level.get(step['to'], step['to'])}: {step['reason']}")
            )
        said.sort(key=lambda pair: pair[0])
        return [{"on": on, "what": what} for on, what in said]

    # -- meetings -------------------------------------------------------------------------

    def meetings(self, site: _Site) -> list[dict[str, Any]]:
        """A page per meeting (files, and the schedule's next three of each group); the agenda
        of each group's next meeting and every recorded minutes as pages of their own."""
        from jatac.meetings.files import Planned, meeting_files, upcoming

        files = meeting_files(self.repo)
        found: dict[str, Planned] = {}
        for meeting in files.values():
            group = self.cfg.group_by_id.get(meeting.group)
            if group is not None:
                found[meeting.id] = Planned(group, meeting.date, meeting)
        for planned in upcoming(self.repo, self.today, 3):
            found.setdefault(planned.id, planned)
        minutes_ids = set(self.repo.placed_ids(MINUTES))
        next_of_group: dict[str, str] = {}
        for planned in sorted(found.values(), key=lambda p: p.day):
            if planned.day >= self.today and not planned.cancelled:
                next_of_group.setdefault(planned.group.id, planned.id)
        rows = []
        for planned in sorted(found.values(), key=lambda p: (p.day, p.group.id), reverse=True):
            row = self.meeting_page(
                site, planned, planned.id in minutes_ids, planned.id in next_of_group.values()
            )
            if row is not None:
                rows.append(row)
        site.page("meetings/index.html", "site/meetings.html.j2", self.common("meetings", {"meetings": rows}))
        return sorted(rows, key=lambda r: (r["date"], r["group"]))

    def meeting_page(
        self, site: _Site, planned: Planned, has_minutes: bool, is_next: bool
    ) -> dict[str, Any] | None:
        record = planned.record
        # a partner's item about a withheld case is left out (and counted), as on the agenda
        items = [
            {
                "title": i.title,
                "by": self.agency.get(i.by, i.by),
                "kind": i.kind.value,
                "late": i.late,
                "case": i.case if i.case in self.by_id else None,
            }
            for i in (record.items if record else [])
            if not self.reader.withholds(i.case)
        ]
        withheld_items = len(record.items) - len(items) if record else 0
        agenda = minutes = None
        if is_next:
            agenda = self.agenda_document(site, planned)
        minutes_withheld, minutes_state = False, ""
        if has_minutes:
            minutes, minutes_withheld, minutes_state = self.minutes_document(site, planned)
        row = {
            "id": planned.id,
            "date": planned.day.isoformat(),
            "group": planned.group.id,
            "group_name": planned.group.name,
            "time": planned.time,
            "venue": planned.venue,
            "chair": planned.chair,
            "cancelled": planned.cancelled,
            "moved_from": planned.moved_from,
            "why": planned.why,
            "state": "cancelled" if planned.cancelled else (record.status.value if record else "planned"),
            "send_by": planned.send_by.isoformat(),
            "items_due": planned.items_due.isoformat(),
            "items": items,
            "withheld_items": withheld_items,
            "agenda": agenda,
            "minutes": minutes,
            "minutes_withheld": minutes_withheld,
            "minutes_state": minutes_state,
            "pdfs": self.pdfs(site, planned),
        }
        site.page(
            f"meetings/{planned.id}.html", "site/meeting.html.j2", self.common("meetings", {"meeting": row})
        )
        return {
            k: row[k]
            for k in (
                "id",
                "date",
                "group",
                "group_name",
                "time",
                "venue",
                "cancelled",
                "state",
                "send_by",
                "items_due",
            )
        }

    def agenda_document(self, site: _Site, planned: Planned) -> str:
        """The meeting's agenda as this audience may see it, as a page of the site (the same
        template and context as `jatac agenda --format html`)."""
        from jatac.meetings.agenda import build as agenda
        from jatac.meetings.agenda import template_for

        name = f"meetings/{planned.id}-agenda.html"
        template = f"{template_for(planned)}.html.j2"
        # everything the agenda reads: the cases (their pages' hashes hold each case and its
        # package), what it counts of the withheld ones, the meetings, the fund, jatac.yaml, today
        key = _digest(
            [
                site.stamp,
                name,
                self.iso,
                site._source(template),
                site._source("_base.html.j2"),
                self.case_keys(site),
                self.withheld_state,
                self.settings,
            ]
        )
        site.written[name] = key
        if not site.fresh(name, key):
            context = agenda(self.repo, planned, self.reader.name).as_template()
            site.write(name, site.render_prepared(template, context))
        return os.path.basename(name)

    @property
    def settings(self) -> list[Any]:
        """jatac.yaml, the meetings and the fund ledgers as they are: what agendas and minutes
        read besides the cases."""
        if not hasattr(self, "_settings"):
            from jatac.storage.fs import inside

            files = [inside(self.repo.root, "jatac.yaml", "settings file")]
            for kind in ("meeting", "fund"):
                files += self.repo.files(KINDS[kind])
            self._settings = [_digest(path.read_bytes().decode("utf-8", "replace")) for path in files]
        return self._settings

    def minutes_document(self, site: _Site, planned: Planned) -> tuple[str | None, bool, str]:
        """The minutes as a page, whether they were withheld, and their state in words (a
        draft, agreed at a later meeting ...); for the wide audience, only minutes marked
        OFFICIAL, redacted."""
        from jatac.meetings.minutes import render_context

        record = self.repo.record(MINUTES, planned.id)
        state = record.state.value + (
            f", agreed at the meeting of {record.agreed_at}" if record.agreed_at else ""
        )
        if self.reader.wide and record.marking.value != "OFFICIAL":
            return None, True, state
        name = f"meetings/{planned.id}-minutes.html"
        key = _digest(
            [site.stamp, name, record.model_dump(mode="json"), site._source("minutes.html.j2"), self.settings]
        )
        site.written[name] = key
        if not site.fresh(name, key):
            context = render_context(self.repo, planned, record)
            context = self.reader.prepare(
                {k: v for k, v in context.items() if k not in ("audience", "marking")}
            )
            site.write(name, site.render_prepared("minutes.html.j2", context))
        return os.path.basename(name), False, state

    def pdfs(self, site: _Site, planned: Planned) -> list[str]:
        """The meeting's PDFs already made in build/, copied beside its page. The wide site takes
        only those made for the wide audience (``-wide``), never a core group's papers."""
        from jatac.render.documents import build_dir

        try:
            build = build_dir(self.repo)
        except Refused:
            return []
        shown = []
        for stem in ("agenda", "minutes"):
            for suffix in ("-wide",) if self.reader.wide else ("-wide", ""):
                source = build / f"{stem}-{planned.id}{suffix}.pdf"
                if source.is_file() and not source.is_symlink():
                    name = f"meetings/{source.name}"
                    site.write(name, source.read_bytes())
                    shown.append(source.name)
        return shown

    # -- charts ---------------------------------------------------------------------------

    def performance(self, site: _Site) -> None:
        """The trend charts: every case counts (a count names no case), as in the agenda's trends."""
        from jatac.meetings.agenda import trends

        every = [*self.cases]
        t = trends(every, self.today, self.cfg, quarters=8)
        by_agency: Counter[str] = Counter()
        overdue_by_agency: Counter[str] = Counter()
        for a in self.actions:
            if a["case_open"] and a["status"] == "open":
                by_agency[a["owner_name"]] += 1
                overdue_by_agency[a["owner_name"]] += a["overdue"]
        agencies = sorted(by_agency, key=lambda n: (-by_agency[n], n))
        site.page(
            "performance.html",
            "site/performance.html.j2",
            self.common(
                "performance",
                {
                    "t": t,
                    "trend_svg": site.chart(
                        charts.columns(
                            t.quarters,
                            {"Raised": t.raised, "Closed": t.closed},
                            "Cases raised and closed by quarter",
                        )
                    ),
                    "locality_svg": site.chart(
                        charts.bars(
                            [r["name"] for r in t.by_locality[:15]],
                            [r["total"] for r in t.by_locality[:15]],
                            "Cases raised by locality",
                        )
                    ),
                    "agency_rows": [
                        {"name": n, "open": by_agency[n], "overdue": overdue_by_agency[n]} for n in agencies
                    ],
                },
            ),
        )


def _package_view(package: dict[str, Any]) -> dict[str, Any]:
    """What a case page shows of its SARA package (the action plan comes with the actions)."""
    return {
        "objective": package["objective"],
        "problem": package["scanning"]["problem"],
        "causes": package["analysis"]["causes"],
        "tactics": package["response"]["tactics"],
        "assessment": package["assessment"],
    }
