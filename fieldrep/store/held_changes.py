"""Pulled changes held back by pending local edits: a table of their own since the
`held_changes_table` migration (before it, `held:` rows of `sync_state`).

A pull never overwrites a record with pending mutations (DESIGN.md section 4). The
server's latest change to such a record waits here, one row per record, until our push
is answered: if our edit is applied, the server logs a newer change that supersedes it;
if it is rejected, nothing newer comes, and the held change restores the server's state.
The caller owns the transaction (a pulled page and its held changes commit together).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, select, tuple_
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldrep.store.schema import held_changes
from fieldrep.sync.protocol import Change


def hold(conn: Connection, change: Change) -> None:
    """Keep `change` for its record, replacing an older one held for it."""
    statement = sqlite_insert(held_changes).values(
        entity=change.entity.value, entity_id=change.entity_id, change=change.model_dump_json()
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["entity", "entity_id"], set_={"change": statement.excluded.change}
        )
    )


def held(conn: Connection) -> list[Change]:
    """Every held change, in the order the server logged them."""
    rows = conn.execute(select(held_changes.c.change))
    return sorted((Change.model_validate_json(row[0]) for row in rows), key=lambda c: c.seq)


def release(conn: Connection, changes: Iterable[Change]) -> None:
    """Forget these held changes (applied, or superseded)."""
    keys = [(c.entity.value, c.entity_id) for c in changes]
    if keys:
        key = tuple_(held_changes.c.entity, held_changes.c.entity_id)
        conn.execute(delete(held_changes).where(key.in_(keys)))


def clear(conn: Connection) -> None:
    """Before a full resync: nothing held is worth keeping."""
    conn.execute(delete(held_changes))
