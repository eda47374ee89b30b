"""The team view's last report, kept in the encrypted workspace, so that opening the app
paints the dashboard at once instead of after reading every synced note of the team.

A snapshot is only ever shown for exactly the data it was computed from: its key is the
core's fingerprint of the data the report reads (last sync, outbox, the tables' highest
row ids, the goals' version), the manager's date and the filter. A sync that brings
anything, a new day or another filter misses it, and the dashboard computes the report
as usual (then stores the new one).
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

from fieldrep.reports import local
from fieldrep.reports.team import TeamFilter
from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)

STATE_KEY = "team_view_snapshot"
FORMAT = 2  # 2: RepFigures gained `accepted` (an older pickle lacks it)


@dataclass(frozen=True)
class Snapshot:
    key: str
    view: Any  # DashboardView
    options: Any  # Options


def data_version(ws: Workspace) -> str:
    """What the team's data is now: the core's own cheap fingerprint of everything the
    report reads (`fieldrep.reports.local.data_version`)."""
    with ws.store.read() as conn:
        return ":".join(str(part) for part in (ws.username, *local.data_version(conn)))


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
