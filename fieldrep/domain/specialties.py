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


def catalogue_names(
    raw: str, specialty_map: Mapping[str, str], known: frozenset[str] | None = None
) -> frozenset[str]:
    """The folded catalogue specialties an HCP with specialty `raw` counts as.

    `specialty_map` is keyed by folded source value. With `known` (the catalogue's
    specialties, folded) an unmapped taxonomy path counts as its most specific part the
    catalogue knows: ".../Internal Medicine/Nephrology" is Nephrology where the messages
    name Nephrology, and Internal Medicine only where they do not.
    """
    mapped = specialty_map.get(fold(raw))
    if mapped is not None:
        return frozenset({fold(mapped)})
    candidates = [fold(raw), *(fold(p) for p in reversed(raw.split("/")) if p.strip())]
    if known is None:
        return frozenset(candidates)
    return frozenset(next(([c] for c in candidates if c in known), []))


def fits(
    raw: str,
    specialties: Iterable[str],
    specialty_map: Mapping[str, str],
    known: frozenset[str] | None = None,
) -> bool:
    """True when an HCP of specialty `raw` is one of `specialties` (a message's list)."""
    names = catalogue_names(raw, specialty_map, known)
    return any(fold(s) in names for s in specialties)


def known_specialties(lists: Iterable[Iterable[str]]) -> frozenset[str]:
    """The folded specialties a catalogue names (each message's list)."""
    return frozenset(fold(s) for specialties in lists for s in specialties)
