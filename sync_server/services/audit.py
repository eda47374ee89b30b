"""The audit log: one append-only row per security-relevant event.

Recorded in the same transaction as the event itself (a rolled-back import leaves no
"imported" row), except failed logins, which are committed with the failure count.
Rows name who (`actor`), what (`action`), on what (`target`), from where (`address`)
and a short `detail`; never a password, a token or a call note's text. The database
refuses UPDATE and DELETE on the table (triggers, migration 0005).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.models import AuditEvent
from sync_server.services.callers import utcnow
from sync_server.services.safe_text import printable

ADMIN_CLI = "admin-cli"  # the actor of admin commands (whoever runs them on the server)


def _clean(value: str | None, limit: int) -> str:
    # Escaped, so an id with a newline or NUL can neither forge an exported line nor fail
    # the insert on PostgreSQL.
    return printable(value or "", limit)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str = "",
    detail: str = "",
    address: str | None = None,
) -> None:
    """Add one event to the session's transaction (the caller commits)."""
    session.add(
        AuditEvent(
            at=utcnow(),
            actor=_clean(actor, 90),
            action=action,
            target=_clean(target, 190),
            address=_clean(address, 60) if address else None,
            detail=_clean(detail, 1000),
        )
    )


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    address: str | None
    detail: str


def events_since(session: Session, since: datetime, *, limit: int | None = None) -> list[AuditRow]:
    """Events at or after `since`, oldest first."""
    query = select(AuditEvent).where(AuditEvent.at >= since).order_by(AuditEvent.id)
    if limit is not None:
        query = query.limit(limit)
    return [
        AuditRow(e.id, e.at, e.actor, e.action, e.target, e.address, e.detail)
        for e in session.scalars(query)
    ]
