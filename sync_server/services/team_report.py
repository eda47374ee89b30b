"""The team report on the server: a manager's team's records as rows, handed to the
same code the desktop runs (`fieldrep.reports`), for `GET /reports/team` and
`fieldrep-server report team`.

Who may see what: a manager their own team (the reps whose manager they are), an admin
any manager's team; a rep nothing (Forbidden). Only submitted notes are read, never
drafts or conflict copies. Reads only, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fieldrep.reports.data import TeamData, team_data
from fieldrep.reports.team import TeamFilter, TeamReport, team_report
from sync_server.errors import Forbidden, Invalid
from sync_server.models import CallNote, Hcp, SegmentMix, SuggestionFeedback, User, VisitPlan
from sync_server.services import goals
from sync_server.services.callers import ADMIN, MANAGER, team_of

CONFIRMED_SOURCES = ("rep", "server")  # as on the device (`fieldrep.reports.local`)
MAX_DAYS = 3 * 366  # a longer period is refused rather than left to run for minutes


def manager_for(session: Session, *, username: str, role: str, manager: str | None) -> str:
    """Whose team the caller may see: a manager's own, an admin's choice."""
    if role == MANAGER:
        if manager not in (None, "", username):
            raise Forbidden("Managers see their own team's report only.")
        return username
    if role != ADMIN:
        raise Forbidden("Only managers (and admins) can see team reports.")
    if not manager:
        raise Invalid("Name the manager whose team to report on (manager=...).")
    user = session.get(User, manager)
    if user is None or user.role != MANAGER:
        raise Invalid(f"'{manager}' is not a manager on this server.")
    return manager


def _frame(session: Session, query: Select[Any]) -> pd.DataFrame:
    # Core, not ORM, rows; and the driver's tuples: pandas probes each Row object for
    # attributes, and the ORM's row processing costs about a second per 100,000 notes.
    result = session.connection().execute(query)
    names = list(result.keys())
    return pd.DataFrame(result.cursor.fetchall() if result.cursor else [], columns=names)


def _day(model: Any, name: str) -> Any:
    """The date an ISO date-time field carries (its first ten characters), as text."""
    return func.substr(model.data[name].as_string(), 1, 10).label(name)


def _fields(model: Any, *names: str) -> list[Any]:
    """JSON fields of a record's `data` as text columns, read by the database (a team's
    100,000 notes would cost seconds to decode whole in Python)."""
    return [model.data[name].as_string().label(name) for name in names]


def load_team_data(session: Session, team: Sequence[str]) -> TeamData:
    """The team's records as the report reads them (the same columns the device loads)."""
    members = goals.roster(session, team)
    territories = sorted({t for m in members for t in m.territories})
    hcps = _frame(session, select(
        Hcp.id, Hcp.territory_id, *_fields(Hcp, "name", "title", "tier"),
        Hcp.data["decile"].as_integer().label("decile"),
    ).where(Hcp.territory_id.in_(territories)))  # fmt: skip
    calls = _frame(session, select(
        CallNote.id, CallNote.author, CallNote.hcp_id, CallNote.status, CallNote.conflict_of,
        *_fields(CallNote, "channel", "outcome", "sentiment", "products"),
        _day(CallNote, "started_at"),
    ).where(
        CallNote.author.in_(team), CallNote.status == "submitted", CallNote.conflict_of.is_(None)
    ))  # fmt: skip
    plans = _frame(session, select(
        VisitPlan.id, VisitPlan.owner, VisitPlan.hcp_id,
        *_fields(VisitPlan, "planned_date", "channel", "status"),
    ).where(VisitPlan.owner.in_(team)))  # fmt: skip
    feedback = _frame(session, select(
        SuggestionFeedback.id, SuggestionFeedback.owner, SuggestionFeedback.hcp_id,
        *_fields(SuggestionFeedback, "suggestion_id", "action", "reason", "snooze_until"),
        _day(SuggestionFeedback, "created_at"),
    ).where(SuggestionFeedback.owner.in_(team)))  # fmt: skip
    segments: dict[str, str] = {}
    mixes = select(SegmentMix.hcp_id, SegmentMix.data).where(SegmentMix.owner.in_(team))
    for row in session.execute(mixes.order_by(SegmentMix.updated_at)):
        weights = row.data.get("weights") or {}
        if row.data.get("source", "rep") in CONFIRMED_SOURCES and weights:
            segments[row.hcp_id] = max(sorted(weights), key=lambda k: weights[k])
    return team_data(
        team=members, hcps=hcps, calls=calls, plans=plans, feedback=feedback,
        cycles=goals.cycles_for(session, members), segments=segments,
    )  # fmt: skip


def parse_filter(
    *,
    start: date,
    end: date,
    reps: str | Sequence[str] | None = None,
    tier: str | None = None,
    segment: str | None = None,
    product: str | None = None,
    silent_days: int | None = None,
) -> TeamFilter:
    if end < start:
        raise Invalid(f"The period ends ({end}) before it starts ({start}).")
    if (end - start).days > MAX_DAYS:
        raise Invalid(f"A team report covers at most {MAX_DAYS} days; shorten the period.")
    names = reps.split(",") if isinstance(reps, str) else list(reps or [])
    return TeamFilter(
        start=start, end=end, reps=tuple(n.strip() for n in names if n.strip()),
        tier=tier or None, segment=segment or None, product=product or None,
        silent_days=30 if silent_days is None else silent_days,
    )  # fmt: skip


def report(
    session: Session, *, username: str, role: str, manager: str | None, flt: TeamFilter
) -> TeamReport:
    """The report of the team the caller may see (see module doc)."""
    whose = manager_for(session, username=username, role=role, manager=manager)
    team = team_of(session, whose)
    unknown = [r for r in flt.reps if r not in team]
    if unknown:
        raise Forbidden(f"Not in {whose}'s team: {', '.join(unknown)}.")
    return team_report(load_team_data(session, team), flt)
