"""The Suggestions screen in one call: the day's ranked next best actions, and whether the
territory is still on its way (so an empty list can say why)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fieldrep.sync.service import SyncService

if TYPE_CHECKING:  # numpy and the scoring stack load with the first list
    from fieldrep.nba.model import Suggestion
    from fieldrep.nba.service import SuggestionService

DAILY_LIMIT = 40


def quiet_period_note(suggestions: SuggestionService, day: date) -> str:
    """Why the list is empty when a quiet period covers `day` (the company's contact
    rules, or the built-in ones until it loads its own: docs/admin.md); else ""."""
    for period in suggestions.config.quiet_periods:
        if period.covers(day):
            end = period.end
            return f"Quiet period ({period.label}) until {end.day} {end:%b}: no suggestions."
    return ""


@dataclass(frozen=True, slots=True)
class SuggestionList:
    day: date
    suggestions: tuple[Suggestion, ...]  # best first
    waiting: bool  # signed in, first sync not done: nothing to suggest from yet
    quiet_note: str = ""  # a quiet period covers the day: why the list is empty


class SuggestionsScreen:
    def __init__(self, suggestions: Callable[[], SuggestionService], sync: SyncService) -> None:
        self._suggestions = suggestions
        self._sync = sync

    def daily(self, day: date, limit: int = DAILY_LIMIT) -> SuggestionList:
        service = self._suggestions()
        rows = service.daily_list(limit=limit, today=day)
        return SuggestionList(
            day, tuple(rows), self._sync.awaiting_first_sync(), quiet_period_note(service, day)
        )
