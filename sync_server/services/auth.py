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
from sync_server import db
from sync_server.clock import as_utc
from sync_server.config import Settings
from sync_server.errors import DeviceRevoked, Forbidden, Invalid, RateLimited, Unauthorized
from sync_server.models import Device, LoginFailure, User
from sync_server.security import new_token, token_hash, verify_password
from sync_server.services import audit
from sync_server.services.callers import Caller, load_caller, territories_of, utcnow
from sync_server.services.login_throttle import check_address, record_address_failure
from sync_server.services.safe_text import printable, unstorable

log = logging.getLogger(__name__)
BEARER = "bearer"
DISABLED_MESSAGE = "This account is disabled. Ask your administrator."
RENEW_EVERY = timedelta(hours=1)
REVOKED_MESSAGE = (
    "This device has been revoked by an administrator. Its local data will be wiped; "
    "ask your administrator before logging in again from a new device."
)


def login_wait_seconds(failures: int, last_failure: datetime, settings: Settings) -> float:
    extra = failures - settings.login_free_failures
    if extra < 0:
        return 0.0
    delay = min(settings.login_base_delay * 2**extra, settings.login_max_delay)
    remaining = (as_utc(last_failure) + timedelta(seconds=delay) - utcnow()).total_seconds()
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
    return not unstorable(username)


def _serialize_attempts(session: Session, username: str, address: str | None) -> None:
    """Make concurrent logins for one username (and from one address) take turns.

    The brake reads the failure count, checks the password, then records the failure:
    without this, 100 guesses sent at once all read "no failures yet" and all get their
    password checked. PostgreSQL: transaction-level advisory locks (they also cover
    names that have no row to lock), always address first, then username. SQLite: every
    transaction begins IMMEDIATE (db.py), so the first statement already serialises
    the whole attempt.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.execute(select(1))  # begin (IMMEDIATE) now, before anything is read
        return
    for key in ([f"login-address:{address}"] if address else []) + [f"login-user:{username}"]:
        db.lock_name(session, key)


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


def _refuse_unstorable(request: LoginRequest) -> None:
    if unstorable(request.device_id) or unstorable(request.device_name):
        raise Invalid(
            "Invalid request: the device id or name holds characters that cannot be stored "
            "(NUL or an unpaired surrogate)."
        )


def login(
    session: Session, *, request: LoginRequest, settings: Settings, address: str | None = None
) -> LoginResponse:
    """Check the password, register or refresh the device, hand out a fresh token.

    `address` is the client's (for the per-address limit). Attempts for one username
    take turns (`_serialize_attempts`) and a failure is counted in the same transaction
    as the check that found it, so parallel guesses cannot overtake the brake.
    """
    _refuse_unstorable(request)
    username = request.username if _storable(request.username) else ""
    _serialize_attempts(session, username, address)
    try:
        check_address(session, address, settings)
        user = check_credentials(
            session, username=request.username, password=request.password, settings=settings
        )
    except Unauthorized:
        known = bool(username) and session.get(User, username) is not None
        record_failure(session, username, known=known)
        record_address_failure(session, address, settings)
        audit.record(
            session, actor=username if known else "(unknown username)", action="login_failed",
            address=address, target=request.device_id,
        )  # fmt: skip
        session.commit()
        # A name that is no user may be a password typed in the wrong field: not logged.
        if known:
            log.info("failed login for user %s from %s", printable(username), printable(address))
        else:
            log.info("failed login for an unknown username from %s", printable(address))
        raise
    except RateLimited:
        session.rollback()
        raise
    if user.disabled_at is not None:
        session.rollback()
        with session.begin():
            audit.record(
                session, actor=user.username, action="login_refused_disabled", address=address,
                target=request.device_id,
            )  # fmt: skip
        log.info("login refused: user %s is disabled", printable(user.username))
        raise Unauthorized(DISABLED_MESSAGE)
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
        audit.record(
            session, actor=user.username, action="device_registered", target=device.id,
            detail=f"name {request.device_name!r}", address=address,
        )  # fmt: skip
    elif device.username != user.username:
        raise Forbidden(
            "This device is registered to another user. Wipe its local data or use another "
            "data folder before logging in as a different user."
        )
    elif device.revoked_at is not None:
        session.rollback()
        with session.begin():
            audit.record(
                session, actor=user.username, action="login_refused_revoked_device",
                target=device.id, address=address,
            )  # fmt: skip
        raise DeviceRevoked(REVOKED_MESSAGE)
    token = new_token()
    device.token_hash = token_hash(token)
    device.token_issued_at = now
    device.token_used_at = now
    device.last_login_at = now
    if request.device_name:
        device.name = request.device_name
    audit.record(session, actor=user.username, action="login", target=device.id, address=address)
    session.commit()
    log.info("user %s logged in on device %s", printable(user.username), printable(device.id))
    return LoginResponse(
        token=token,
        username=user.username,
        role=user.role,
        territories=territories_of(session, [user.username]),
        device_id=device.id,
    )


def token_expiry(device: Device, settings: Settings) -> datetime | None:
    """When the device's token stops working if unused: the sliding idle limit, never
    beyond the hard maximum after its login. None without a token."""
    if device.token_hash is None or device.token_issued_at is None:
        return None
    used = as_utc(device.token_used_at or device.token_issued_at)
    idle_end = used + timedelta(days=settings.token_idle_days)
    hard_end = as_utc(device.token_issued_at) + timedelta(days=settings.token_max_days)
    return min(idle_end, hard_end)


def authenticate(session: Session, *, authorization: str | None, settings: Settings) -> Caller:
    """The caller behind an `Authorization: Bearer <token>` header, or a 401 error.

    Each use renews the token's idle lifetime (at most one write an hour per device);
    past its idle limit or its hard maximum it is refused and forgotten.
    """
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
    if user.disabled_at is not None:
        raise Unauthorized(DISABLED_MESSAGE)
    now = utcnow()
    expiry = token_expiry(device, settings)
    if expiry is not None and now >= expiry:
        device.token_hash = None
        session.commit()
        raise Unauthorized("Your session has expired: log in again.")
    used = device.token_used_at
    if used is None or now - as_utc(used) > RENEW_EVERY:
        device.token_used_at = now
        session.flush()
    return load_caller(session, user=user, device_id=device.id)


def revoke_device(session: Session, *, device_id: str, actor: str = audit.ADMIN_CLI) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise Invalid(f"No device with id '{device_id}'.")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit.record(
            session, actor=actor, action="device_revoked", target=device.id,
            detail=f"user {device.username}",
        )  # fmt: skip
    session.flush()
    return device


def logout(session: Session, *, caller: Caller, address: str | None = None) -> None:
    """Forget the caller's token (the device stays registered; a login makes a new one)."""
    device = session.get(Device, caller.device_id)
    assert device is not None
    device.token_hash = None
    device.token_issued_at = None
    device.token_used_at = None
    audit.record(session, actor=caller.username, action="logout", target=device.id, address=address)
    session.commit()
    log.info("user %s logged out on device %s", printable(caller.username), printable(device.id))
