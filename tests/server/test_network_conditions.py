"""Sync over a network that behaves like one (issue 18): reps reach the server only
through 80 ms each way and 1 % loss each way (the userspace netem of
tests/server/netem.py), and the server loses its PostgreSQL for a few seconds in the
middle of their syncs. The server answers 503 within its database timeout, not a hang;
every sync that gave up recovers from the app's outbox; every note ends up exactly once
on the server and on a fresh device. The full-size run is tests/perf/load_wan.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sync_server import db
from tests.perf import load_wan
from tests.server import netem, netns
from tests.server.conftest import POSTGRES_ENV
from tests.server.processes import fresh_postgres

pytestmark = pytest.mark.postgres
TIMEOUT = 2  # FIELDREP_DATABASE_TIMEOUT for this server (the least the engine uses)
BOUND = 6 * TIMEOUT  # as in test_database_away.py, plus the WAN's round trips below
DELAY_MS = 80


@pytest.fixture
def admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set, so there is no PostgreSQL to test against")
    if not (netns.available() and netem.available()):
        pytest.skip("needs root, `ip` and /dev/net/tun to make namespaces and TUN devices")
    return url


def test_reps_sync_through_latency_loss_and_a_partition_with_nothing_lost_or_doubled(
    admin_url: str, tmp_path: Path
) -> None:
    options = load_wan.options_for(
        ["--reps", "6", "--hcps", "20", "--syncs", "5", "--think", "1", "--ramp", "1",
         "--max-seconds", "30", "--drain-seconds", "30", "--connections", "20",
         "--processes", "1", "--delay-ms", str(DELAY_MS), "--loss", "0.01", "--seed", "18",
         "--pings", "200", "--partition-at", "3", "--partition-seconds", "6",
         "--database-timeout", str(TIMEOUT)]
    )  # fmt: skip
    with fresh_postgres(admin_url, "fieldrep_wan") as url:
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        figures = load_wan.run_wan(url, tmp_path, options)
    summary = {k: v for k, v in figures.items() if k != "ping"}
    # The link is what was asked for: the round trip is two delays, packets were dropped.
    assert figures["ping"]["rtt_min_ms"] >= 2 * DELAY_MS, figures["ping"]
    assert figures["relay_dropped_with_pings"] > 0, summary
    # The partition was seen, as quick 503s: no answer while it lasted took past the bound.
    assert figures["answers_during_partition"].get("503", 0) > 0, summary
    assert figures["ready_probes_503"] > 0, summary
    assert figures["unavailable_503_max_s"] < BOUND, summary
    assert figures["slowest_answer_during_partition_s"] < BOUND + 2, summary
    assert figures["ready_probes_max_s"] < BOUND, summary
    # It converged: nothing unrecovered, nothing lost or doubled, no traceback.
    assert figures["errors"] == 0, summary
    assert figures["unfinished_syncs"] == 0, summary
    assert figures["consistency_problems"] == 0, summary
    assert figures["notes"] > 0 and figures["syncs"] > 0, summary
    assert figures["server_tracebacks"] == 0, summary
