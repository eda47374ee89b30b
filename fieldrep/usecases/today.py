"""Today's screen in one call: the day's visits in route order, the top suggestions,
follow-ups due, calls left in draft, and adverse-event reports still to send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from fieldrep.domain.calls import CallNote
from fieldrep.services.adverse_events import AdverseEventService, OpenReport
from fieldrep.services.calls import CallService
from fieldrep.services.hcps import HcpService
from fieldrep.services.note_subjects import NoteSubjects
from fieldrep.services.plans import PlanService
from fieldrep.usecases.planner import HCP_NOT_ON_DEVICE, PlannedVisit, visits_of
from fieldrep.usecases.suggestion_list import quiet_period_note

if TYPE_CHECKING:
    from fieldrep.nba.model import Suggestion
    from fieldrep.nba.service import SuggestionService

FOLLOW_UP_HORIZON_DAYS = 7
FOLLOW_UPS_SHOWN = 50
TOP_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    due: date
    hcp_id: str
    hcp_name: str
    description: str
    note_id: str
    index: int  # the follow-up's position in its note (calls.set_follow_up_done)
    # False: the HCP has left the territory (or was never on this device): opening the
    # follow-up opens its note, there is no HCP page to open.
    in_territory: bool = True


@dataclass(frozen=True, slots=True)
class DraftCall:
    note: CallNote
    hcp_name: str


@dataclass(frozen=True, slots=True)
class Agenda:
    day: date
    visits: tuple[PlannedVisit, ...]
    suggestions: tuple[Suggestion, ...]
    follow_ups: tuple[DueFollowUp, ...]  # due within the horizon or overdue, soonest first
    drafts: tuple[DraftCall, ...]  # newest first
    # Adverse-event reports not yet with Drug Safety (drafts, or sent but not synced).
    adverse_events: tuple[OpenReport, ...] = ()
    quiet_note: str = ""  # a quiet period covers the day: why there are no suggestions


class TodayScreen:
    def __init__(
        self,
        hcps: HcpService,
        plans: PlanService,
        calls: CallService,
        adverse_events: AdverseEventService,
        suggestions: Callable[[], SuggestionService],
        *,
        subjects: NoteSubjects,
    ) -> None:
        self._hcps = hcps
        self._subjects = subjects
        self._plans = plans
        self._calls = calls
        self._adverse_events = adverse_events
        self._suggestions = suggestions

    def agenda(self, day: date) -> Agenda:
        """Everything Today shows for `day` (the rep's date), HCP names looked up at once."""
        visits = visits_of(self._plans.for_day(day), self._hcps)
        service = self._suggestions()
        suggestions = service.daily_list(limit=TOP_SUGGESTIONS, today=day)
        due = self._calls.follow_ups_due(
            day + timedelta(days=FOLLOW_UP_HORIZON_DAYS), limit=FOLLOW_UPS_SHOWN
        )
        drafts = self._calls.drafts()
        # A note's HCP may have been realigned away: named from its last known record.
        subjects = self._subjects.of([f.hcp_id for f in due] + [n.hcp_id for n in drafts])

        def name(hcp_id: str) -> str:
            subject = subjects.get(hcp_id)
            return subject.label if subject is not None else HCP_NOT_ON_DEVICE

        def in_territory(hcp_id: str) -> bool:
            subject = subjects.get(hcp_id)
            return subject is not None and subject.in_territory

        return Agenda(
            quiet_note=quiet_period_note(service, day),
            day=day,
            visits=tuple(visits),
            suggestions=tuple(suggestions),
            follow_ups=tuple(
                DueFollowUp(
                    f.follow_up.due,
                    f.hcp_id,
                    name(f.hcp_id),
                    f.follow_up.description,
                    f.note_id,
                    f.index,
                    in_territory(f.hcp_id),
                )
                for f in due
            ),
            drafts=tuple(DraftCall(n, name(n.hcp_id)) for n in drafts),
            adverse_events=tuple(self._adverse_events.unsent()),
        )
