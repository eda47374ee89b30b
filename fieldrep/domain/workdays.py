"""The rep's working week: Monday to Friday. Weekend work (an event on a Saturday) can
still be planned; what the app proposes on its own lands on a working day."""

from __future__ import annotations

from datetime import date, timedelta

WEEKEND_FROM = 5  # date.weekday() of Saturday


def is_working_day(day: date) -> bool:
    return day.weekday() < WEEKEND_FROM


def working_day_from(day: date) -> date:
    """`day` itself on a working day, else the Monday after it."""
    return day if is_working_day(day) else day + timedelta(days=7 - day.weekday())
