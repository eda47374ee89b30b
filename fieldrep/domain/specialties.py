"""Matching an HCP's specialty, as master data spells it, to the catalogue's specialties.

Real files say "Allopathic & Osteopathic Physicians/Internal Medicine/Cardiovascular
Disease" or "CARDIOLOGY" where the approved messages say "Cardiology". The admin's
specialty map (server data) names the catalogue specialty for a source value; without an
entry, the value itself and each part of a taxonomy path are compared without case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def fold(value: str) -> str:
    return " ".join(value.casefold().replace("&", " and ").split())


def catalogue_names(raw: str, specialty_map: Mapping[str, str]) -> frozenset[str]:
    """The folded catalogue specialties an HCP with specialty `raw` counts as.
    `specialty_map` is keyed by folded source value."""
    mapped = specialty_map.get(fold(raw))
    if mapped is not None:
        return frozenset({fold(mapped)})
    parts = [p for p in raw.split("/") if p.strip()]
    return frozenset({fold(raw), *(fold(p) for p in parts)})


def fits(raw: str, specialties: Iterable[str], specialty_map: Mapping[str, str]) -> bool:
    """True when an HCP of specialty `raw` is one of `specialties` (a message's list)."""
    names = catalogue_names(raw, specialty_map)
    return any(fold(s) in names for s in specialties)
