"""Migration 0007 gives the plans and suggestion decisions logged before it their owner in
the change log, so a manager's first sync attributes every record of the team (SQLite
and PostgreSQL)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sync_server import db
from tests.server.conftest import POSTGRES_ENV

ROWS = [
    ("INSERT INTO users (username, role, password_hash, created_at) "
     "VALUES ('REP-OLD', 'rep', 'x', '2026-01-01')"),
    ("INSERT INTO visit_plans (id, owner, hcp_id, version, data, updated_at) VALUES "
     "('P-OLD', 'REP-OLD', 'H1', 1, '{\"hcp_id\": \"H1\", \"status\": \"done\"}', '2026-01-01')"),
    ("INSERT INTO suggestion_feedback (id, owner, hcp_id, data, created_at) VALUES "
     "('F-OLD', 'REP-OLD', 'H1', '{\"hcp_id\": \"H1\", \"action\": \"accepted\"}', '2026-01-01')"),
    ("INSERT INTO change_log (entity, entity_id, op, scope, version, data, created_at) VALUES "
     "('visit_plan', 'P-OLD', 'create', 'user:REP-OLD', 1, "
     "'{\"hcp_id\": \"H1\", \"status\": \"done\"}', '2026-01-01')"),
    ("INSERT INTO change_log (entity, entity_id, op, scope, version, data, created_at) VALUES "
     "('suggestion_feedback', 'F-OLD', 'create', 'user:REP-OLD', 1, "
     "'{\"hcp_id\": \"H1\", \"action\": \"accepted\"}', '2026-01-01')"),
    ("INSERT INTO change_log (entity, entity_id, op, scope, version, data, created_at) VALUES "
     "('visit_plan', 'P-GONE', 'delete', 'user:REP-OLD', 2, NULL, '2026-01-01')"),
]  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all (PostgreSQL: one of its own, dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
        return
    request.getfixturevalue("postgres_database")  # skips (or fails in CI) without one
    admin = create_engine(os.environ[POSTGRES_ENV], isolation_level="AUTOCOMMIT")
    name = f"fieldrep_mig_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(os.environ[POSTGRES_ENV])
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_plans_and_feedback_logged_before_get_their_owner(empty_url: str) -> None:
    engine = db.make_engine(empty_url)
    command.upgrade(db.alembic_config(engine), "0006")
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement))
    db.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT entity_id, data FROM change_log ORDER BY seq")).all()
    engine.dispose()
    data = {r[0]: (json.loads(r[1]) if isinstance(r[1], str) else r[1]) for r in rows}
    assert data["P-OLD"] == {"hcp_id": "H1", "status": "done", "owner": "REP-OLD"}
    assert data["F-OLD"] == {"hcp_id": "H1", "action": "accepted", "owner": "REP-OLD"}
    assert data["P-GONE"] is None  # a tombstone stays one
