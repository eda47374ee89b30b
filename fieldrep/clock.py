"""The one clock of the app and of the server.

Every question about "now" goes through a `Clock`: stored instants are UTC, calendar
questions (today, this week, overdue) are answered in the user's time zone. Nothing
else in the code reads the wall clock (a test greps for it), so a test, a demo or a
support session can pin the date for the whole process tree:

- `FIELDREP_NOW`: an ISO instant with an offset ("2026-12-31T09:00:00-05:00") the
  clock starts from; it keeps running from there, so timeouts and throttles still work.
- `FIELDREP_NOW_SET_AT`: the wall-clock epoch seconds at which that pin was set. Every
  process given the same pair agrees on the time to the millisecond, however late it
  starts (a sync server started by a test, a CLI subprocess).
- `TZ` (the POSIX variable, an IANA name such as "Europe/Berlin"): the user's zone
  for calendar questions; without it, the system's zone. Using the standard variable
  keeps the clock and Python's own local-time conversions in agreement.

This module is the only one that may call `datetime.now()` / `date.today()` and
imports nothing of the app, so the server can share it with the client.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NOW_ENV = "FIELDREP_NOW"
NOW_SET_AT_ENV = "FIELDREP_NOW_SET_AT"

InstantSource = Callable[[], datetime]


def wall_clock() -> datetime:
    """The machine's clock, as an aware UTC instant."""
    return datetime.now(UTC)


def system_zone() -> tzinfo:
    """The user's zone as a DST-aware IANA zone (not a fixed offset): `TZ` when it names
    one, else what the operating system is set to."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a POSIX rule string such as "EST5EDT,M3.2.0,M11.1.0": ask the system
    import tzlocal  # kept lazy: it reads system files the first time

    return tzlocal.get_localzone()


def _pinned_source(value: str) -> InstantSource:
    try:
        pinned = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{NOW_ENV}={value!r} is not an ISO date and time") from exc
    if pinned.tzinfo is None:
        raise ValueError(f"{NOW_ENV}={value!r} needs a UTC offset, e.g. 2026-12-31T09:00:00+01:00")
    # Anchored once per process tree: the first clock records when the pin took effect,
    # and the processes it starts inherit that, so all of them tell the same time.
    set_at = float(os.environ.setdefault(NOW_SET_AT_ENV, repr(time.time())))
    pinned_utc = pinned.astimezone(UTC)

    def source() -> datetime:
        return pinned_utc + timedelta(seconds=time.time() - set_at)

    return source


class Clock:
    """Now as a UTC instant, and today as the user's calendar sees it.

    Immutable and thread-safe; hand the same one to every service of a workspace.
    """

    def __init__(self, source: InstantSource = wall_clock, tz: tzinfo | None = None) -> None:
        self._source = source
        self.tz: tzinfo = tz if tz is not None else UTC

    @classmethod
    def system(cls) -> Clock:
        """The machine's clock in the user's zone, unless the environment pins it."""
        pinned = os.environ.get(NOW_ENV)
        source = _pinned_source(pinned) if pinned else wall_clock
        return cls(source, system_zone())

    @classmethod
    def frozen(cls, at: datetime, tz: tzinfo | None = None) -> Clock:
        """A clock stopped at `at` (aware), for tests that compare exact instants."""
        if at.tzinfo is None:
            raise ValueError("a frozen clock needs an aware datetime")
        instant = at.astimezone(UTC)
        return cls(lambda: instant, tz if tz is not None else at.tzinfo)

    def now(self) -> datetime:
        """The current instant in UTC: what gets stored."""
        return self._source().astimezone(UTC)

    def local_now(self) -> datetime:
        """The current time on the user's wall, aware of its zone."""
        return self._source().astimezone(self.tz)

    def today(self) -> date:
        """The user's calendar date."""
        return self.local_now().date()

    def local(self, instant: datetime) -> datetime:
        """An instant as the user's wall shows it (a naive value is already wall time)."""
        if instant.tzinfo is None:
            return instant.replace(tzinfo=self.tz)
        return instant.astimezone(self.tz)

    def at(self, day: date, wall: dt.time) -> datetime:
        """The instant the rep means by `wall` on `day`: a time the clocks skip (02:30
        when they spring forward) is the instant it would have been, shown as 03:30."""
        naive = datetime.combine(day, wall)
        return naive.replace(tzinfo=self.tz).astimezone(UTC).astimezone(self.tz)

    def real_wall_time(self, day: date, wall: dt.time) -> dt.time:
        """`wall` if it exists on `day` in the rep's zone, else the time it really is."""
        return self.at(day, wall).time().replace(tzinfo=None)

    def epoch(self) -> float:
        """Seconds since the epoch, for file names and other wall-clock stamps."""
        return self.now().timestamp()
