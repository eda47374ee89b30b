"""Alembic environment: the engine comes from `sync_server.db.upgrade` (or the URL in
the Alembic config when run by hand).

However many server processes start at once, the migrations run once: on PostgreSQL
the whole upgrade is one transaction that first takes a transaction-level advisory lock,
so concurrent starts queue on it, and each one that gets it after the first finds the
schema at head and does nothing. Transaction-level (not session-level) so it also works
through PgBouncer in transaction pooling mode, where a lock taken and released by two
statements could land on two different server connections."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine, text

from sync_server.models import Base

MIGRATION_LOCK_KEY = 7_346_201  # any constant; shared by every server process

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Held until this upgrade commits; Alembic reads the current revision
                # only inside run_migrations, i.e. after the lock is ours.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY}
                )
            context.run_migrations()


run_migrations_online()
