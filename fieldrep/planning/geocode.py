"""Find the rep's start point offline: typed coordinates, or an address matched against
the territory's own HCP addresses (street address, then postcode, then city).

No geocoding service is asked: the device knows where every HCP in the territory is,
and a rep's home or office is nearly always in a street, postcode or town they visit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from fieldrep.domain.errors import ValidationError
from fieldrep.domain.hcp import Hcp

_COORDS = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True, slots=True)
class Place:
    latitude: float
    longitude: float
    how: str  # what matched, in words: "coordinates", "address of …", "postcode 02139"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _centre(hcps: list[Hcp]) -> tuple[float, float]:
    lats = [h.latitude for h in hcps if h.latitude is not None]
    lons = [h.longitude for h in hcps if h.longitude is not None]
    return sum(lats) / len(lats), sum(lons) / len(lons)


def locate(text: str, hcps: Iterable[Hcp]) -> Place:
    """Where `text` is: "42.36, -71.06", or a street address, postcode or city known
    from the territory. Raises ValidationError saying what to type when nothing matches."""
    match = _COORDS.match(text)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return Place(lat, lon, "coordinates")
    wanted = _fold(text)
    if not wanted:
        raise ValidationError("Type an address, a postcode, a town or coordinates.")
    located = [h for h in hcps if h.latitude is not None and h.longitude is not None]
    for h in located:  # a street address the territory knows
        if h.address and _fold(h.address) and _fold(h.address) in wanted:
            return Place(*_centre([h]), f"the address of {h.organisation or h.display_name}")
    words = set(wanted.split())
    by_postcode = [h for h in located if h.postcode and _fold(h.postcode) in words]
    if by_postcode:
        return Place(*_centre(by_postcode), f"postcode {by_postcode[0].postcode}")
    by_city = [h for h in located if h.city and _fold(h.city) in wanted]
    if by_city:
        longest = max(len(h.city) for h in by_city)  # "North Andover" before "Andover"
        best = [h for h in by_city if len(h.city) == longest]
        return Place(*_centre(best), f"the centre of {best[0].city}")
    raise ValidationError(
        f"'{text.strip()}' is not a street, postcode or town in your territory. Type one "
        "that is (the nearest town will do) or coordinates such as 42.36, -71.06."
    )
