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
from fieldrep.services.contact_rules import contact_refusal
from fieldrep.services.hcps import HcpService

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
    def __init__(self, hcps: HcpService, suggestions: Callable[[], SuggestionService]) -> None:
        self._hcps = hcps
        self._suggestions = suggestions

    def check(self, hcp_id: str, channel: Channel, day: date | None = None) -> ContactCheck:
        """The rules a contact with `hcp_id` by `channel` on `day` (today) runs into."""
        refusal = contact_refusal(self._hcps.get(hcp_id), channel)
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
