"""POST /api/v1/auth/login: password in, per-device token out."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from fieldrep.sync.protocol import LoginRequest, LoginResponse
from sync_server.api.deps import CurrentDevice, SessionDep, SettingsDep
from sync_server.api.errors import responses
from sync_server.services import auth

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=LoginResponse, responses=responses(401, 403, 422, 429))
def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> LoginResponse:
    """Check the password; register (or refresh) the device; return a new token.

    The token is shown once and stored only as a SHA-256 hash. A revoked device gets
    401 `device_revoked`; repeated failures for a username, or many failures from one
    client address, get 429 with Retry-After.
    """
    # The socket's peer: behind a reverse proxy, the proxy (X-Forwarded-For is not trusted).
    address = request.client.host if request.client else None
    return auth.login(session, request=body, settings=settings, address=address)


@router.post("/logout", status_code=204, response_class=Response, responses=responses(401))
def logout(request: Request, session: SessionDep, caller: CurrentDevice) -> Response:
    """Forget this device's token on the server (the app also removes it locally).

    The device stays registered and keeps its data; the next login issues a new token.
    """
    address = request.client.host if request.client else None
    auth.logout(session, caller=caller, address=address)
    return Response(status_code=204)
