"""The change log: every write appended in its own transaction, pulled by cursor.

Ordering on PostgreSQL: a cursor must never pass a seq that commits later. Sequence
values are handed out at INSERT time but become visible at COMMIT, so two concurrent
writers could commit seq 11 before seq 10, and a pull in between would move its cursor
past 10 for good. So seqs are allocated and committed strictly one writer after
another: `append` takes one transaction-scoped advisory lock (the sequence lock,
`pg_advisory_xact_lock`) right before it inserts, and holds it to the commit. A push
appends last, just before its commit, so it holds the lock for the insert and the
commit only (not for its reads and checks): pushes from different devices run side by
side and queue only there.

Two kinds of writers, one lock order, no deadlock:
- a push (`enter_push`) takes the writers' gate in shared mode, then its device row and
  the rows it changes (`SELECT ... FOR UPDATE`, in a fixed order: `push_locks`),
  and the sequence lock last;
- every other writer (imports, realignment, catalogues, prune: `lock_change_log`) takes
  the gate exclusively and the sequence lock before it reads anything: it waits for the
  pushes in flight, and new pushes wait for it, so it sees and writes a still world.
A push never waits for a row lock while holding the sequence lock, and a writer holding
the gate exclusively never meets a push's row lock, so no wait forms a cycle.
On SQLite the database-wide write lock (BEGIN IMMEDIATE) gives the same guarantees.
A pull reads `max(seq)` first and then only rows up to it, so it never returns a
cursor beyond what it has actually seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, select, text
from sqlalchemy.orm import Session, aliased

from fieldrep.sync.protocol import Change, Entity, Op, PullResponse
from sync_server import fastjson
from sync_server.models import ChangeLogEntry, ServerMeta
from sync_server.services.bulk import insert_rows
from sync_server.services.callers import utcnow

CHANGE_LOG_LOCK_KEY = 7_346_202  # the sequence lock
WRITERS_GATE_KEY = 7_346_203
PRUNED_THROUGH = "pruned_through_seq"


@dataclass(frozen=True, slots=True)
class LogRow:
    entity: Entity
    entity_id: str
    op: Op
    scope: str
    version: int
    data: dict[str, Any] | None


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock_change_log(session: Session) -> None:
    """Shut out every other writer until this transaction ends (PostgreSQL only): for
    writers that read before they write (imports, realignment, catalogues, prune)."""
    if _on_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITERS_GATE_KEY})
        _lock_sequence(session)


def enter_push(session: Session) -> None:
    """A push's first statement: wait while an exclusive writer runs, and keep one from
    starting until this push ends; other pushes go on side by side (PostgreSQL only)."""
    if _on_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": WRITERS_GATE_KEY})


def _lock_sequence(session: Session) -> None:
    if _on_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})


BUFFER_KEY = "change_log_buffer"


def start_buffer(session: Session) -> list[LogRow]:
    """Collect rows instead of inserting them one by one (a push writes them in one go)."""
    buffer: list[LogRow] = []
    session.info[BUFFER_KEY] = buffer
    return buffer


def flush_buffer(session: Session, *, now: datetime | None = None) -> None:
    buffer = session.info.pop(BUFFER_KEY, None)
    if buffer:
        append(session, buffer, now=now)


def append(session: Session, rows: Iterable[LogRow], *, now: datetime | None = None) -> None:
    """Append rows in this transaction; they commit (or vanish) with the write itself."""
    stamp = now or utcnow()
    values = [
        {
            "entity": r.entity.value,
            "entity_id": r.entity_id,
            "op": r.op.value,
            "scope": r.scope,
            "version": r.version,
            "data": r.data,
            "created_at": stamp,
        }
        for r in rows
    ]
    if not values:
        return
    _lock_sequence(session)  # held to the commit: seqs commit in the order they are taken
    insert_rows(session, ChangeLogEntry, values)


def record(
    session: Session,
    *,
    entity: Entity,
    entity_id: str,
    op: Op,
    scope: str,
    version: int,
    data: dict[str, Any] | None,
) -> None:
    record_row(session, LogRow(entity, entity_id, op, scope, version, data))


def record_row(session: Session, row: LogRow) -> None:
    """`record` for a row already built (a push buffers its rows, see BUFFER_KEY)."""
    buffer = session.info.get(BUFFER_KEY)
    if buffer is not None:
        buffer.append(row)
    else:
        append(session, [row])


def _meta_int(session: Session, key: str) -> int:
    row = session.get(ServerMeta, key)
    return int(row.value) if row else 0


def pruned_through(session: Session) -> int:
    """The newest seq `prune` has dropped rows up to (0: never pruned)."""
    return _meta_int(session, PRUNED_THROUGH)


@dataclass(frozen=True, slots=True)
class IssuedCursor:
    """The newest cursor handed to one device in its current pass through the log, the
    cursor that pass started from, and the prune mark then.

    Any cursor between the two is the device's own: a device that fetches ahead, or
    commits several pages at once, resumes from a page it had not committed yet (a page
    whose answer was lost is asked for again the same way). With the same prune mark, no
    row it would need has gone since it started from `since`."""

    cursor: int
    since: int
    pruned_through: int

    def allows(self, since: int, pruned: int) -> bool:
        return self.pruned_through == pruned and self.since <= since <= self.cursor


@dataclass(slots=True)
class Page:
    """A pull page as plain data, shaped exactly like `PullResponse` (each change a dict
    with `Change`'s fields), so it can be sent with one `fastjson.dumps`."""

    changes: list[dict[str, Any]]
    cursor: int
    has_more: bool
    reset_required: bool = False
    head_seq: int | None = None
    # The prune mark read with the page (not sent: the device's resume bookkeeping uses it).
    pruned_through: int = 0

    def response(self) -> PullResponse:
        """The same page as protocol models."""
        changes = [
            Change.model_construct(
                seq=c["seq"],
                entity=Entity(c["entity"]),
                entity_id=c["entity_id"],
                op=Op(c["op"]),
                version=c["version"],
                data=c["data"],
            )  # fmt: skip
            for c in self.changes
        ]
        return PullResponse(
            changes=changes, cursor=self.cursor, has_more=self.has_more,
            reset_required=self.reset_required, head_seq=self.head_seq,
        )  # fmt: skip

    def as_json(self) -> bytes:
        return fastjson.dumps(
            {
                "changes": self.changes, "cursor": self.cursor, "has_more": self.has_more,
                "reset_required": self.reset_required, "head_seq": self.head_seq,
            }
        )  # fmt: skip


def read_page(
    session: Session,
    *,
    scopes: list[str] | None,
    since: int,
    limit: int,
    issued: IssuedCursor | None = None,
) -> Page:
    """Up to `limit` changes after `since` that `scopes` may see (None: all), in seq order.

    A cursor below `pruned_through` is stale (its device may hold records whose
    tombstones are gone) unless `issued` allows it: one this device was handed in its
    current pass (or started it from) and no prune since. A pull from 0 pages
    through the pruned log like any other, so a new device's first sync always completes.
    """
    table = ChangeLogEntry.__table__
    high, pruned, head = _marks(session, scopes)
    resumed = issued is not None and issued.allows(since, pruned)
    if since > high or (0 < since < pruned and not resumed):
        # The cursor is older than tombstone retention, or from another database.
        return Page(changes=[], cursor=0, has_more=True, reset_required=True, pruned_through=pruned)
    query = select(
        table.c.seq, table.c.entity, table.c.entity_id, table.c.op, table.c.version, table.c.data
    ).where(table.c.seq > since, table.c.seq <= high)
    if scopes is not None:
        query = query.where(table.c.scope.in_(scopes))
    rows = session.execute(query.order_by(table.c.seq).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    fields = ("seq", "entity", "entity_id", "op", "version", "data")
    changes = [dict(zip(fields, row, strict=True)) for row in rows]
    cursor = rows[-1].seq if has_more else high
    return Page(
        changes=changes, cursor=cursor, has_more=has_more, head_seq=head, pruned_through=pruned
    )


def pull_page(
    session: Session,
    *,
    scopes: list[str] | None,
    since: int,
    limit: int,
    issued: IssuedCursor | None = None,
) -> PullResponse:
    """`read_page` as protocol models (admin tools and tests)."""
    return read_page(session, scopes=scopes, since=since, limit=limit, issued=issued).response()


def _marks(session: Session, scopes: list[str] | None) -> tuple[int, int, int]:
    """In one statement (one snapshot, one round trip): the newest seq, the prune mark,
    and the newest seq the caller may see (one index probe per scope, for progress
    bars; `high` for an admin)."""
    table = ChangeLogEntry.__table__
    meta = ServerMeta.__table__
    probes = [
        select(func.coalesce(func.max(table.c.seq), 0)).scalar_subquery(),
        select(meta.c.value).where(meta.c.key == PRUNED_THROUGH).scalar_subquery(),
    ]
    probes += [
        select(func.max(table.c.seq)).where(table.c.scope == scope).scalar_subquery()
        for scope in scopes or []
    ]
    high, pruned, *heads = session.execute(select(*probes)).one()
    head = high if scopes is None else max((h for h in heads if h is not None), default=0)
    return int(high), int(pruned or 0), int(head)


def prune(session: Session, *, retention_days: int, now: datetime | None = None) -> int:
    """Drop tombstones and superseded rows older than the retention; returns rows removed.

    Cursors older than the newest pruned seq are answered `reset_required` from then on.
    The newest row is always kept so `max(seq)` never goes backwards.
    """
    table = ChangeLogEntry.__table__
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    lock_change_log(session)
    high = session.execute(select(func.coalesce(func.max(table.c.seq), 0))).scalar_one()
    boundary = session.execute(
        select(func.coalesce(func.max(table.c.seq), 0)).where(table.c.created_at < cutoff)
    ).scalar_one()
    boundary = min(boundary, high - 1)
    if boundary <= 0:
        return 0
    later = aliased(ChangeLogEntry)
    superseded = exists().where(
        and_(
            later.entity == table.c.entity,
            later.entity_id == table.c.entity_id,
            later.scope == table.c.scope,
            later.seq > table.c.seq,
        )
    )
    removed = session.execute(
        delete(ChangeLogEntry).where(
            table.c.seq <= boundary, (table.c.op == Op.DELETE.value) | superseded
        )
    ).rowcount  # type: ignore[attr-defined]
    meta = session.get(ServerMeta, PRUNED_THROUGH)
    if meta is None:
        session.add(ServerMeta(key=PRUNED_THROUGH, value=str(boundary)))
    else:
        meta.value = str(max(int(meta.value), boundary))
    session.flush()
    return int(removed)
