"""Alembic environment: the engine comes from `sync_server.db.upgrade` (or the URL in
the Alembic config when run by hand). On PostgreSQL an advisory lock makes concurrent
server starts wait for each other instead of racing through the same migration."""

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
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                connection.commit()


run_migrations_online()
