"""GET /api/v1/health: readiness for load balancers and tests (touches the database)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from fieldrep.sync.protocol import PROTOCOL_VERSION
from sync_server.api.deps import SessionDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    protocol_version: int


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    session.rollback()
    return Health(status="ok", protocol_version=PROTOCOL_VERSION)
