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
MIN_CHECKED_BYTES = 4096  # one page: the first page holds what the key must decrypt
IMMEDIATE_OPTION = "fieldrep_immediate"
# FULL: a commit waits until the WAL is on the disk, so a logged call survives a power
# cut, not only a crash of the app (NORMAL may lose the last commits then). Measured by
# tests/perf/bench_durable_commits.py; see docs/security.md.
SYNCHRONOUS = "FULL"


class StoreError(FieldrepError):
    """The workspace file cannot be used (damaged, not a workspace, busy)."""


def _raw_key_pragma(key: bytes) -> str:
    # SQLCipher's raw-key syntax: the 32 bytes as hex, skipping its own KDF.
    return f"\"x'{key.hex()}'\""


def verify_key(path: Path, key: bytes) -> None:
    """Raise WrongKeyError unless `key` decrypts `path`; changes no byte of any file.

    `immutable=1`: SQLite then opens neither the `-wal` nor the `-shm` left by a crash
    (a read-only connection would still rebuild the shared-memory index). The key is
    checked against the main file's first page, which a checkpoint has always written
    once the workspace exists; a main file without one falls back to read-only mode.
    """
    with path.open("rb") as fh:
        head = fh.read(MIN_CHECKED_BYTES)
    if head.startswith(PLAINTEXT_HEADER):
        raise StoreError(f"{path} is an unencrypted database, not a Fieldrep workspace.")
    mode = "ro&immutable=1" if len(head) >= MIN_CHECKED_BYTES else "ro"
    conn = sqlcipher3.connect(f"file:{path}?mode={mode}", uri=True)
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
        cursor.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
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
