"""Where the rep has been, for Back (Alt+Left): the pages and the HCPs opened, in order.

Back works like a browser's: from an HCP it returns to the list it was opened from, and
from a page reached by the menu or the sidebar it returns to the page before, HCPs
included. Nothing here needs Qt.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    page: int
    hcp_id: str | None = None  # on the HCP page: which HCP


class PageHistory:
    """A bounded stack of the locations left behind."""

    def __init__(self, limit: int = 50) -> None:
        self._limit = limit
        self._stack: list[Location] = []

    def leave(self, here: Location, to: Location) -> None:
        """The rep goes from `here` to `to` (nothing is kept when that is no move)."""
        if here == to or (self._stack and self._stack[-1] == here):
            return
        self._stack.append(here)
        del self._stack[: -self._limit]

    def back(self, here: Location) -> Location | None:
        """The last location that is not `here`, taken off the stack (None: none)."""
        while self._stack:
            location = self._stack.pop()
            if location != here:
                return location
        return None
