"""Review finding: every change-log writer takes the ordering lock before its first row
lock, so an HCP import and a push (which locks first) cannot deadlock each other."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from sync_server import db
from sync_server.config import Settings
from sync_server.services.changelog import CHANGE_LOG_LOCK_KEY
from sync_server.services.hcps import upsert_hcps
from tests.server.world import hcp_record


@pytest.mark.postgres
def test_an_hcp_import_waits_for_the_change_log_lock_before_locking_any_hcp_row(
    settings: Settings, world: None, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the advisory lock exists on PostgreSQL only (SQLite locks the database)")
    engine = db.make_engine(database_url)
    factory = db.session_factory(engine)
    with factory() as holder:  # plays a push that holds the lock
        holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})

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
