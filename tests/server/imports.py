"""Helpers for the import tests: run the admin CLI in-process, fingerprint the database
(so a refusal can be shown to have written nothing), and a live server with devices."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from sync_server import db
from sync_server.cli import main
from sync_server.models import (
    CallNote,
    ChangeLogEntry,
    Hcp,
    HcpAssignment,
    Territory,
    User,
    UserTerritory,
)
from tests.server.test_live_server import running_server
from tests.server.world import Api

TABLES = (Hcp, ChangeLogEntry, Territory, HcpAssignment, CallNote, User, UserTerritory)


def run(database_url: str, *args: str) -> int:
    return main(["--database-url", database_url, *args])


def fingerprint(database_url: str) -> dict[str, Any]:
    """Row counts, the newest change-log seq and every HCP's version and territory."""
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        counts = {
            model.__tablename__: session.execute(
                select(func.count()).select_from(model)
            ).scalar_one()
            for model in TABLES
        }
        seq = session.execute(select(func.max(ChangeLogEntry.seq))).scalar_one()
        hcps = {h.id: (h.version, h.territory_id) for h in session.scalars(select(Hcp))}
    engine.dispose()
    return {"counts": counts, "seq": seq, "hcps": hcps}


def hcp_data(database_url: str) -> dict[str, dict[str, Any]]:
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        found = {
            h.id: {**h.data, "_territory": h.territory_id} for h in session.scalars(select(Hcp))
        }
    engine.dispose()
    return found


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


@contextmanager
def live_api(server_bin: str, database_url: str, log: Path) -> Iterator[Api]:
    """A real `fieldrep-server serve` on this database, and a protocol client for it."""
    with (
        running_server(server_bin, database_url, log) as url,
        httpx.Client(base_url=url, timeout=30) as http,
    ):
        yield Api(http)
