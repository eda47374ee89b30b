"""Week arithmetic for the planner: Monday-based weeks, working days, time slots."""

from __future__ import annotations

from datetime import date, time, timedelta

from fieldrep.domain.workdays import WEEKEND_FROM, working_day_from

WORKDAY_START = time(8, 0)
WORKDAY_END = time(18, 0)
SLOT_MINUTES = 30


def week_start(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def planning_week(today: date) -> date:
    """The Monday of the week a rep plans on `today`: this week on a working day, the
    coming one on Saturday and Sunday (last week's days are all behind them by then)."""
    return week_start(working_day_from(today))


MONDAY_TO_FRIDAY = frozenset(range(WEEKEND_FROM))


def shown_days(
    monday: date, planned: set[date], today: date, working: frozenset[int] = MONDAY_TO_FRIDAY
) -> list[date]:
    """The days a week view shows: the rep's working days (`date.weekday()` numbers;
    Monday to Friday unless Settings say otherwise), and any other day when something is
    planned on it or it is today, so no visit is ever out of sight."""
    days = week_days(monday, days=7)
    return [d for d in days if d.weekday() in working or d in planned or d == today]


def week_days(day: date, *, days: int = 5) -> list[date]:
    """The working days (Monday first) of the week holding `day`."""
    monday = week_start(day)
    return [monday + timedelta(days=i) for i in range(days)]


def day_slots(start: time = WORKDAY_START, end: time = WORKDAY_END) -> list[time]:
    """The half-hour slots a visit can start in, from `start` up to (not including) `end`."""
    slots = []
    minutes = start.hour * 60 + start.minute
    last = end.hour * 60 + end.minute
    while minutes < last:
        slots.append(time(minutes // 60, minutes % 60))
        minutes += SLOT_MINUTES
    return slots


def next_free_slot(taken: list[time | None], duration_minutes: int = 30) -> time:
    """The first slot after the day's last timed visit (the day's start when none)."""
    timed = sorted(t for t in taken if t is not None)
    if not timed:
        return WORKDAY_START
    last = timed[-1]
    minutes = last.hour * 60 + last.minute + max(duration_minutes, SLOT_MINUTES)
    minutes = min(minutes, WORKDAY_END.hour * 60 - SLOT_MINUTES)
    return time(minutes // 60, minutes % 60)


def week_label(day: date, last: date | None = None) -> str:
    """ "Week 53: 28 Dec – 01 Jan 2027": the ISO week number, Monday to `last` (Friday)."""
    monday = week_start(day)
    last = last or monday + timedelta(days=4)
    return f"Week {monday.isocalendar().week}: {monday:%d %b} – {last:%d %b %Y}"
