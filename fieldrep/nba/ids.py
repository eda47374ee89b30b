"""Suggestion ids: readable, stable for (HCP, channel, message, due date, data date).

An id can be turned back into what it names, so `fieldrep feedback ID` works offline
without a table of issued suggestions, and the same advice on the same data keeps the
same id (feedback on it stays attached).
"""

from __future__ import annotations

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


def suggestion_id(key: SuggestionKey) -> str:
    return SEPARATOR.join(
        [
            key.hcp_id,
            key.channel.value,
            key.message_id or NO_MESSAGE,
            key.due.isoformat(),
            key.data_as_of.isoformat(),
        ]
    )


def parse_suggestion_id(value: str) -> SuggestionKey:
    parts = value.strip().rsplit(SEPARATOR, 4)
    try:
        hcp_id, channel, message, due, data = parts
        return SuggestionKey(
            hcp_id=hcp_id,
            channel=Channel(channel),
            message_id=None if message == NO_MESSAGE else message,
            due=date.fromisoformat(due),
            data_as_of=date.fromisoformat(data),
        )
    except ValueError:
        raise ValidationError(
            f"'{value}' is not a suggestion id; copy one from 'fieldrep suggest --json'."
        ) from None
