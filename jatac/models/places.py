"""Localities and what they take in: the rules that resolve a name a person types to a
locality id, used by the partnership's model and by the settings cache alike (plain data,
no pydantic: listing cases uses them without loading the models).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Place = tuple[str, str, str | None]  # locality id, name, the locality it is within


def resolve_locality(places: Sequence[Place], text: str) -> str | None:
    """A locality id from its id or its name (any case); None if unknown."""
    if any(place[0] == text for place in places):
        return text
    folded = text.strip().casefold()
    for locality_id, name, _ in places:
        if name.casefold() == folded or locality_id == folded:
            return locality_id
    return None


def locality_and_within(places: Iterable[Place], locality_id: str) -> set[str]:
    """A locality and every estate or area inside it (a ward takes in its estates)."""
    places = list(places)
    found = {locality_id}
    grew = True
    while grew:
        inner = {place[0] for place in places if place[2] in found}
        grew = not inner <= found
        found |= inner
    return found
