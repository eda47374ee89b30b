"""Suggestion ids: readable, stable for (HCP, channel, message, due date, data date).

An id can be turned back into what it names, so `fieldrep feedback ID` works offline
without a table of issued suggestions, and the same advice on the same data keeps the
same id (feedback on it stays attached). It ends with the chance the engine gave it
(`~p412`: 0.412, before the picks' own correction): a call logged on the suggestion
carries the id, so the engine can later check what it said for its own picks against
how they went (`nba.calibration`). Ids without it (older ones) still parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from fieldrep.domain.enums import Channel
from fieldrep.domain.errors import ValidationError

SEPARATOR = "~"
NO_MESSAGE = "-"


@dataclass(frozen=True)
class SuggestionKey:
    hcp_id: str
    channel: Channel
    message_id: str | None
    due: date
    data_as_of: date
    chance: float | None = None  # the engine's chance for it (stage one, see nba.calibration)


CHANCE = re.compile(r"p(\d{3})")


def suggestion_id(key: SuggestionKey) -> str:
    parts = [
        key.hcp_id,
        key.channel.value,
        key.message_id or NO_MESSAGE,
        key.due.isoformat(),
        key.data_as_of.isoformat(),
    ]
    if key.chance is not None:
        parts.append(f"p{min(999, max(0, round(key.chance * 1000))):03d}")
    return SEPARATOR.join(parts)


def parse_suggestion_id(value: str) -> SuggestionKey:
    text = value.strip()
    chance = None
    head, _, last = text.rpartition(SEPARATOR)
    found = CHANCE.fullmatch(last)
    if found and head.count(SEPARATOR) >= 4:
        text, chance = head, int(found.group(1)) / 1000
    parts = text.rsplit(SEPARATOR, 4)
    try:
        hcp_id, channel, message, due, data = parts
        return SuggestionKey(
            hcp_id=hcp_id,
            channel=Channel(channel),
            message_id=None if message == NO_MESSAGE else message,
            due=date.fromisoformat(due),
            data_as_of=date.fromisoformat(data),
            chance=chance,
        )
    except ValueError:
        raise ValidationError(
            f"'{value}' is not a suggestion id; copy one from 'fieldrep suggest --json'."
        ) from None
