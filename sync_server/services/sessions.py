"""A user's lifecycle: disable / enable, reset the password, list and end sessions.

A session is a device holding a live token. Ending one forgets the token (the device
logs in again; its data stays); revoking a device (`auth.revoke_device`) also wipes it.
Each change is audited in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync_server.config import Settings
from sync_server.errors import Invalid
from sync_server.models import Device, LoginFailure, User
from sync_server.security import hash_password
from sync_server.services import audit
from sync_server.services.auth import token_expiry
from sync_server.services.callers import utcnow
from sync_server.services.users import MIN_PASSWORD_LENGTH


def _user(session: Session, username: str) -> User:
    user = session.get(User, username)
    if user is None:
        raise Invalid(f"No user '{username}'.")
    return user


def end_sessions(
    session: Session, *, username: str, device_id: str | None = None, actor: str = audit.ADMIN_CLI
) -> int:
    """Forget the tokens of the user's devices (one device, or all); returns how many."""
    _user(session, username)
    query = update(Device).where(Device.username == username, Device.token_hash.is_not(None))
    if device_id is not None:
        query = query.where(Device.id == device_id)
    ended = int(
        session.execute(  # type: ignore[attr-defined]
            query.values(token_hash=None, token_issued_at=None, token_used_at=None)
        ).rowcount
    )
    audit.record(
        session, actor=actor, action="sessions_ended", target=username,
        detail=f"{ended} session(s)" + (f" on device {device_id}" if device_id else ""),
    )  # fmt: skip
    return ended


def disable_user(session: Session, *, username: str, actor: str = audit.ADMIN_CLI) -> int:
    """The user can no longer log in; every session ends now. Returns sessions ended."""
    user = _user(session, username)
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    audit.record(session, actor=actor, action="user_disabled", target=username)
    return end_sessions(session, username=username, actor=actor)


def enable_user(session: Session, *, username: str, actor: str = audit.ADMIN_CLI) -> None:
    user = _user(session, username)
    user.disabled_at = None
    session.query(LoginFailure).filter(LoginFailure.username == username).delete()
    audit.record(session, actor=actor, action="user_enabled", target=username)


def reset_password(
    session: Session, *, username: str, password: str, actor: str = audit.ADMIN_CLI
) -> int:
    """A new password; every session of the user ends (re-login everywhere)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user = _user(session, username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    session.query(LoginFailure).filter(LoginFailure.username == username).delete()
    audit.record(session, actor=actor, action="password_reset", target=username)
    return end_sessions(session, username=username, actor=actor)


@dataclass(frozen=True, slots=True)
class SessionRow:
    device_id: str
    device_name: str
    logged_in: datetime | None
    last_used: datetime | None
    expires: datetime | None


def sessions_of(session: Session, *, username: str, settings: Settings) -> list[SessionRow]:
    """The user's live sessions (devices with a token that has not expired)."""
    _user(session, username)
    query = select(Device).where(
        Device.username == username, Device.token_hash.is_not(None), Device.revoked_at.is_(None)
    )
    now = utcnow()
    rows = []
    for device in session.scalars(query.order_by(Device.id)):
        expires = token_expiry(device, settings)
        if expires is not None and expires <= now:
            continue
        rows.append(
            SessionRow(
                device.id, device.name, device.token_issued_at, device.token_used_at, expires
            )
        )
    return rows
