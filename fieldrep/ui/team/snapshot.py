"""The team view's last report, kept in the encrypted workspace, so that opening the app
paints the dashboard at once instead of after reading every synced note of the team.

A snapshot is only ever shown for exactly the data it was computed from: its key is the
sync cursor (every pulled page moves it) with the highest row ids of the tables the report
reads, the manager's date and the filter. A sync that brings anything, a new day or another
filter misses it, and the dashboard computes the report as usual (then stores the new one).
The snapshot lives in `sync_state` (encrypted like everything else) as a pickle of the
report's frames; an unreadable one is ignored.
"""

from __future__ import annotations

import base64
import logging
import pickle
from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldrep.reports.team import TeamFilter
from fieldrep.store import sync_state
from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)

STATE_KEY = "team_view_snapshot"
FORMAT = 1
TABLES = ("call_notes", "visit_plans", "suggestion_feedback", "hcps", "hcp_segment_mix")


@dataclass(frozen=True)
class Snapshot:
    key: str
    view: Any  # DashboardView
    options: Any  # Options


def data_version(ws: Workspace) -> str:
    """What the team's data is now: cheap (the cursor and a few max(rowid) look-ups)."""
    with ws.store.read() as conn:
        cursor = sync_state.get(conn, sync_state.CURSOR) or "0"
        tops = [
            str(conn.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {t}").scalar())
            for t in TABLES
        ]
    return ":".join([cursor, *tops])


def snapshot_key(version: str, today: date, flt: TeamFilter) -> str:
    return f"{FORMAT}|{version}|{today.isoformat()}|{flt!r}"


def load(ws: Workspace, key: str) -> Snapshot | None:
    text = ws.state(STATE_KEY)
    if not text:
        return None
    try:
        snapshot = pickle.loads(base64.b64decode(text))  # our own encrypted record
    except Exception:  # noqa: BLE001 - an old or damaged snapshot is simply not used
        log.info("team view snapshot unreadable; computing the report")
        return None
    if not isinstance(snapshot, Snapshot) or snapshot.key != key:
        return None
    return snapshot


def save(ws: Workspace, snapshot: Snapshot) -> None:
    data = pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL)
    ws.set_state(STATE_KEY, base64.b64encode(data).decode("ascii"))
