"""Login, device tokens, revocation and the failed-login brake.

The brake lives in the `login_failures` table, so every server process sharing the
database applies it: after `login_free_failures` consecutive failures for a username,
each further attempt must wait `base * 2**(extra failures - 1)` seconds (capped) after
the last failure, and an attempt inside that wait is answered 429 without checking the
password at all. Only known usernames get a row; the per-address limit
(`login_throttle.py`) covers made-up ones and one password tried across many names.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import LoginRequest, LoginResponse
from sync_server.config import Settings
from sync_server.errors import DeviceRevoked, Forbidden, Invalid, RateLimited, Unauthorized
from sync_server.models import Device, LoginFailure, User
from sync_server.security import new_token, token_hash, verify_password
from sync_server.services.callers import Caller, load_caller, territories_of, utcnow
from sync_server.services.login_throttle import check_address, record_address_failure

log = logging.getLogger(__name__)
BEARER = "bearer"
REVOKED_MESSAGE = (
    "This device has been revoked by an administrator. Its local data will be wiped; "
    "ask your administrator before logging in again from a new device."
)


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def login_wait_seconds(failures: int, last_failure: datetime, settings: Settings) -> float:
    extra = failures - settings.login_free_failures
    if extra < 0:
        return 0.0
    delay = min(settings.login_base_delay * 2**extra, settings.login_max_delay)
    remaining = (_aware(last_failure) + timedelta(seconds=delay) - utcnow()).total_seconds()
    return max(0.0, remaining)


def _check_brake(session: Session, username: str, settings: Settings) -> None:
    row = session.get(LoginFailure, username)
    if row is None:
        return
    wait = login_wait_seconds(row.failures, row.last_failure_at, settings)
    if wait > 0:
        raise RateLimited(
            f"Too many failed logins for '{username}'. Try again in {int(wait) + 1} seconds.",
            retry_after=wait,
        )


def record_failure(session: Session, username: str, *, known: bool) -> None:
    """Count a failure for `username`. The update runs for unknown names too (it matches
    nothing) so both cost about the same; only a known user's row is ever created."""
    now = utcnow()
    bumped = session.execute(
        update(LoginFailure)
        .where(LoginFailure.username == username)
        .values(failures=LoginFailure.failures + 1, last_failure_at=now)
    )
    if bumped.rowcount == 0 and known:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():
                session.add(LoginFailure(username=username, failures=1, last_failure_at=now))
        except IntegrityError:  # another process inserted it first
            session.execute(
                update(LoginFailure)
                .where(LoginFailure.username == username)
                .values(failures=LoginFailure.failures + 1, last_failure_at=now)
            )


def _storable(username: str) -> bool:
    """PostgreSQL text cannot hold NUL: such a name is simply unknown (not a 500)."""
    return "\x00" not in username


def check_credentials(
    session: Session, *, username: str, password: str, settings: Settings
) -> User:
    """The user, or Unauthorized / RateLimited. Does not commit; the caller decides."""
    if _storable(username):
        _check_brake(session, username, settings)
    user = session.get(User, username) if _storable(username) else None
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise Unauthorized("Wrong username or password.")
    return user


def login(
    session: Session, *, request: LoginRequest, settings: Settings, address: str | None = None
) -> LoginResponse:
    """Check the password, register or refresh the device, hand out a fresh token.

    `address` is the client's (for the per-address limit). A failed attempt is committed
    before raising, so both limits count it.
    """
    check_address(session, address, settings)
    try:
        user = check_credentials(
            session, username=request.username, password=request.password, settings=settings
        )
    except Unauthorized:
        session.rollback()
        username = request.username if _storable(request.username) else ""
        known = bool(username) and session.get(User, username) is not None
        record_failure(session, username, known=known)
        record_address_failure(session, address, settings)
        session.commit()
        # A name that is no user may be a password typed in the wrong field: not logged.
        if known:
            log.info("failed login for user %s from %s", username, address)
        else:
            log.info("failed login for an unknown username from %s", address)
        raise
    session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    now = utcnow()
    device = session.get(Device, request.device_id)
    if device is None:
        device = Device(
            id=request.device_id,
            username=user.username,
            name=request.device_name,
            created_at=now,
            last_applied_seq=0,
            mutations_applied=0,
            mutations_rejected=0,
            mutations_duplicate=0,
            changes_pulled=0,
            client_version="",
        )
        session.add(device)
    elif device.username != user.username:
        raise Forbidden(
            "This device is registered to another user. Wipe its local data or use another "
            "data folder before logging in as a different user."
        )
    elif device.revoked_at is not None:
        raise DeviceRevoked(REVOKED_MESSAGE)
    token = new_token()
    device.token_hash = token_hash(token)
    device.last_login_at = now
    if request.device_name:
        device.name = request.device_name
    session.commit()
    log.info("user %s logged in on device %s", user.username, device.id)
    return LoginResponse(
        token=token,
        username=user.username,
        role=user.role,
        territories=territories_of(session, [user.username]),
        device_id=device.id,
    )


def authenticate(session: Session, *, authorization: str | None) -> Caller:
    """The caller behind an `Authorization: Bearer <token>` header, or a 401 error."""
    if not authorization:
        raise Unauthorized("No token: log in first.")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != BEARER or not token or len(token) > 200 or " " in token:
        raise Unauthorized("Malformed Authorization header; expected 'Bearer <token>'.")
    device = session.scalars(select(Device).where(Device.token_hash == token_hash(token))).first()
    if device is None:
        raise Unauthorized("Unknown or expired token: log in again.")
    if device.revoked_at is not None:
        raise DeviceRevoked(REVOKED_MESSAGE)
    user = session.get(User, device.username)
    if user is None:  # cannot happen with the foreign key, but never trust a dangling token
        raise Unauthorized("Unknown user: log in again.")
    return load_caller(session, user=user, device_id=device.id)


def revoke_device(session: Session, *, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise Invalid(f"No device with id '{device_id}'.")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    session.flush()
    return device
