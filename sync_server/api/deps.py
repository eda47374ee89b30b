"""Dependencies the routes share: a database session, the calling device, the protocol
version header. Routes declare them through the Annotated aliases below."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import PROTOCOL_HEADER
from sync_server.config import Settings
from sync_server.services.auth import authenticate
from sync_server.services.callers import Caller
from sync_server.services.sync import check_versions


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def check_protocol_header(
    protocol: Annotated[
        int | None,
        Header(
            alias=PROTOCOL_HEADER,
            description="The client's protocol version; too old is answered 426.",
        ),
    ] = None,
) -> None:
    """426 `update_required` for an old client, before the token or any data is looked at.

    A missing header is accepted (protocol 1 clients predate it); the handshake checks
    the version in its body either way.
    """
    if protocol is not None:
        check_versions(protocol)


def get_current_device(
    session: SessionDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Caller:
    caller = authenticate(session, authorization=authorization, settings=settings)
    session.commit()  # end the read transaction; the route starts its own work
    return caller


CurrentDevice = Annotated[Caller, Depends(get_current_device)]
ProtocolChecked = Depends(check_protocol_header)
