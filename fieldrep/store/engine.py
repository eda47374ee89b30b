"""The encrypted SQLite engine: SQLCipher through SQLAlchemy.

The key is checked on a read-only connection before the engine exists, so a wrong
key or passphrase never writes a byte to the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from fieldrep.domain.errors import FieldrepError
from fieldrep.security.keys import WrongKeyError

PLAINTEXT_HEADER = b"SQLite format 3\x00"
IMMEDIATE_OPTION = "fieldrep_immediate"


class StoreError(FieldrepError):
    """The workspace file cannot be used (damaged, not a workspace, busy)."""


def _raw_key_pragma(key: bytes) -> str:
    # SQLCipher's raw-key syntax: the 32 bytes as hex, skipping its own KDF.
    return f"\"x'{key.hex()}'\""


def verify_key(path: Path, key: bytes) -> None:
    """Raise WrongKeyError unless `key` decrypts `path`; opens the file read-only."""
    with path.open("rb") as fh:
        if fh.read(len(PLAINTEXT_HEADER)) == PLAINTEXT_HEADER:
            raise StoreError(f"{path} is an unencrypted database, not a Fieldrep workspace.")
    conn = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is not an error to log
        conn.execute(f"PRAGMA key = {_raw_key_pragma(key)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        raise WrongKeyError(
            "That passphrase or key does not open this workspace. Nothing was changed; try again."
        ) from None
    finally:
        conn.close()


def create_encrypted_engine(path: Path, key: bytes) -> Engine:
    """An engine whose every connection is keyed, in WAL mode, with foreign keys on."""
    url = URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(path))
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        connect_args={"check_same_thread": False},
        hide_parameters=True,  # errors and logs never carry note text or other values
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.close()
        # Let SQLAlchemy, not the driver, decide where transactions begin (DDL included).
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the write lock up front, so two writers queue on busy_timeout
        # instead of failing when a read transaction tries to upgrade.
        immediate = conn.get_execution_options().get(IMMEDIATE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def rekey(engine: Engine, new_key: bytes) -> None:
    """Re-encrypt the whole file under `new_key` (key rotation, passphrase change)."""
    engine.dispose()  # no other pooled connection may hold the file open
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # SQLCipher rekeys only outside WAL mode.
        cursor.execute("PRAGMA journal_mode = DELETE")
        cursor.execute(f"PRAGMA rekey = {_raw_key_pragma(new_key)}")
        cursor.close()
    finally:
        raw.invalidate()
    engine.dispose()
