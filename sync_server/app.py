"""The FastAPI application factory.

The app holds no state that matters across processes: everything (devices, ledger,
failed-login counts, the change log) lives in the database, so several server
processes can share one PostgreSQL.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from fieldrep.sync.protocol import PROTOCOL_VERSION
from sync_server import db
from sync_server.api import errors
from sync_server.api.headers import SecurityHeaders
from sync_server.api.limits import BodyLimit
from sync_server.api.routes import auth, health, reports, sync
from sync_server.config import Settings
from sync_server.observability import RequestId, log_own_lines

API_PREFIX = "/api/v1"


def create_app(
    database_url: str | None = None, *, settings: Settings | None = None, migrate: bool = False
) -> FastAPI:
    """Build the app on `database_url` (default: FIELDREP_DATABASE_URL or a SQLite file).

    `migrate=True` upgrades the schema first (the `serve` command does this).
    """
    settings = settings or Settings.from_env(database_url)
    engine = db.make_engine(
        settings.database_url,
        timeout=settings.database_timeout,
        transaction_pooler=settings.transaction_pooler,
        idle_transaction_timeout=settings.database_idle_transaction_timeout,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    if migrate:
        db.upgrade(engine)
    app = FastAPI(
        title="Fieldrep sync server",
        version=f"protocol {PROTOCOL_VERSION}",
        description="Territory-scoped, idempotent push/pull sync for Fieldrep clients.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = db.session_factory(engine)
    app.state.schema_head = db.schema_head(engine)
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # on every answer, refusals included
    app.add_middleware(RequestId, access=settings.json_logs)  # outermost: ids every line
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(health.router)
    api.include_router(auth.router)
    api.include_router(sync.router)
    api.include_router(reports.router)
    app.include_router(api)
    app.include_router(health.probes)  # /health and /ready, where balancers look
    return app


def app_from_env() -> FastAPI:
    """The factory `uvicorn --workers N --factory` and gunicorn call in each worker
    (settings from the environment; `fieldrep-server serve` migrates before forking)."""
    app = create_app()
    log_own_lines(json_lines=app.state.settings.json_logs)
    return app
