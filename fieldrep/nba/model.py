"""What the next-best-action engine hands out: suggestions and the rules that blocked some."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldrep.domain.enums import Channel


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str  # stable for (hcp, channel, message, due date, data date); see nba.ids
    hcp_id: str
    hcp_name: str
    channel: Channel
    message_id: str | None
    message_title: str | None
    due: date
    expires: date
    score: float
    reasons: tuple[str, ...]  # plain language, most important first
    exploratory: bool
    data_as_of: date  # "based on data up to"


@dataclass(frozen=True, slots=True)
class RuleBlock:
    """A candidate (HCP, channel) a hard rule removed, shown to the rep with the reason."""

    hcp_id: str
    channel: Channel
    rule: str
    explanation: str
