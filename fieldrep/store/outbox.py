"""The outbox repository: every local change as a mutation row, written in the change's
transaction. Every query of the outbox table is here (services, the sync engine and the
pull's apply call these functions with their own connection and transaction).

`seq` (AUTOINCREMENT, never reused) is the device's `mutation_seq`. Rows stay until
the server acknowledges them; a rejected row stays, marked, until the rep fixes or
discards it knowingly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, ScalarSelect, delete, func, insert, select, update

from fieldrep.store.schema import outbox
from fieldrep.store.values import new_id
from fieldrep.sync.protocol import Entity, Op

PENDING = "pending"
REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    seq: int
    mutation_id: str
    entity: str
    entity_id: str
    op: str
    fields: dict[str, Any]
    base_version: int | None
    created_at: str
    state: str
    reason: str | None


def record_mutation(
    conn: Connection,
    *,
    entity: Entity,
    entity_id: str,
    op: Op,
    fields: Mapping[str, Any],
    created_at: datetime,
    base_version: int | None = None,
) -> int:
    """Append one mutation; call inside the transaction that makes the change.
    `created_at` (from the workspace's clock) is data for the server, never an order."""
    result = conn.execute(
        insert(outbox).values(
            mutation_id=new_id(),
            entity=entity.value,
            entity_id=entity_id,
            op=op.value,
            fields=dict(fields),
            base_version=base_version,
            created_at=created_at.astimezone(UTC).isoformat(),
            state=PENDING,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(**row._mapping)


def pending(
    conn: Connection,
    *,
    after: int = 0,
    limit: int | None = None,
    entity: Entity | None = None,
) -> list[OutboxEntry]:
    """Pending mutations in seq order: those after `after`, of one `entity` if given."""
    query = select(outbox).where(outbox.c.state == PENDING, outbox.c.seq > after)
    if entity is not None:
        query = query.where(outbox.c.entity == entity.value)
    query = query.order_by(outbox.c.seq)
    if limit is not None:
        query = query.limit(limit)
    return [_entry(row) for row in conn.execute(query)]


def pending_keys(conn: Connection) -> set[tuple[str, str]]:
    """(entity, entity_id) of every record with a pending mutation."""
    query = select(outbox.c.entity, outbox.c.entity_id).where(outbox.c.state == PENDING)
    return {(row[0], row[1]) for row in conn.execute(query.distinct())}


def ids_of(entity: Entity, *, state: str | None = None) -> ScalarSelect[Any]:
    """A subquery: ids of `entity` records the outbox holds (in `state` if given), for
    callers that filter their own table by it."""
    query = select(outbox.c.entity_id).where(outbox.c.entity == entity.value)
    if state is not None:
        query = query.where(outbox.c.state == state)
    return query.scalar_subquery()


def rejected(conn: Connection) -> list[OutboxEntry]:
    query = select(outbox).where(outbox.c.state == REJECTED).order_by(outbox.c.seq)
    return [_entry(row) for row in conn.execute(query)]


def count(conn: Connection, state: str = PENDING) -> int:
    query = select(func.count()).select_from(outbox).where(outbox.c.state == state)
    return int(conn.execute(query).scalar_one())


def has_pending(conn: Connection, entity: Entity, entity_id: str) -> bool:
    query = select(outbox.c.seq).where(
        outbox.c.entity == entity.value,
        outbox.c.entity_id == entity_id,
        outbox.c.state == PENDING,
    )
    return conn.execute(query.limit(1)).first() is not None


def acknowledge(conn: Connection, seqs: list[int]) -> None:
    """The server applied (or had already applied) these: forget them."""
    if seqs:
        conn.execute(delete(outbox).where(outbox.c.seq.in_(seqs)))


def mark_rejected(conn: Connection, seq: int, reason: str) -> None:
    conn.execute(update(outbox).where(outbox.c.seq == seq).values(state=REJECTED, reason=reason))


def discard(conn: Connection, seq: int) -> None:
    """The rep chose to drop a rejected change, knowing what it was."""
    conn.execute(delete(outbox).where(outbox.c.seq == seq, outbox.c.state == REJECTED))


def drop_pending(conn: Connection, entity: Entity, entity_id: str) -> None:
    """Forget unsent changes to one record (an undone action the server never saw)."""
    conn.execute(
        delete(outbox).where(
            outbox.c.entity == entity.value,
            outbox.c.entity_id == entity_id,
            outbox.c.state == PENDING,
        )
    )
