"""The start address is found offline among the territory's addresses; a day's legs."""

from __future__ import annotations

import pytest

from fieldrep.domain.errors import ValidationError
from fieldrep.domain.hcp import Hcp
from fieldrep.planning.day_route import ROAD_FACTOR, day_route
from fieldrep.planning.geocode import locate
from fieldrep.planning.route import distance_km
from fieldrep.planning.schedule import drive_minutes


def _hcp(i: int, address: str, postcode: str, city: str, *where: float) -> Hcp:
    lat, lon = where
    return Hcp(
        id=f"h{i}", external_id=f"e{i}", name=f"N {i}", specialty="Cardiology",
        organisation=f"Clinic {i}", city=city, territory_id="t", address=address,
        postcode=postcode, latitude=lat, longitude=lon,
    )  # fmt: skip


HCPS = [
    _hcp(1, "822 Highland Ave", "01852", "Lowell", 42.64, -71.31),
    _hcp(2, "12 Merrimack St", "01852", "Lowell", 42.66, -71.33),
    _hcp(3, "5 Main St", "01801", "Woburn", 42.48, -71.15),
    _hcp(4, "1 Elm St", "01845", "North Andover", 42.70, -71.13),
    _hcp(5, "2 Elm St", "01810", "Andover", 42.65, -71.14),
]


def test_coordinates_are_taken_as_typed() -> None:
    place = locate("42.36, -71.06", HCPS)
    assert (place.latitude, place.longitude, place.how) == (42.36, -71.06, "coordinates")


def test_a_known_street_address_wins_over_its_town() -> None:
    place = locate("822 Highland Ave, Lowell MA", HCPS)
    assert (place.latitude, place.longitude) == (42.64, -71.31)
    assert "Clinic 1" in place.how


def test_a_postcode_gives_the_centre_of_its_hcps() -> None:
    place = locate("my flat, 01852", HCPS)
    assert place.latitude == pytest.approx(42.65) and place.how == "postcode 01852"


def test_the_longest_town_name_wins() -> None:
    assert locate("North Andover", HCPS).latitude == pytest.approx(42.70)


def test_an_unknown_place_says_what_to_type() -> None:
    with pytest.raises(ValidationError, match="coordinates"):
        locate("Paris", HCPS)


def test_a_days_legs_start_at_the_start_and_skip_unlocated_stops() -> None:
    start, a, b = (42.60, -71.30), (42.64, -71.31), (42.48, -71.15)
    route = day_route([a, None, b], start)
    assert [(leg.from_index, leg.to_index) for leg in route.legs] == [(-1, 0), (0, 2)]
    assert route.legs[1].road_km == pytest.approx(distance_km(a, b) * ROAD_FACTOR)
    assert route.legs[1].minutes == drive_minutes(a, b)  # as the route's times are set
    assert route.summary().startswith("3 visits · ")
