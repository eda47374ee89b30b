"""Apply pulled changes to the local store in bulk, one page per transaction.

The caller owns the transaction (the page and its cursor commit together). Each page
is collapsed to the last change per record, then written with one `executemany` per
table and column set: no per-row ORM work, so a first sync of a large territory runs
near the speed of a bare insert.

Rules (DESIGN.md section 4): a record with pending local mutations is never
overwritten (the server's merged state arrives after our push); tombstones delete; an
HCP tombstone (moved out of the territory) also removes its plans, feedback and segment
mix, but not the call notes about it: the server keeps those in the author's feed, so
the device keeps them, with the HCP's last known record (`store.former_hcps`). Pending
mutations about it stay in the outbox and still go up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Float, Integer, Table, delete, func, select

from fieldrep.services.catalogue import store_document
from fieldrep.store import former_hcps, held_changes, outbox
from fieldrep.store.schema import (
    JsonText,
    call_notes,
    coaching_comments,
    hcp_contacts,
    hcp_segment_mix,
    hcps,
    suggestion_feedback,
    visit_plans,
)
from fieldrep.sync.protocol import CatalogueDocument, Change, Entity, Op, catalogue_kind_known
from fieldrep.sync.protocol.goals import GOALS_DOCUMENT, GoalsDocument

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EntityTable:
    table: Table
    key: str  # the column the wire's entity_id names

    @property
    def has_version(self) -> bool:
        return "version" in self.table.c


ENTITY_TABLES: dict[Entity, EntityTable] = {
    Entity.HCP: EntityTable(hcps, "id"),
    Entity.CALL_NOTE: EntityTable(call_notes, "id"),
    Entity.VISIT_PLAN: EntityTable(visit_plans, "id"),
    Entity.SUGGESTION_FEEDBACK: EntityTable(suggestion_feedback, "id"),
    Entity.SEGMENT_MIX: EntityTable(hcp_segment_mix, "hcp_id"),
    Entity.COACHING_COMMENT: EntityTable(coaching_comments, "id"),
    Entity.HCP_CONTACT: EntityTable(hcp_contacts, "id"),
}

# Records that hang off an HCP and leave the device with it. Not its call notes: they
# are the rep's record of calls made (a manager's of the team's), still in the feed.
HCP_DEPENDENTS = (visit_plans, suggestion_feedback, hcp_segment_mix, hcp_contacts)


@dataclass
class PageResult:
    upserted: int = 0
    deleted: int = 0
    skipped_pending: int = 0
    ignored: int = 0
    conflict_copies: list[str] = field(default_factory=list)
    hcps_left: int = 0  # HCPs on this device that a tombstone took (realigned away)
    plans_dropped: int = 0  # ... and their planned visits, which went with them


def _fallback(column: Any) -> Any:
    """The value a NOT NULL column gets when the wire leaves it out."""
    if column.nullable:
        return None
    if isinstance(column.type, JsonText):
        return {} if column.name in ("consents", "weights", "skills") else []
    if isinstance(column.type, Integer):
        return 0
    if isinstance(column.type, Float):
        return 0.0
    return ""


# One encoder for every JSON cell (json.dumps with separators builds a new one per call):
# the same text json.dumps(value, separators=(",", ":")) writes.
_JSON = json.JSONEncoder(separators=(",", ":"))


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if not value and isinstance(value, list | dict):  # most list columns are empty
        return "[]" if isinstance(value, list) else "{}"
    return _JSON.encode(value)


def _db_value(column: Any, value: Any) -> Any:
    if isinstance(column.type, JsonText):
        return _json_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        # SQLite stores 64-bit integers only; one absurd value from the server must not
        # stop the whole territory from syncing (OverflowError on every page).
        log.warning("%s: a value beyond 64 bits was clamped", column.name)
        return max(INT64_MIN, min(INT64_MAX, value))
    return value


INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def apply_page(
    conn: Connection, changes: Sequence[Change], *, now: datetime | None = None
) -> PageResult:
    """Write one page of changes; the caller commits it with the new cursor. `now`
    (the workspace clock) dates an HCP's departure in `former_hcps`."""
    result = PageResult()
    latest: dict[tuple[Entity, str], Change] = {}
    for change in changes:  # seq order: the last change of a record is its state
        latest[(change.entity, change.entity_id)] = change
    pending = outbox.pending_keys(conn) if latest else set()
    upserts: dict[Entity, list[Change]] = {}
    deletes: dict[Entity, list[str]] = {}
    for (entity, entity_id), change in latest.items():
        if entity == Entity.CATALOGUE:
            _apply_catalogue(conn, change)
            result.upserted += 1
            continue
        if entity not in ENTITY_TABLES:
            result.ignored += 1
            continue
        if change.op == Op.DELETE or change.data is None:
            # Scope removal of an HCP wins even over pending edits: the rep no longer
            # sees it, and the outbox still carries those edits up.
            if entity != Entity.HCP and (entity.value, entity_id) in pending:
                result.skipped_pending += 1
                held_changes.hold(conn, change)
                continue
            deletes.setdefault(entity, []).append(entity_id)
        elif (entity.value, entity_id) in pending:
            result.skipped_pending += 1
            held_changes.hold(conn, change)
        else:
            upserts.setdefault(entity, []).append(change)
            if _conflict_copy_to_read(conn, change):
                result.conflict_copies.append(entity_id)
    # Notes the server deleted take their former HCP's record along when they were its last.
    noted = _hcps_of_notes(conn, deletes.get(Entity.CALL_NOTE, ()))
    for entity, ids in deletes.items():
        if entity == Entity.HCP:
            result.hcps_left, result.plans_dropped = _leaving(conn, ids)
            former_hcps.keep(conn, ids, now)
        result.deleted += _delete(conn, ENTITY_TABLES[entity], ids)
        if entity == Entity.HCP:
            _delete_dependents(conn, ids)
    for entity, items in upserts.items():
        result.upserted += _upsert(conn, ENTITY_TABLES[entity], items)
    if (noted or Entity.HCP in upserts) and former_hcps.any_kept(conn):
        former_hcps.forget(conn, (c.entity_id for c in upserts.get(Entity.HCP, ())))
        former_hcps.prune(conn, noted)
    return result


