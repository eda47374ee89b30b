"""The contact rules a call or a planned visit runs into, in the words the HCP page's
Next best action panel uses, for the call log and the plan dialog to show under the
channel before the rep commits (docs/compliance.md, "Contact rules").

The sentences come from the engine's own rules (`fieldrep.nba.rules`, through
`SuggestionService.blocked_for_hcp`), so the panel, the call log and the planner cannot
disagree; what is refused outright (do-not-contact, a withdrawn consent) comes from
`fieldrep.services.contact_rules`, the check `CallService` and `PlanService` enforce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fieldrep.domain.enums import Channel
from fieldrep.services.calls import NO_HCP_RECORD
from fieldrep.services.contact_rules import contact_refusal
from fieldrep.services.note_subjects import NoteSubjects

if TYPE_CHECKING:
    from fieldrep.nba.service import SuggestionService

# Rules about contacting the HCP at all. Left out: a snooze or hold and "already
# planned" (the rep's own bookkeeping: the plan being done *is* the call), and "no
# approved message" (the call log offers approved messages only).
CONTACT_RULES = frozenset(
    {"do_not_contact", "consent", "quiet_period", "monthly_cap", "channel_monthly_cap", "min_gap"}
)


@dataclass(frozen=True, slots=True)
class ContactCheck:
    refusal: str | None  # why it will not be submitted / planned; None: it may be
    warnings: tuple[str, ...]  # rules it runs into; the rep decides

    @property
    def sentences(self) -> tuple[str, ...]:
        return ((self.refusal,) if self.refusal else ()) + self.warnings


class ContactRules:
    def __init__(
        self, subjects: NoteSubjects, suggestions: Callable[[], SuggestionService]
    ) -> None:
        self._subjects = subjects
        self._suggestions = suggestions

    def check(self, hcp_id: str, channel: Channel, day: date | None = None) -> ContactCheck:
        """The rules a contact with `hcp_id` by `channel` on `day` (today) runs into.

        An HCP realigned out of the territory (a call note about it still open) is
        checked against its last known record; the engine's softer rules are no longer
        the rep's to follow. One this device never held cannot be checked: its refusal
        says so, as `CallService` does at submit."""
        subject = self._subjects.get(hcp_id)
        if subject is None:
            return ContactCheck(NO_HCP_RECORD.format(hcp_id=hcp_id), ())
        refusal = contact_refusal(subject.hcp, channel)
        if not subject.in_territory:
            return ContactCheck(refusal, ())
        blocks = self._suggestions().blocked_for_hcp(hcp_id, today=day)
        warnings: list[str] = []
        for block in blocks:
            if block.channel is not channel or block.rule not in CONTACT_RULES:
                continue
            if refusal is not None and block.rule in ("do_not_contact", "consent"):
                continue  # the refusal says it more precisely
            if block.explanation not in warnings:
                warnings.append(block.explanation)
        return ContactCheck(refusal, tuple(warnings))
