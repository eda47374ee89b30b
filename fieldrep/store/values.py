"""Small conversions between domain values and what the store keeps."""

from __future__ import annotations

from datetime import date, datetime, time

import uuid6


def new_id() -> str:
    """A UUIDv7: time-ordered, so new rows cluster at the end of their index."""
    return str(uuid6.uuid7())


def dt_to_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.astimezone()  # naive means the device's local time
    return value.isoformat()


def text_to_dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def date_to_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def text_to_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def time_to_text(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def text_to_time(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)
