"""Small key/value facts about this device and its sync: id, user, cursor, last sync."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldrep.store.schema import sync_state

DEVICE_ID = "device_id"
USERNAME = "username"
ROLE = "role"  # rep, manager or admin: from the server's sign-in and handshake answers
SERVER_URL = "server_url"
CURSOR = "cursor"
LAST_SYNC = "last_sync"
LAST_ERROR = "last_error"
DEVICE_POLICY = "device_policy"  # the organisation's, from the last handshake (a header value)


def get(conn: Connection, key: str) -> str | None:
    return conn.execute(select(sync_state.c.value).where(sync_state.c.key == key)).scalar()


def put(conn: Connection, key: str, value: str) -> None:
    statement = sqlite_insert(sync_state).values(key=key, value=value)
    conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def delete(conn: Connection, key: str) -> None:
    conn.execute(sync_state.delete().where(sync_state.c.key == key))
