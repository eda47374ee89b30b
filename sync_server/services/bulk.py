"""Many rows into one table inside the caller's transaction, as fast as the database
allows: COPY on PostgreSQL (a 100,000-HCP import spent most of its time in per-row
INSERTs), one executemany elsewhere. Rows keep their order, so identity columns such as
`change_log.seq` are handed out in the order given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import JSON, Table, insert
from sqlalchemy.orm import Session

from sync_server.models import Base


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `model`'s table in this transaction."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    from psycopg.types.json import Jsonb  # the PostgreSQL driver; absent in SQLite-only use

    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    quoted = ", ".join(f'"{c}"' for c in columns)
    statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [Jsonb(row[c]) if c in as_json and row[c] is not None else row[c] for c in columns]
            )
