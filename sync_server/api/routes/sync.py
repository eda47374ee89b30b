"""The sync calls: handshake, push, pull."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from fieldrep.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    DEVICE_POLICY_HEADER,
    MAX_PULL_LIMIT,
    DevicePolicy,
    Handshake,
    HandshakeResult,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync_server.api.deps import CurrentDevice, ProtocolChecked, SessionDep, SettingsDep
from sync_server.api.errors import responses
from sync_server.services import sync
from sync_server.services.auth import authenticate

router = APIRouter(prefix="/sync", tags=["sync"])


@router.post("/handshake", response_model=HandshakeResult, responses=responses(401, 403, 422, 426))
def handshake(
    body: Handshake,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> HandshakeResult:
    """Versions first (426 `update_required` before anything else), then the token.

    The answer carries the organisation's device policy in the `X-Fieldrep-Device-Policy`
    header (days offline before the app locks until it syncs, idle lock minutes)."""
    sync.check_versions(body.protocol_version, body.schema_version)
    caller = authenticate(session, authorization=authorization, settings=settings)
    policy = DevicePolicy(settings.device_max_offline_days, settings.device_idle_lock_minutes)
    response.headers[DEVICE_POLICY_HEADER] = policy.header()
    return sync.handshake(session, caller=caller, request=body)


@router.post(
    "/push",
    response_model=PushResponse,
    responses=responses(401, 403, 422, 426),
    dependencies=[ProtocolChecked],
)
def push(body: PushRequest, session: SessionDep, caller: CurrentDevice) -> PushResponse:
    """Apply mutations in order, each exactly once: `applied`, `rejected` (with a reason
    for the rep) or `duplicate` (a replay, with its original outcome)."""
    return sync.push(session, caller=caller, request=body)


@router.get(
    "/pull",
    response_model=PullResponse,
    responses=responses(401, 422, 426),
    dependencies=[ProtocolChecked],
)
def pull(
    session: SessionDep,
    caller: CurrentDevice,
    since: Annotated[int, Query(ge=0, le=2**62, description="The cursor of the last page")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> Response:
    """The next page of changes the caller may see now, after `since`, in server order."""
    page = sync.pull(session, caller=caller, since=since, limit=limit)
    # Shaped like PullResponse (the documented model), encoded in one orjson call.
    return Response(page.as_json(), media_type="application/json")
