"""The team report from the device's encrypted store (`Workspace.reports`).

A manager's device holds their team's HCPs, submitted notes, visit plans, suggestion
feedback, confirmed segment mixes and goals (with the team's roster), all synced
read-only; a rep's device holds their own. This module reads them as plain rows and
hands them to the shared code (`fieldrep.reports.data` / `team` / `goals`), the same
the server runs for `GET /reports/team`. Reads only; one read transaction per report.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
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


def _rows(conn: Connection, sql: str, *params: Any) -> pd.DataFrame:
    """A query's rows as a frame, straight from the driver's cursor (a team's two years of
    notes are 100,000 rows: SQLAlchemy's per-row objects would cost seconds)."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names)
    finally:
        cursor.close()


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
    hcps = _rows(conn, "SELECT id, name, title, territory_id, tier, decile FROM hcps")
    calls = _rows(
        conn,
        "SELECT id, hcp_id, author, channel, substr(started_at, 1, 10) AS started_at, status, "
        "outcome, sentiment, "
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
        "action, reason, substr(created_at, 1, 10) AS created_at, snooze_until "
        "FROM suggestion_feedback",
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


# What the report reads changes only through these: a sync (cursor, last sync), a local
# change (each one takes an outbox number), or rows added to a table the report reads.
_VERSION_SQL = (
    "SELECT (SELECT value FROM sync_state WHERE key = 'cursor'), "
    "(SELECT value FROM sync_state WHERE key = 'last_sync'), "
    "(SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), "
    "(SELECT count(*) FROM outbox), "
    "(SELECT max(rowid) FROM call_notes), (SELECT max(rowid) FROM visit_plans), "
    "(SELECT max(rowid) FROM suggestion_feedback), (SELECT max(rowid) FROM hcps), "
    "(SELECT max(rowid) FROM hcp_segment_mix), "
    "(SELECT version FROM catalogue_documents WHERE kind = 'goals')"
)


def data_version(conn: Connection) -> tuple[Any, ...]:
    """A cheap fingerprint of everything the report reads (a few index look-ups)."""
    return tuple(conn.exec_driver_sql(_VERSION_SQL).one())


class ReportService:
    """`Workspace.reports`: the team view's figures and a rep's own attainment.

    The team's data (two years of a 12-rep team: 100,000 notes) is read once and kept
    while nothing it came from has changed (`data_version`), so a report over another
    period or filter, or Today's attainment line, costs only the figures."""

    def __init__(self, store: Store, username: Callable[[], str]) -> None:
        self._store = store
        self._username = username
        self._cached: tuple[tuple[Any, ...], TeamData] | None = None
        self._lock = threading.Lock()

    def data(self) -> TeamData:
        """The team's data as of now (read again only when it changed)."""
        with self._lock, self._store.read() as conn:
            version = (self._username(), *data_version(conn))
            if self._cached is not None and self._cached[0] == version:
                return self._cached[1]
            data = load_team_data(conn, self._username())
            self._cached = (version, data)
            return data

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
