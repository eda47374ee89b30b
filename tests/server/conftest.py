"""Server test fixtures: a fresh database per test on SQLite and on PostgreSQL, a small
world of users/territories/HCPs, in-process clients and a real uvicorn process.

PostgreSQL: one uniquely named database per test session and xdist worker, created from
FIELDREP_TEST_POSTGRES_URL and dropped at the end; tables are emptied before each test.
Without that variable the postgres cases are skipped, saying why (CI always sets it).
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sync_server import db
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.models import Base
from tests.server.world import Api, build_world

POSTGRES_ENV = "FIELDREP_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("server-template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database(worker_id: str) -> Iterator[str]:
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        if os.environ.get("CI"):  # CI always provides PostgreSQL: its absence is a failure
            pytest.fail(f"{POSTGRES_ENV} is not set in CI; .ci/run should have set it")
        pytest.skip(f"{POSTGRES_ENV} is not set, so there is no PostgreSQL to test against")
    name = f"fieldrep_test_{worker_id}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated server database: a SQLite copy, or the emptied PostgreSQL one."""
    if request.param == "sqlite":
        path = tmp_path / "server.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database")
    _empty_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, login_free_failures=3, login_base_delay=30.0)


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings=settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def world(settings: Settings) -> None:
    """rep1 (T-NORTH), rep2 (T-SOUTH) managed by manager1; rep3 (T-WEST) by manager2."""
    build_world(settings.database_url)


@pytest.fixture
def api(app_client: TestClient, world: None) -> Api:
    return Api(app_client)


@pytest.fixture
def server_bin() -> str:
    path = Path(sys.executable).parent / "fieldrep-server"
    return str(path) if path.exists() else shutil.which("fieldrep-server") or "fieldrep-server"
