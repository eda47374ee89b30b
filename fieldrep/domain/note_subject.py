"""The HCP a call note is about, which may have left the rep's territory since."""

from __future__ import annotations

from dataclasses import dataclass

from fieldrep.domain.hcp import Hcp

# Said wherever a call note about an HCP realigned to another territory is shown.
NOT_IN_TERRITORY = "no longer in your territory"


@dataclass(frozen=True, slots=True)
class NoteSubject:
    """The HCP a call note is about, as this device knows it: in the territory, or the
    last known record of one realigned out of it (its notes stay; `store.former_hcps`)."""

    hcp: Hcp
    in_territory: bool

    @property
    def label(self) -> str:
        """The name, marked when the HCP has left the territory."""
        name = self.hcp.display_name
        return name if self.in_territory else f"{name} ({NOT_IN_TERRITORY})"
