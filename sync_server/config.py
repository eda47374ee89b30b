"""Server settings: one frozen object, read from the environment once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATABASE_URL_ENV = "FIELDREP_DATABASE_URL"
LOG_FORMAT_ENV = "FIELDREP_LOG_FORMAT"
DEFAULT_DATABASE_FILE = "fieldrep-server.db"


def default_database_url() -> str:
    """`FIELDREP_DATABASE_URL` if set, else a SQLite file in the current directory."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    return f"sqlite:///{Path(DEFAULT_DATABASE_FILE).resolve()}"


class ConfigError(ValueError):
    """An environment setting the server cannot use; the message names it and its value."""


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _number(name: str, default: str, kind: type[int] | type[float]) -> float:
    # A value is refused, not half-read: systemd's EnvironmentFile keeps a trailing
    # "# comment" as part of the value, and int() would fail with a bare traceback.
    raw = _env(name, default).strip()
    try:
        return kind(raw)
    except ValueError:
        word = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name}={raw!r} is not {word}") from None


def _int(name: str, default: str) -> int:
    return int(_number(name, default, int))


def _float(name: str, default: str) -> float:
    return _number(name, default, float)


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    # An unknown value must not quietly mean the default: "transaction  # comment" read
    # as "off" brings back the prepared-statement failures behind PgBouncer.
    raw = _env(name, default).strip().lower()
    if raw not in allowed:
        shown = ", ".join(repr(a) for a in allowed if a) + (" or empty" if "" in allowed else "")
        raise ConfigError(f"{name}={raw!r} is not one of {shown}")
    return raw


def transaction_pooler_from_env() -> bool:
    return _choice("FIELDREP_DATABASE_POOLER", "", ("", "none", "transaction")) == "transaction"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    # Failed logins per username allowed before each further attempt must wait.
    login_free_failures: int = 5
    # The wait after the first extra failure, doubling with each further one (seconds).
    login_base_delay: float = 2.0
    login_max_delay: float = 900.0
    # Failed logins from one client address (any usernames) allowed per window (seconds);
    # then 429 until the window ends. 0 turns the limit off.
    login_address_failures: int = 30
    login_address_window: float = 900.0
    # Tombstones (and superseded change-log rows) older than this may be pruned.
    tombstone_retention_days: int = 90
    # Larger push bodies are refused (413) before they are parsed; other routes take
    # 16 KiB (api/limits.py).
    max_body_bytes: int = 8 * 1024 * 1024
    # A token unused for this long expires (each use renews it silently) ...
    token_idle_days: float = 30.0
    # ... and none lives longer than this after its login, however much it is used.
    token_max_days: float = 90.0
    # The organisation's rules for laptops (sent with each handshake): the app locks until
    # it syncs after this many days without one, and locks after this many idle minutes
    # at most. 0 turns a rule off.
    device_max_offline_days: int = 30
    device_idle_lock_minutes: float = 15.0
    # How long a request may wait on an unreachable PostgreSQL before it is answered 503
    # (connect, pool, unacknowledged data, keepalives: `db.make_engine`).
    database_timeout: float = 10.0
    # PostgreSQL ends a server transaction left idle this long (seconds; 0: never), and
    # with it its locks: a request cut off from the database mid-transaction leaves its
    # session "idle in transaction" on PostgreSQL's side, holding the change-log lock
    # that every push waits on, until TCP keepalives notice (2 hours by default).
    # Waits for a lock give up after as long (503 and Retry-After; the app retries).
    database_idle_transaction_timeout: float = 15.0
    # The URL points at PgBouncer in transaction pooling mode: no prepared statements.
    transaction_pooler: bool = False
    # Connections per server process (and extra ones under a burst).
    database_pool_size: int = 10
    database_max_overflow: int = 20
    # Write JSON log lines (one object per line, with the request id) instead of text.
    json_logs: bool = False

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        return cls(
            database_url=database_url or default_database_url(),
            login_free_failures=_int("FIELDREP_LOGIN_FREE_FAILURES", "5"),
            login_base_delay=_float("FIELDREP_LOGIN_BASE_DELAY", "2.0"),
            login_address_failures=_int("FIELDREP_LOGIN_ADDRESS_FAILURES", "30"),
            login_address_window=_float("FIELDREP_LOGIN_ADDRESS_WINDOW", "900"),
            tombstone_retention_days=_int("FIELDREP_TOMBSTONE_RETENTION_DAYS", "90"),
            max_body_bytes=_int("FIELDREP_MAX_BODY_BYTES", str(8 * 1024 * 1024)),
            token_idle_days=_float("FIELDREP_TOKEN_IDLE_DAYS", "30"),
            token_max_days=_float("FIELDREP_TOKEN_MAX_DAYS", "90"),
            device_max_offline_days=_int("FIELDREP_DEVICE_MAX_OFFLINE_DAYS", "30"),
            device_idle_lock_minutes=_float("FIELDREP_DEVICE_IDLE_LOCK_MINUTES", "15"),
            database_timeout=_float("FIELDREP_DATABASE_TIMEOUT", "10"),
            database_idle_transaction_timeout=_float(
                "FIELDREP_DATABASE_IDLE_TRANSACTION_TIMEOUT", "15"
            ),
            transaction_pooler=transaction_pooler_from_env(),
            database_pool_size=_int("FIELDREP_DATABASE_POOL_SIZE", "10"),
            database_max_overflow=_int("FIELDREP_DATABASE_MAX_OVERFLOW", "20"),
            json_logs=_choice(LOG_FORMAT_ENV, "text", ("text", "json")) == "json",
        )
