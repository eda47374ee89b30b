"""The per-address login limit: many failures from one client address within a window
get 429, whatever usernames they tried.

The per-username brake (`auth.py`) slows guessing one account's password; it cannot slow
one password tried across many usernames, and it keeps rows for known users only (a row
per made-up username would let anyone grow the table without bound). This limit covers
both: one row per failing address, counted in a fixed window and kept in the database so
every server process shares it. Expired rows are reset on the next failure from that
address and swept by `fieldrep-server prune` (`prune_login_failures`).

The address is the socket's peer: behind a reverse proxy that is the proxy, so all
clients share one budget (see docs/server.md); X-Forwarded-For is not trusted.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync_server.clock import as_utc
from sync_server.config import Settings
from sync_server.errors import RateLimited
from sync_server.models import LoginAddressFailure, LoginFailure, User
from sync_server.services.callers import utcnow

MAX_ADDRESS_CHARS = 64  # an IPv6 literal with a zone fits; longer is cut (never raises)


def _key(address: str) -> str:
    return address[:MAX_ADDRESS_CHARS]


def check_address(session: Session, address: str | None, settings: Settings) -> None:
    """RateLimited when `address` used up its failures in the current window."""
    if not address or settings.login_address_failures <= 0:
        return
    row = session.get(LoginAddressFailure, _key(address))
    if row is None or row.failures < settings.login_address_failures:
        return
    ends = as_utc(row.window_start) + timedelta(seconds=settings.login_address_window)
    wait = (ends - utcnow()).total_seconds()
    if wait > 0:
        raise RateLimited(
            f"Too many failed logins from this network address. Try again in "
            f"{int(wait) + 1} seconds.",
            retry_after=wait,
        )


def record_address_failure(session: Session, address: str | None, settings: Settings) -> None:
    """Count one failure for `address`; a window that has ended starts again at 1."""
    if not address:
        return
    key = _key(address)
    now = utcnow()
    expired = LoginAddressFailure.window_start < now - timedelta(
        seconds=settings.login_address_window
    )
    bump = (
        update(LoginAddressFailure)
        .where(LoginAddressFailure.address == key)
        .values(
            failures=case((expired, 1), else_=LoginAddressFailure.failures + 1),
            window_start=case((expired, now), else_=LoginAddressFailure.window_start),
        )
    )
    if session.execute(bump).rowcount:  # type: ignore[attr-defined]
        return
    try:
        with session.begin_nested():
            session.add(LoginAddressFailure(address=key, failures=1, window_start=now))
    except IntegrityError:  # another process inserted it first
        session.execute(bump)


def prune_login_failures(session: Session, settings: Settings) -> int:
    """Drop address rows whose window has ended and per-username rows of names that are
    not users (left by older servers); returns how many rows went."""
    cutoff = utcnow() - timedelta(seconds=settings.login_address_window)
    removed = session.execute(
        delete(LoginAddressFailure).where(LoginAddressFailure.window_start < cutoff)
    ).rowcount  # type: ignore[attr-defined]
    removed += session.execute(
        delete(LoginFailure).where(LoginFailure.username.not_in(select(User.username)))
    ).rowcount  # type: ignore[attr-defined]
    return int(removed)