def _hcps_of_notes(conn: Connection, note_ids: Sequence[str]) -> list[str]:
    """The HCPs these notes on the device are about (a note not held has none: during a
    full resync, a note still to come back is no reason to drop its HCP's record)."""
    if not note_ids:
        return []
    rows = conn.exec_driver_sql(
        "SELECT DISTINCT hcp_id FROM call_notes WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(note_ids)),),
    )
    return [r[0] for r in rows]


def _conflict_copy_to_read(conn: Connection, change: Change) -> bool:
    """A conflict copy new to this device and still a draft: one to read. A copy already
    here (its later edits), a submitted one, or a rep's note a manager receives is not."""
    data = change.data or {}
    if change.entity != Entity.CALL_NOTE or not data.get("conflict_of"):
        return False
    if data.get("status") != "draft":
        return False
    held = conn.exec_driver_sql("SELECT 1 FROM call_notes WHERE id = ?", (change.entity_id,))
    return held.first() is None


def _apply_catalogue(conn: Connection, change: Change) -> None:
    """The company's catalogue of one kind, whole: it replaces what the device had."""
    if change.op == Op.DELETE or change.data is None:
        conn.exec_driver_sql("DELETE FROM catalogue_documents WHERE kind = ?", (change.entity_id,))
        return
    if change.entity_id == GOALS_DOCUMENT:  # this user's cycle-plan goals (and team)
        goals = GoalsDocument.model_validate(change.data)
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO catalogue_documents (kind, version, data) VALUES (?, ?, ?)",
            (GOALS_DOCUMENT, goals.version, goals.model_dump_json()),
        )
        return
    if not catalogue_kind_known(change.entity_id, None):
        return  # a kind from a newer server: this version has no use for it
    store_document(conn, CatalogueDocument.model_validate(change.data))


def _delete(conn: Connection, target: EntityTable, ids: Sequence[str]) -> int:
    sql = f"DELETE FROM {target.table.name} WHERE {target.key} = ?"
    conn.exec_driver_sql(sql, [(i,) for i in ids])
    return len(ids)


def _leaving(conn: Connection, hcp_ids: Sequence[str]) -> tuple[int, int]:
    """How many of these HCPs the device holds, and their planned (not done) visits: the
    rep is told, or a visit would vanish from the planner without a word."""
    held = conn.execute(select(func.count()).where(hcps.c.id.in_(hcp_ids))).scalar_one()
    plans = conn.execute(
        select(func.count()).where(
            visit_plans.c.hcp_id.in_(hcp_ids), visit_plans.c.status == "planned"
        )
    ).scalar_one()
    return int(held), int(plans)


def _delete_dependents(conn: Connection, hcp_ids: Sequence[str]) -> None:
    params = [(i,) for i in hcp_ids]
    for table in HCP_DEPENDENTS:
        conn.exec_driver_sql(f"DELETE FROM {table.name} WHERE hcp_id = ?", params)


def _upsert(conn: Connection, target: EntityTable, items: Iterable[Change]) -> int:
    # Group by the set of fields present, so a partial record never blanks the rest.
    groups: dict[frozenset[str], list[Change]] = {}
    for change in items:
        assert change.data is not None
        groups.setdefault(frozenset(change.data), []).append(change)
    columns = list(target.table.columns)
    names = [c.name for c in columns]
    count = 0
    for present, group in groups.items():
        updated = [n for n in names if n != target.key and (n in present or n == "version")]
        if not target.has_version:
            updated = [n for n in updated if n != "version"]
        sql = (
            f"INSERT INTO {target.table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT({target.key}) DO "
            + (
                "UPDATE SET " + ", ".join(f"{n} = excluded.{n}" for n in updated)
                if updated
                else "NOTHING"
            )
        )
        rows = _rows(_row_plan(columns, target), group)
        conn.exec_driver_sql(sql, rows)
        count += len(rows)
    return count


