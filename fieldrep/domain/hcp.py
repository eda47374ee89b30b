"""Healthcare professionals (HCPs): the people a rep calls on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fieldrep.domain.enums import Channel
from fieldrep.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Hcp:
    """One HCP as the rep's device knows it. Master data is server-owned."""

    id: str
    external_id: str
    name: str
    specialty: str
    organisation: str
    city: str
    territory_id: str
    title: str = ""
    npi: str | None = None
    address: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    tier: str = "C"
    decile: int = 5
    patient_volume: int = 0
    consents: dict[str, bool] = field(default_factory=dict)
    preferred_channel: Channel | None = None
    do_not_contact: bool = False
    version: int = 0
    # Other names the HCP is known by (maiden name, former or anglicised spelling):
    # searchable, never displayed as the name.
    alternate_names: tuple[str, ...] = ()

    def has_consent(self, channel: Channel) -> bool:
        """Visits need no opt-in; every other channel needs an explicit yes."""
        if self.do_not_contact:
            return False
        return self.consents.get(channel.value, channel is Channel.VISIT)

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.name}".strip()


TIERS = ("A", "B", "C", "D")


def validate_hcp(hcp: Hcp) -> None:
    """Refuse master data a rep could not work with."""
    if not hcp.id.strip():
        raise ValidationError("Every HCP needs an id.")
    if not hcp.name.strip():
        raise ValidationError(f"HCP {hcp.id} has no name.")
    if hcp.tier not in TIERS:
        raise ValidationError(f"HCP {hcp.id}: tier must be one of {', '.join(TIERS)}.")
    if not 1 <= hcp.decile <= 10:
        raise ValidationError(f"HCP {hcp.id}: decile must be between 1 and 10.")
    if hcp.npi is not None and not (hcp.npi.isdigit() and len(hcp.npi) == 10):
        raise ValidationError(f"HCP {hcp.id}: an NPI has exactly 10 digits.")
    if hcp.latitude is not None and not -90 <= hcp.latitude <= 90:
        raise ValidationError(f"HCP {hcp.id}: latitude must be between -90 and 90.")
    if hcp.longitude is not None and not -180 <= hcp.longitude <= 180:
        raise ValidationError(f"HCP {hcp.id}: longitude must be between -180 and 180.")
    for channel in hcp.consents:
        if channel not in Channel._value2member_map_:
            raise ValidationError(f"HCP {hcp.id}: unknown consent channel '{channel}'.")


# Read models of the HCP list and search (rows the screens show, built by HcpService).
@dataclass(frozen=True, slots=True)
class HcpSummary:
    """One row of the HCP list: what a rep scans, plus contact recency."""

    id: str
    name: str
    title: str
    specialty: str
    organisation: str
    city: str
    tier: str
    decile: int
    last_contact: str | None
    open_follow_ups: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result and what matched: "surname", "id or postcode", "notes" ..."""

    hcp: HcpSummary
    matched: str


# A title some companies' master data carries inside the name ("DR JANE DOE").
_LEADING_TITLES = re.compile(r"^(?:(?:dr|prof|professor|mr|mrs|ms|miss|mx)\.?\s+)+", re.IGNORECASE)


def sort_name(name: str) -> str:
    """The key HCP lists sort by: the name without its leading titles ("PROF DR"),
    ignoring case, so "DR ZOE ADAMS" sorts under Z beside "Zoe Baker", not under D."""
    return _LEADING_TITLES.sub("", name.strip()).casefold()


def postal_address(hcp: Hcp) -> str:
    """Street, then town and postcode ("12 MAIN ST, SALEM 01970"), as an envelope reads;
    a town the street line already ends with is not said twice."""
    town = " ".join(p for p in (hcp.city, hcp.postcode) if p)
    street = hcp.address.strip()
    if street and hcp.city and street.casefold().endswith(hcp.city.casefold()):
        town = hcp.postcode
    return ", ".join(p for p in (street, town) if p)
