"""The `devices` report: per device, who, when it last synced, how long, what moved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.models import Device


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "never"


def device_rows(session: Session) -> list[dict[str, str]]:
    rows = []
    for d in session.scalars(select(Device).order_by(Device.username, Device.id)):
        rows.append(
            {
                "device": d.id,
                "user": d.username,
                "name": d.name or "-",
                "last_sync": _when(d.last_sync_at),
                # Two laptops of one rep can carry the same name (a hostname like "vm"):
                # when each first and last talked to the server, and its app version, tell
                # them apart.
                "first_seen": _when(d.created_at),
                "last_seen": _when(d.last_seen_at or d.token_used_at or d.last_login_at),
                "version": d.client_version or "-",
                "duration_ms": str(d.last_sync_ms) if d.last_sync_ms is not None else "-",
                "applied": str(d.mutations_applied),
                "rejected": str(d.mutations_rejected),
                "duplicates": str(d.mutations_duplicate),
                "pulled": str(d.changes_pulled),
                "status": "revoked" if d.revoked_at else "active",
                "last_error": (d.last_error or "-")[:80],
            }
        )
    return rows
