"""HCP master data: server-owned, scoped by territory, moved between territories.

Every write lands in the change log scoped to the HCP's territory. A move writes a
tombstone in the old territory's scope and the full record in the new one, so the
old territory's reps lose the HCP at their next pull and the new ones gain it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import Entity, Op
from sync_server.errors import Invalid, Rejected
from sync_server.models import Hcp, HcpAssignment
from sync_server.services import changelog
from sync_server.services.callers import Caller, territory_scope, utcnow
from sync_server.services.changelog import LogRow
from sync_server.services.users import ensure_territories
from sync_server.services.wire import CHANNELS

REP_OWNED = {"preferred_channel"}


def _assignments(session: Session, pairs: set[tuple[str, str]], now: datetime) -> None:
    if not pairs:
        return
    table = HcpAssignment.__table__
    known = set()
    pair_list = sorted(pairs)
    for start in range(0, len(pair_list), 500):
        chunk = pair_list[start : start + 500]
        known |= set(
            session.execute(
                select(table.c.hcp_id, table.c.territory_id).where(
                    tuple_(table.c.hcp_id, table.c.territory_id).in_(chunk)
                )
            ).tuples()
        )
    new = [
        {"hcp_id": h, "territory_id": t, "assigned_at": now}
        for h, t in pair_list
        if (h, t) not in known
    ]
    if new:
        session.execute(insert(HcpAssignment), new)


def upsert_hcps(session: Session, records: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Create or update HCPs from validated wire records (each with an `id`).

    Returns counts of created, updated, moved and unchanged records. Keeps a rep's
    `preferred_channel` when the incoming record has none.
    """
    # Before any row lock, like push: one lock order for all writers, so no deadlock.
    changelog.lock_change_log(session)
    now = utcnow()
    ensure_territories(session, sorted({r["territory_id"] for r in records}))
    table = Hcp.__table__
    ids = [r["id"] for r in records]
    existing: dict[str, Any] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        for row in session.execute(select(table).where(table.c.id.in_(chunk))):
            existing[row.id] = row
    inserts: list[dict[str, Any]] = []
    log: list[LogRow] = []
    counts = {"created": 0, "updated": 0, "moved": 0, "unchanged": 0}
    pairs: set[tuple[str, str]] = set()
    for record in records:
        hcp_id = record["id"]
        data = {k: v for k, v in record.items() if k != "id"}
        territory = data["territory_id"]
        pairs.add((hcp_id, territory))
        old = existing.get(hcp_id)
        if old is None:
            inserts.append(
                {"id": hcp_id, "territory_id": territory, "version": 1, "data": data,
                 "updated_at": now}
            )  # fmt: skip
            log.append(LogRow(Entity.HCP, hcp_id, Op.CREATE, territory_scope(territory), 1, data))
            counts["created"] += 1
            continue
        if data.get("preferred_channel") is None:
            data["preferred_channel"] = old.data.get("preferred_channel")
        if data == old.data:
            counts["unchanged"] += 1
            continue
        version = old.version + 1
        session.execute(
            update(Hcp)
            .where(table.c.id == hcp_id)
            .values(territory_id=territory, version=version, data=data, updated_at=now)
        )
        if old.territory_id != territory:
            log.append(
                LogRow(
                    Entity.HCP, hcp_id, Op.DELETE, territory_scope(old.territory_id), version, None
                )
            )
            log.append(
                LogRow(Entity.HCP, hcp_id, Op.CREATE, territory_scope(territory), version, data)
            )
            counts["moved"] += 1
        else:
            log.append(
                LogRow(Entity.HCP, hcp_id, Op.UPDATE, territory_scope(territory), version, data)
            )
            counts["updated"] += 1
    if inserts:
        session.execute(insert(Hcp), inserts)
    _assignments(session, pairs, now)
    changelog.append(session, log, now=now)
    return counts


def assign(session: Session, *, assignments: Sequence[tuple[str, str]]) -> int:
    """Move HCPs to territories; returns how many actually moved."""
    moved = 0
    records = []
    for hcp_id, territory in assignments:
        hcp = session.get(Hcp, hcp_id)
        if hcp is None:
            raise Invalid(f"No HCP with id '{hcp_id}'.")
        if hcp.territory_id != territory:
            moved += 1
        records.append({"id": hcp_id, **hcp.data, "territory_id": territory})
    upsert_hcps(session, records)
    return moved


def accessible_hcp(
    session: Session, caller: Caller, hcp_id: str, *, current_only: bool = False
) -> Hcp:
    """The HCP if it is, or was, in one of the caller's territories; else Rejected.

    Notes about an HCP that has since left the territory are still accepted, so a rep
    who wrote them offline loses nothing; `current_only` is for changes to the HCP itself.
    """
    hcp = session.get(Hcp, hcp_id)
    if hcp is not None and hcp.territory_id in caller.territories:
        return hcp
    if hcp is not None and not current_only and caller.territories:
        former = session.scalars(
            select(HcpAssignment.territory_id).where(
                HcpAssignment.hcp_id == hcp_id,
                HcpAssignment.territory_id.in_(sorted(caller.territories)),
            )
        ).first()
        if former is not None:
            return hcp
    raise Rejected(f"HCP '{hcp_id}' is not in your territory.")


def apply_rep_change(
    session: Session, caller: Caller, hcp_id: str, op: Op, fields: dict[str, Any]
) -> int:
    """A rep may change only the rep-owned fields (preferred channel) of HCPs in their territory."""
    if op != Op.UPDATE:
        raise Rejected(
            "HCP master data is managed by sales operations; "
            "it cannot be created or deleted from a device."
        )
    extra = set(fields) - REP_OWNED
    if extra:
        raise Rejected(
            "HCP master data is managed by sales operations; only the preferred channel can be "
            f"changed on a device (not {', '.join(sorted(extra))})."
        )
    hcp = accessible_hcp(session, caller, hcp_id, current_only=True)
    if "preferred_channel" not in fields:
        return hcp.version  # nothing to change; an absent field is not a request to clear it
    channel = fields["preferred_channel"]
    if channel is not None and channel not in CHANNELS:
        raise Rejected(f"Unknown channel '{channel}'. Use one of: {', '.join(CHANNELS)}.")
    if hcp.data.get("preferred_channel") == channel:
        return hcp.version
    hcp.data = {**hcp.data, "preferred_channel": channel}
    hcp.version += 1
    hcp.updated_at = utcnow()
    changelog.record(
        session, entity=Entity.HCP, entity_id=hcp.id, op=Op.UPDATE,
        scope=territory_scope(hcp.territory_id), version=hcp.version, data=hcp.data,
    )  # fmt: skip
    return hcp.version
