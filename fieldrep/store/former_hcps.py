"""HCPs that left this device's territory while call notes about them stay.

An HCP tombstone (the HCP realigned to another territory) removes the HCP with its
plans, suggestion feedback and segment mix, but not the call notes about it: the server
keeps those in the author's feed (docs/sync-protocol.md, "Scope"), so the device keeps
them too, and the HCP's last known record here beside them. The call log names the HCP
from it, and a draft submitted late is checked against its do-not-contact and consents.

A record goes when the HCP comes back (`forget`, on an upsert of it) and when no call
note is about it any more (`prune`): nothing is kept about an HCP that nothing on the
device refers to. The caller owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from fieldrep.store.schema import JsonText, hcps


def _record_sql() -> str:
    """The `hcps` row as one JSON object, its columns by name (JSON cells as JSON)."""
    cells = (
        f"'{c.name}', json(h.{c.name})"
        if isinstance(c.type, JsonText)
        else f"'{c.name}', h.{c.name}"
        for c in hcps.columns
    )
    return f"json_object({', '.join(cells)})"


_KEEP_SQL = (
    f"INSERT OR REPLACE INTO former_hcps (id, record, left_at) SELECT h.id, {_record_sql()}, ? "
    "FROM hcps h WHERE h.id = ? AND EXISTS (SELECT 1 FROM call_notes c WHERE c.hcp_id = h.id)"
)


def keep(conn: Connection, hcp_ids: Sequence[str], left_at: datetime | None) -> None:
    """Before these HCPs' rows are deleted: keep the last record of each one a call note
    on this device is about (the others leave nothing behind)."""
    stamp = left_at.isoformat() if left_at is not None else None
    if hcp_ids:
        conn.exec_driver_sql(_KEEP_SQL, [(stamp, i) for i in hcp_ids])


def any_kept(conn: Connection) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM former_hcps LIMIT 1").first() is not None


def forget(conn: Connection, hcp_ids: Iterable[str]) -> None:
    """These HCPs are back on the device (their own rows say it all now)."""
    params = [(i,) for i in hcp_ids]
    if params:
        conn.exec_driver_sql("DELETE FROM former_hcps WHERE id = ?", params)


_UNNOTED = "NOT EXISTS (SELECT 1 FROM call_notes c WHERE c.hcp_id = former_hcps.id)"


def prune(conn: Connection, hcp_ids: Iterable[str] | None = None) -> int:
    """Drop the records no call note is about any more (its notes were deleted: drafts
    discarded, or tombstoned by the server): of these HCPs, or of all when None.
    Returns how many went."""
    if hcp_ids is None:
        result = conn.exec_driver_sql(f"DELETE FROM former_hcps WHERE {_UNNOTED}")
        return int(result.rowcount or 0)
    params = [(i,) for i in set(hcp_ids)]
    if not params:
        return 0
    result = conn.exec_driver_sql(f"DELETE FROM former_hcps WHERE id = ? AND {_UNNOTED}", params)
    return int(result.rowcount or 0)


def records(conn: Connection, hcp_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The kept records of these HCPs (ids with none are left out), as `hcps` rows by
    column name."""
    wanted = sorted(set(hcp_ids))
    if not wanted:
        return {}
    rows = conn.exec_driver_sql(
        "SELECT id, record FROM former_hcps WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted),),
    )
    return {hcp_id: json.loads(record) for hcp_id, record in rows}


def left_at(conn: Connection, hcp_id: str) -> datetime | None:
    row = conn.exec_driver_sql("SELECT left_at FROM former_hcps WHERE id = ?", (hcp_id,)).first()
    return datetime.fromisoformat(row[0]) if row is not None and row[0] else None
