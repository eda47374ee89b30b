"""Engines, sessions and schema upgrades for SQLite (default) and PostgreSQL.

SQLite: WAL, foreign keys, a busy timeout, and every transaction begins IMMEDIATE so
two writers queue instead of failing when both try to upgrade a read lock. Savepoints
(one per pushed mutation) need the driver's own transaction handling switched off,
which is what the `connect`/`begin` hooks below do (SQLAlchemy's documented recipe).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from sync_server import fastjson

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


DEFAULT_TIMEOUT = 10.0  # seconds; FIELDREP_DATABASE_TIMEOUT


def make_engine(
    database_url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    transaction_pooler: bool = False,
    idle_transaction_timeout: float = 0.0,
    pool_size: int = 10,
    max_overflow: int = 20,
) -> Engine:
    """`hide_parameters`: a database error's text (logged with any unexpected 500) must not
    carry the statement's values, which include call-note text (health data).

    PostgreSQL: `timeout` bounds how long a request can wait on a database that is away:
    connecting (`connect_timeout`), a pool connection (`pool_timeout`), unacknowledged
    data (`tcp_user_timeout`) and a silent peer (TCP keepalives). Past it the driver
    raises and the error boundary answers 503, instead of a request hanging for the
    kernel's 15 minutes. `transaction_pooler`: the URL points at PgBouncer in transaction
    pooling mode, where a server connection changes between transactions, so psycopg
    must not prepare statements (`prepare_threshold=None`).

    `idle_transaction_timeout` (the serving processes only: a CLI import may think longer
    between statements): PostgreSQL ends a transaction left idle that long and frees its
    locks, so a request orphaned by a cut link cannot hold the change-log lock for hours;
    a wait for a lock gives up after as long (503, retried by the app).
    The same connections ask PostgreSQL for the keepalives above on its side too: a
    session orphaned *inside* a statement (a push's COPY waiting for rows that will never
    come) is not idle, and PostgreSQL defers a statement timeout while it waits for the
    client, so only noticing the dead peer ends it. PgBouncer refuses the `options`
    start-up parameter: through it these are PgBouncer's own settings (docs/deploy.md)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        seconds = max(2, int(timeout))
        connect_args: dict[str, Any] = {
            "connect_timeout": seconds,
            "tcp_user_timeout": seconds * 1000,
            "keepalives": 1,
            "keepalives_idle": max(1, seconds // 2),
            "keepalives_interval": 1,
            "keepalives_count": max(1, seconds // 2),
        }
        if transaction_pooler:
            connect_args["prepare_threshold"] = None
        elif idle_transaction_timeout > 0:
            orphan_ms = int(idle_transaction_timeout * 1000)
            server_side = {
                "idle_in_transaction_session_timeout": orphan_ms,
                # A push queued behind an orphan when the link went is an orphan too: once
                # it gets the lock it idles like the first. Waits are bounded the same way,
                # so the whole queue is gone within about twice the limit, not one limit
                # per queued push.
                "lock_timeout": orphan_ms,
                "tcp_keepalives_idle": connect_args["keepalives_idle"],
                "tcp_keepalives_interval": connect_args["keepalives_interval"],
                "tcp_keepalives_count": connect_args["keepalives_count"],
                "tcp_user_timeout": connect_args["tcp_user_timeout"],
            }
            connect_args["options"] = " ".join(f"-c {k}={v}" for k, v in server_side.items())
        return create_engine(
            url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow,
            pool_timeout=timeout, hide_parameters=True, connect_args=connect_args,
            json_deserializer=fastjson.loads,
        )  # fmt: skip
    if url.database and url.database != ":memory:":
        _private_file(Path(url.database))
    engine = create_engine(
        url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True,
        json_deserializer=fastjson.loads,
    )  # fmt: skip

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (it holds note text and password
    and token hashes). SQLite gives `-wal` and `-shm` the main file's permissions, so
    they follow; files left 0644 by an older server are tightened too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists() and name.stat().st_mode & 0o077:
            name.chmod(0o600)


def lock_name(session: Session, name: str) -> None:
    """Take turns on `name` until this transaction ends (PostgreSQL: a transaction-level
    advisory lock, which also covers names that have no row to lock; SQLite: nothing,
    its database-wide write lock already serialises writers)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any exception."""
    with factory() as session, session.begin():
        yield session


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def schema_head(engine: Engine) -> str:
    """The Alembic revision this code expects (what `upgrade` brings a database to)."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine) -> list[str]:
    """Bring the schema to the newest Alembic revision (safe to run at every start).

    Returns the steps this process ran ("0006 -> 0007", ...): empty when the schema was
    current, or when another process starting at the same time migrated it first (the
    migration lock, migrations/env.py), so an admin can see which process did it."""
    steps: list[str] = []

    class _Steps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if message.startswith("Running upgrade"):  # "Running upgrade 0006 -> 0007, why"
                steps.append(message.removeprefix("Running upgrade").split(",")[0].strip())

    migration_log = logging.getLogger("alembic.runtime.migration")
    handler, level, propagate = _Steps(logging.INFO), migration_log.level, migration_log.propagate
    migration_log.addHandler(handler)
    migration_log.setLevel(logging.INFO)
    migration_log.propagate = False  # heard here only, not printed as alembic's INFO lines
    try:
        command.upgrade(alembic_config(engine), "head")
    finally:
        migration_log.removeHandler(handler)
        migration_log.setLevel(level)
        migration_log.propagate = propagate
    return steps