_KEY, _VERSION, _JSON_CELL, _PLAIN = range(4)
_ABSENT = object()  # a field the change does not carry


def _row_plan(columns: Sequence[Any], target: EntityTable) -> list[tuple[Any, int, Any]]:
    """Per column, once per page: what fills it, and its stored value when a change
    does not carry it."""
    plan = []
    for column in columns:
        if column.name == target.key:
            kind = _KEY
        elif column.name == "version":
            kind = _VERSION
        else:
            kind = _JSON_CELL if isinstance(column.type, JsonText) else _PLAIN
        plan.append((column, kind, _db_value(column, _fallback(column))))
    return plan


def _rows(plan: list[tuple[Any, int, Any]], changes: Sequence[Change]) -> list[tuple[Any, ...]]:
    """The rows for `executemany`, built a column at a time: a first sync converts
    millions of cells, and one comprehension per column costs a third of a loop over
    the columns of each row. Text and NULL (most cells) go as they are."""
    datas = [change.data or {} for change in changes]
    columns: list[list[Any]] = []
    for column, kind, missing in plan:
        if kind == _KEY:
            columns.append([change.entity_id for change in changes])
            continue
        if kind == _VERSION:
            columns.append([change.version for change in changes])
            continue
        cells = [data.get(column.name, _ABSENT) for data in datas]
        if kind == _JSON_CELL:
            columns.append([missing if v is _ABSENT else _json_text(v) for v in cells])
        else:
            columns.append(
                [
                    v if v is None or type(v) is str
                    else missing if v is _ABSENT
                    else _db_value(column, v)
                    for v in cells
                ]
            )  # fmt: skip
    return list(zip(*columns, strict=True))


def set_version(conn: Connection, entity: str, entity_id: str, version: int) -> None:
    """Record the server's version of a record after the server applied our change."""
    try:
        target = ENTITY_TABLES[Entity(entity)]
    except (KeyError, ValueError):
        return
    if target.has_version:
        conn.exec_driver_sql(
            f"UPDATE {target.table.name} SET version = ? WHERE {target.key} = ?",
            (version, entity_id),
        )


def clear_synced(conn: Connection, *, now: datetime | None = None) -> None:
    """Before a full resync: drop every synced record the outbox does not mention.

    The HCPs dropped leave their records in `former_hcps` as a tombstone would: the
    fresh pull brings back the notes of those that left the territory meanwhile (and
    the HCPs still in it, which takes their records out again). `prune_former_hcps`
    then drops the records no note came back for."""
    held_changes.clear(conn)
    kept = outbox.ids_of(Entity.HCP)
    gone = [r[0] for r in conn.execute(select(hcps.c.id).where(hcps.c.id.not_in(kept)))]
    former_hcps.keep(conn, gone, now)
    for entity, target in ENTITY_TABLES.items():
        key = target.table.c[target.key]
        conn.execute(delete(target.table).where(key.not_in(outbox.ids_of(entity))))


def prune_former_hcps(conn: Connection) -> None:
    """At the end of a pull: former HCPs no call note is about (none came back in a
    full resync) are gone for good."""
    former_hcps.prune(conn)


def drop_orphan_contacts(conn: Connection) -> None:
    """At the end of a complete pull: contacts about HCPs the device does not hold (a
    fresh device pulls those its territory got for an HCP that has left it since; their
    HCP's own change may come after them in the feed, so not before the pull ends)."""
    conn.execute(delete(hcp_contacts).where(hcp_contacts.c.hcp_id.not_in(select(hcps.c.id))))


def release_held(conn: Connection, *, now: datetime | None = None) -> int:
    """After a push: apply held changes (`store.held_changes`) whose records have no
    pending mutations left."""
    held = held_changes.held(conn)
    if not held:
        return 0
    pending = outbox.pending_keys(conn)
    ready = [c for c in held if (c.entity.value, c.entity_id) not in pending]
    held_changes.release(conn, ready)
    # A record our push updated already carries a newer server version: skip its held one.
    newer = [c for c in ready if _local_version(conn, c) < c.version]
    apply_page(conn, newer, now=now)
    return len(newer)


def _local_version(conn: Connection, change: Change) -> int:
    target = ENTITY_TABLES.get(change.entity)
    if target is None or not target.has_version:
        return -1
    row = conn.exec_driver_sql(
        f"SELECT version FROM {target.table.name} WHERE {target.key} = ?", (change.entity_id,)
    ).first()
    return -1 if row is None else int(row[0])
