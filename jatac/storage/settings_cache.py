"""The few settings of jatac.yaml that listing cases needs, kept as plain data.

Checking jatac.yaml means loading pydantic and the models (a tenth of a second);
`list` needs only the partnership's name, the review intervals and the ids of its
localities, categories and agencies. They are kept in ``.jatac/index/settings.json``,
stamped like the index with the digest of jatac.yaml and the jatac version, and
written whenever jatac.yaml has been checked. The rules that use them (what a
locality takes in, what a name resolves to) are in ``jatac.models.places``.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from jatac.models.places import Place, locality_and_within, resolve_locality
from jatac.models.vocab import MAX_REVIEW_DAYS, Level

if TYPE_CHECKING:
    from jatac.models.config import PartnershipConfig
    from jatac.storage.repository import Repository


@dataclass(frozen=True)
class Settings:
    name: str
    review_days: dict[Level, int]
    places: list[Place]
    categories: list[str]
    agencies: list[str]

    def resolve_locality(self, text: str) -> str | None:
        return resolve_locality(self.places, text)

    def locality_and_within(self, locality_id: str) -> set[str]:
        return locality_and_within(self.places, locality_id)

    @classmethod
    def of(cls, config: PartnershipConfig) -> Settings:
        return cls(
            name=config.name,
            review_days=dict(config.review_days),
            places=config.places,
            categories=[c.id for c in config.categories],
            agencies=[a.id for a in config.agencies],
        )


def load(repo: Repository) -> Settings:
    """The settings, from the cache while jatac.yaml and jatac are as they were; else from
    jatac.yaml, checked (errors as for any command), and cached."""
    from jatac.storage import index
    from jatac.storage.lock import local_dir

    path = local_dir(repo.root, "index", "settings.json")
    stamp = index.stamp(repo)
    saved = index.read_stamped(repo.root, path, stamp) if index.enabled() else {}
    # {}, or of another shape (a bug of jatac's, or forged with this user's key): as if absent
    with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError, IndexError):
        found = Settings(
            name=saved["name"],
            review_days={Level(k): int(v) for k, v in saved["review_days"].items()},
            places=[(p[0], p[1], p[2]) for p in saved["places"]],
            categories=list(saved["categories"]),
            agencies=list(saved["agencies"]),
        )
        if _well_formed(found):
            return found
    settings = Settings.of(repo.config)
    if index.enabled():
        index.write_stamped(repo.root, path, stamp, asdict(settings))
    return settings


def _well_formed(settings: Settings) -> bool:
    def texts(values: list[Any]) -> bool:
        return all(isinstance(v, str) for v in values)

    return (
        isinstance(settings.name, str)
        and set(settings.review_days) == set(Level)
        and all(1 <= days <= MAX_REVIEW_DAYS for days in settings.review_days.values())
        and all(texts([p[0], p[1]]) and (p[2] is None or isinstance(p[2], str)) for p in settings.places)
        and texts(settings.categories)
        and texts(settings.agencies)
    )
