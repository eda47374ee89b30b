"""Probes for load balancers, orchestrators and tests.

- `GET /health`: the process is alive and serving (touches nothing; never fails while the
  event loop runs). Restart the process when this stops answering.
- `GET /ready`: the database answers and its schema is the one this code expects
  (Alembic's head). 503 otherwise: take the process out of the load balancer, do not
  restart it (a database away for a minute is not cured by restarting every server).
- `GET /api/v1/health`: kept for existing clients and monitors; like `/ready` it touches
  the database (an error there is answered 503 by the error boundary).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from fieldrep.sync.protocol import PROTOCOL_VERSION
from sync_server.api.deps import SessionDep

router = APIRouter(tags=["health"])
probes = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    protocol_version: int


class Readiness(BaseModel):
    status: str
    schema_revision: str | None
    expected_revision: str
    reason: str | None = None


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    session.rollback()
    return Health(status="ok", protocol_version=PROTOCOL_VERSION)


@probes.get("/health", response_model=Health)
async def alive() -> Health:
    """Alive: answers as long as the process serves requests; no database work."""
    return Health(status="ok", protocol_version=PROTOCOL_VERSION)


@probes.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Database away or schema not current"}},
)
def ready(request: Request) -> JSONResponse:
    """Ready: the database answers (within the server's database timeout) and the schema
    is at the revision this code was built for; else 503 with the reason."""
    expected: str = request.app.state.schema_head
    try:
        with request.app.state.engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as error:
        driver = getattr(error, "orig", None) or error
        if _no_schema(driver):  # it answered: it just has no Fieldrep schema
            body = Readiness(
                status="no_schema", schema_revision=None, expected_revision=expected,
                reason="the database has no Fieldrep schema yet: run `fieldrep-server init-db`",
            )  # fmt: skip
        else:
            body = Readiness(
                status="unavailable", schema_revision=None, expected_revision=expected,
                reason=f"database unreachable ({type(driver).__name__})",
            )  # fmt: skip
        return JSONResponse(body.model_dump(), status_code=503)
    if current != expected:
        body = Readiness(
            status="schema_mismatch", schema_revision=current, expected_revision=expected,
            reason=f"the database schema is at {current}, this server expects {expected}: "
            "run `fieldrep-server init-db` with this version (a newer schema needs this "
            "server upgraded)",
        )  # fmt: skip
        return JSONResponse(body.model_dump(), status_code=503)
    body = Readiness(status="ready", schema_revision=current, expected_revision=expected)
    return JSONResponse(body.model_dump())


def _no_schema(driver_error: BaseException) -> bool:
    """PostgreSQL's UndefinedTable, SQLite's "no such table": reachable, not initialised."""
    return type(driver_error).__name__ == "UndefinedTable" or "no such table" in str(driver_error)
