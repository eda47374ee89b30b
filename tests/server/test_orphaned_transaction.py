"""A transaction orphaned by a cut link must not hold the change-log lock for hours.

Seen under load behind a partition (docs/performance.md, "Latency, loss and a partition
during load"): a push holding the change-log lock lost its link to PostgreSQL; the server
gave up on the connection, PostgreSQL never heard so and kept the session "idle in
transaction" with the lock, and every later push waited behind it. Here the orphan is a
connection that takes the lock and goes silent; the serving engine's
`idle_in_transaction_session_timeout` makes PostgreSQL end it, and a push goes through.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from sync_server import db
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.services.changelog import CHANGE_LOG_LOCK_KEY
from tests.server.conftest import _empty_postgres
from tests.server.world import Api, Device, build_world, mutation, note_fields

pytestmark = pytest.mark.postgres

IDLE_S = 2.0


@pytest.fixture
def pg_url(postgres_database: str) -> str:
    _empty_postgres(postgres_database)
    return postgres_database


@pytest.fixture
def client(pg_url: str) -> Iterator[TestClient]:
    build_world(pg_url)
    app = create_app(settings=Settings(pg_url, database_idle_transaction_timeout=IDLE_S))
    with TestClient(app) as http:
        yield http
    app.state.engine.dispose()


def test_an_orphaned_transaction_holding_the_change_log_lock_is_ended_and_pushes_go_on(
    pg_url: str, client: TestClient
) -> None:
    device = Api(client).login("rep1")
    orphan_engine = db.make_engine(pg_url, idle_transaction_timeout=IDLE_S)
    orphan = orphan_engine.connect()
    orphan.begin()
    orphan.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})
    waited = push_behind_the_orphan(device, "n-orphan")
    assert IDLE_S - 0.5 <= waited < IDLE_S + 8
    with pytest.raises(DBAPIError, match="idle-in-transaction timeout"):
        orphan.execute(text("SELECT 1"))
    orphan.invalidate()
    orphan.close()
    orphan_engine.dispose()


def test_pushes_queued_behind_an_orphan_when_the_link_went_do_not_hold_the_lock_in_turn(
    pg_url: str, client: TestClient
) -> None:
    """Pushes already waiting for the lock when the link went are orphans too: each would
    take the lock in turn and idle a full limit (seen: one holder after another). Their
    waits are bounded by the same limit, so a push sent after the link is back is applied
    within about twice the limit, however many were queued."""
    device = Api(client).login("rep1")
    engines = [db.make_engine(pg_url, idle_transaction_timeout=IDLE_S) for _ in range(4)]
    holder = engines[0].connect()
    holder.begin()
    holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})

    def queued_then_silent(engine: Engine) -> None:
        conn = engine.connect()
        try:  # waits behind the holder; once it has the lock it goes silent
            conn.begin()
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})
            time.sleep(IDLE_S * 5)
        except DBAPIError:
            pass  # its wait or its silence was ended: the point of the test
        finally:
            conn.invalidate()  # PostgreSQL may have ended it: no rollback to send

    queued = [threading.Thread(target=queued_then_silent, args=(e,), daemon=True)
              for e in engines[1:]]  # fmt: skip
    for thread in queued:
        thread.start()
    time.sleep(0.5)  # all three are in the lock's queue before the push comes
    waited = push_behind_the_orphan(device, "n-after-the-queue", retries=3)
    assert waited < 2 * IDLE_S + 3, waited  # not 4 x IDLE_S: one orphan after another
    for thread in queued:
        thread.join(timeout=IDLE_S * 6)
    holder.invalidate()
    for engine in engines:
        engine.dispose()


def push_behind_the_orphan(device: Device, note_id: str, retries: int = 0) -> float:
    """Push one note while orphans hold or wait for the lock, retrying a 503 as the app
    does; the seconds until it was applied."""
    started = time.monotonic()
    outcome: list[int | list[dict[str, object]]] = []

    def push() -> None:
        batch = [mutation(1, "call_note", note_id, **note_fields("h-n1"))]
        for _ in range(retries + 1):
            answer = device.push_raw(batch)
            if answer.status_code != 503:
                break
            outcome.append(503)
        ok = answer.status_code == 200
        outcome.append(answer.json()["results"] if ok else answer.status_code)

    pusher = threading.Thread(target=push, daemon=True)
    pusher.start()
    pusher.join(timeout=30)
    assert not pusher.is_alive(), "the push is still waiting behind the orphaned lock"
    last = outcome[-1]
    assert isinstance(last, list) and [r["status"] for r in last] == ["applied"], outcome
    return time.monotonic() - started


def test_only_the_serving_engine_limits_idle_transactions(pg_url: str) -> None:
    """The CLI's engine (an import may think between statements) keeps PostgreSQL's
    defaults; the server's asks for the idle limit (30 s unless configured) and for
    keepalives on PostgreSQL's side of the link (from FIELDREP_DATABASE_TIMEOUT, 10 s):
    a session orphaned inside a statement is ended only by noticing its peer is gone."""
    shown = (
        "idle_in_transaction_session_timeout", "lock_timeout", "tcp_keepalives_idle",
        "tcp_keepalives_interval", "tcp_keepalives_count", "tcp_user_timeout",
    )  # fmt: skip

    def settings_of(engine: Engine) -> list[str]:
        with engine.connect() as conn:
            return [str(conn.execute(text(f"SHOW {name}")).scalar()) for name in shown]

    app = create_app(settings=Settings.from_env(pg_url))
    try:
        assert settings_of(app.state.engine) == ["15s", "15s", "5", "1", "5", "10000"]
    finally:
        app.state.engine.dispose()
    cli_engine = db.make_engine(pg_url)
    assert settings_of(cli_engine)[0] == "0"
    cli_engine.dispose()
    pooled = db.make_engine(pg_url, transaction_pooler=True, idle_transaction_timeout=5)
    assert settings_of(pooled)[0] == "0"  # PgBouncer refuses `options`: its own settings
    pooled.dispose()
