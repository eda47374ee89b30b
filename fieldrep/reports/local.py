"""The team report from the device's encrypted store (`Workspace.reports`).

A manager's device holds their team's HCPs, submitted notes, visit plans, suggestion
feedback, confirmed segment mixes and goals (with the team's roster), all synced
read-only; a rep's device holds their own. This module reads them as plain rows and
hands them to the shared code (`fieldrep.reports.data` / `team` / `goals`), the same
the server runs for `GET /reports/team`. Reads only; one read transaction per report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from fieldrep.reports.data import TeamData, team_data
from fieldrep.reports.goals import AttainmentLine, rep_attainment
from fieldrep.reports.team import TeamFilter, TeamReport, team_report
from fieldrep.services.base import Store
from fieldrep.sync.protocol.goals import GOALS_DOCUMENT, GoalsDocument, TeamMember

# The segment an HCP is counted under: the top of a mix the rep confirmed (the server
# holds those too), never the device's own estimate, so every side agrees.
CONFIRMED_SOURCES = ("rep", "server")
DEFAULT_WEEKS = 4


def load_goals(conn: Connection) -> GoalsDocument | None:
    row = conn.exec_driver_sql(
        "SELECT data FROM catalogue_documents WHERE kind = ?", (GOALS_DOCUMENT,)
    ).first()
    return None if row is None else GoalsDocument.model_validate_json(row[0])


def _rows(conn: Connection, sql: str, *params: Any) -> list[dict[str, Any]]:
    result = conn.exec_driver_sql(sql, params)
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


def _segments(conn: Connection) -> dict[str, str]:
    marks = ", ".join("?" for _ in CONFIRMED_SOURCES)
    rows = conn.exec_driver_sql(
        f"SELECT hcp_id, weights FROM hcp_segment_mix WHERE source IN ({marks})",
        CONFIRMED_SOURCES,
    )
    segments = {}
    for hcp_id, weights in rows:
        mix = json.loads(weights) or {}
        if mix:
            segments[hcp_id] = max(sorted(mix), key=lambda k: mix[k])
    return segments


def _team(conn: Connection, goals: GoalsDocument | None, me: str) -> list[TeamMember]:
    """The roster the server sent with the goals; before any, the device's own user with
    the territories it holds (a rep), or the notes' authors (a manager's first sync)."""
    if goals is not None and goals.team:
        return list(goals.team)
    territories = sorted(
        r[0] for r in conn.exec_driver_sql("SELECT DISTINCT territory_id FROM hcps")
    )
    authors = sorted(
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT DISTINCT author FROM call_notes WHERE status = 'submitted'"
        )
    )
    if authors and me not in authors:
        return [TeamMember(username=a, territories=tuple(territories)) for a in authors]
    return [TeamMember(username=me, territories=tuple(territories))]


def load_team_data(conn: Connection, me: str) -> TeamData:
    """Everything the report reads, from the local store, in wire form."""
    goals = load_goals(conn)
    hcps = _rows(conn, "SELECT id, name, territory_id, tier, decile FROM hcps")
    calls = _rows(
        conn,
        "SELECT id, hcp_id, author, channel, started_at, status, outcome, sentiment, "
        "products, conflict_of FROM call_notes WHERE status = 'submitted' "
        "AND conflict_of IS NULL",
    )
    # The rep's own records created here carry no owner until the server sends them back.
    plans = _rows(
        conn,
        "SELECT id, CASE owner WHEN '' THEN ? ELSE owner END AS owner, hcp_id, planned_date, "
        "channel, status FROM visit_plans",
        me,
    )
    feedback = _rows(
        conn,
        "SELECT id, CASE owner WHEN '' THEN ? ELSE owner END AS owner, suggestion_id, hcp_id, "
        "action, reason, created_at, snooze_until FROM suggestion_feedback",
        me,
    )
    return team_data(
        team=_team(conn, goals, me),
        hcps=hcps,
        calls=calls,
        plans=plans,
        feedback=feedback,
        cycles=goals.cycles if goals else (),
        segments=_segments(conn),
    )


class ReportService:
    """`Workspace.reports`: the team view's figures and a rep's own attainment."""

    def __init__(self, store: Store, username: Callable[[], str]) -> None:
        self._store = store
        self._username = username

    def data(self) -> TeamData:
        with self._store.read() as conn:
            return load_team_data(conn, self._username())

    def default_filter(self, weeks: int = DEFAULT_WEEKS) -> TeamFilter:
        """The last `weeks` ISO weeks up to today (the rep's date)."""
        today = self._store.clock.today()
        monday = today - timedelta(days=today.weekday())
        return TeamFilter(start=monday - timedelta(weeks=weeks - 1), end=today)

    def team(self, flt: TeamFilter | None = None) -> TeamReport:
        """The team report over `flt` (default: the last four weeks)."""
        return team_report(self.data(), flt or self.default_filter())

    def goals(self) -> GoalsDocument | None:
        with self._store.read() as conn:
            return load_goals(conn)

    def rep_attainment(self, day: date | None = None) -> tuple[AttainmentLine, ...]:
        """The signed-in rep's progress on every cycle running on `day` (today)."""
        data = self.data()
        return rep_attainment(data, self._username(), day or self._store.clock.today())
