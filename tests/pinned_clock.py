"""The date every test runs at: the app's clock as tests/conftest.py pinned it.

Tests ask these instead of the machine (`date.today()` would disagree with the app
whenever the machine's date is not the pinned one).
"""

from __future__ import annotations

from datetime import date, datetime

from fieldrep.clock import Clock


def test_clock() -> Clock:
    return Clock.system()


def today() -> date:
    return Clock.system().today()


def local_now() -> datetime:
    return Clock.system().local_now()
