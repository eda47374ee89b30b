"""The server's one clock (the shared `fieldrep.clock.Clock`).

Services ask `utcnow()` for stored instants and `today()` for calendar dates (the demo
seed). The clock follows `FIELDREP_NOW` / `FIELDREP_TZ` like the client's, so a test
that pins the date pins the server it starts too; `use_clock` swaps it in-process.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fieldrep.clock import Clock

_clock: Clock | None = None


def server_clock() -> Clock:
    global _clock
    if _clock is None:
        _clock = Clock.system()
    return _clock


def use_clock(clock: Clock | None) -> None:
    """Replace the clock (None: back to the system's); for in-process tests and tools."""
    global _clock
    _clock = clock


def utcnow() -> datetime:
    return server_clock().now()


def today() -> date:
    return server_clock().today()


def as_utc(value: datetime) -> datetime:
    """An instant in UTC. SQLite keeps no offset (everything the server stores is UTC, read
    back naive); PostgreSQL and ISO text with an offset are converted."""
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
