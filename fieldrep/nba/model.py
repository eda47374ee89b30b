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
    # The engine's chance that the action goes well (0-1), after calibration on the
    # rep's own outcomes; `score` is this times the HCP's value minus the channel's cost.
    chance: float = 0.0

    @property
    def chance_text(self) -> str:
        """The chance as a rep reads it: "about 1 in 3 such visits go well"."""
        return chance_in_words(self.chance, self.channel)


def chance_in_words(chance: float, channel: Channel) -> str:
    if chance <= 0:
        return ""
    plural = {
        Channel.VISIT: "visits", Channel.REMOTE: "remote calls", Channel.PHONE: "phone calls",
        Channel.EMAIL: "emails", Channel.EVENT: "invitations",
    }[channel]  # fmt: skip
    if chance >= 0.5:
        return f"about {round(chance * 10)} in 10 such {plural} go well"
    return f"about 1 in {max(2, round(1 / chance))} such {plural} go well"


@dataclass(frozen=True, slots=True)
class RuleBlock:
    """A candidate (HCP, channel) a hard rule removed, shown to the rep with the reason."""

    hcp_id: str
    channel: Channel
    rule: str
    explanation: str
