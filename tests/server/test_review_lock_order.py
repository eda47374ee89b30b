"""Review finding: every change-log writer takes its locks in one order before its first
row lock, so an HCP import and a push cannot deadlock each other: a push in flight holds
the writers' gate (shared) and, while it commits, the sequence lock; the import waits
for both before it locks any HCP row."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from sync_server import db
from sync_server.services.changelog import CHANGE_LOG_LOCK_KEY, WRITERS_GATE_KEY
from sync_server.services.hcps import upsert_hcps
from tests.server.conftest import _empty_postgres
from tests.server.world import build_world, hcp_record


@pytest.mark.postgres
@pytest.mark.parametrize(
    "push_holds",
    [
        f"SELECT pg_advisory_xact_lock_shared({WRITERS_GATE_KEY})",  # applying its batch
        f"SELECT pg_advisory_xact_lock({CHANGE_LOG_LOCK_KEY})",  # writing the log, committing
    ],
    ids=["gate", "sequence"],
)
def test_an_hcp_import_waits_for_the_change_log_lock_before_locking_any_hcp_row(
    postgres_database: str, push_holds: str
) -> None:
    """PostgreSQL only: SQLite's database-wide write lock leaves no order to get wrong."""
    _empty_postgres(postgres_database)
    build_world(postgres_database)
    engine = db.make_engine(postgres_database)
    factory = db.session_factory(engine)
    with factory() as holder:  # plays a push that holds the lock
        holder.execute(text(push_holds))

        def import_one() -> None:
            with db.transaction(factory) as session:
                upsert_hcps(session, [hcp_record("h-n1", "T-NORTH", name="Dr Renamed")])

        importer = threading.Thread(target=import_one)
        importer.start()
        time.sleep(1.0)  # let the import run as far as it can
        with factory() as probe:
            try:
                probe.execute(text("SET lock_timeout = '200ms'"))
                probe.execute(text("SELECT id FROM hcps WHERE id = 'h-n1' FOR UPDATE")).all()
                row_free = True
            except OperationalError:
                row_free = False
            probe.rollback()
        holder.rollback()
    importer.join(30)
    engine.dispose()
    assert row_free, "the import locked an HCP row before taking the change-log lock"
