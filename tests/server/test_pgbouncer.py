"""Two server processes through a real PgBouncer in transaction pooling mode (issue 18):
migrations (their advisory lock), logins (the per-username advisory lock), pushes (the
change-log ordering lock, COPY into the change log) and pulls all work when every
transaction may run on a different server connection, with psycopg's prepared
statements off (FIELDREP_DATABASE_POOLER=transaction)."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import POSTGRES_ENV
from tests.server.pgbouncer import available, pgbouncer
from tests.server.processes import BIN, fresh_postgres, start
from tests.server.world import Api, build_world, mutation, note_fields

pytestmark = pytest.mark.postgres
ROUNDS = 5


@pytest.fixture
def admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set, so there is no PostgreSQL to test against")
    if not available():
        if os.environ.get("CI"):  # .ci/run installs it: its absence is a failure there
            pytest.fail("pgbouncer is not installed; .ci/run should have installed it")
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    return url


def test_two_servers_behind_pgbouncer_in_transaction_mode(admin_url: str, tmp_path: Path) -> None:
    env = {"FIELDREP_DATABASE_POOLER": "transaction", "FIELDREP_PASSWORD": "unused-here-1"}
    with (
        fresh_postgres(admin_url, "fieldrep_bouncer") as direct,
        pgbouncer(direct, pool_size=3) as bounced,
    ):
        # Two migrations at once through the bouncer: one migrates, the other waits.
        starts = [
            subprocess.Popen(
                [BIN, "--database-url", bounced, "init-db"],
                env={**os.environ, **env},
                stderr=subprocess.PIPE,
            )  # fmt: skip
            for _ in range(2)
        ]
        assert [p.wait(timeout=120) for p in starts] == [0, 0], [p.stderr for p in starts]
        build_world(direct)
        servers = [start(bounced, tmp_path / f"s{n}.log", env=env) for n in range(2)]
        try:
            _sync_through(servers[0].url, servers[1].url)
        finally:
            for server in servers:
                server.terminate()
        logs = "".join(s.log() for s in servers)
        assert "prepared statement" not in logs and "Traceback" not in logs, logs


def _sync_through(url_a: str, url_b: str) -> None:
    with (
        httpx.Client(base_url=url_a, timeout=60) as a,
        httpx.Client(base_url=url_b, timeout=60) as b,
    ):
        assert Api(a).login_response("rep1", "x", "wrong-password-1").status_code == 401
        devices = [Api(http).login(rep, f"{rep}-{n}") for n, (http, rep) in
                   enumerate([(a, "rep1"), (b, "rep1"), (a, "rep2"), (b, "rep2")])]  # fmt: skip
        errors: list[BaseException] = []
        hcps = {"rep1": ["h-n1", "h-n2", "h-n3"], "rep2": ["h-s1", "h-s2"]}

        def work(n: int) -> None:
            device = devices[n]
            rep = device.device_id.split("-")[0]
            try:
                for round_ in range(ROUNDS):
                    prefix = f"{device.device_id}-{round_}"
                    batch = [
                        mutation(round_ * 20 + i + 1, "call_note", f"{prefix}-{i}",
                                 **note_fields(hcps[rep][i % len(hcps[rep])]))
                        for i in range(20)
                    ]  # fmt: skip
                    results = device.push(*batch)
                    assert {r["status"] for r in results} == {"applied"}, results[0]
                    device.sync_down(limit=50)
            except BaseException as error:  # surfaced below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        assert not errors, errors
        for device in devices:
            device.sync_down(limit=50)
            rep = device.device_id.split("-")[0]
            mine = set(device.ids("call_note"))
            expected: set[Any] = {
                f"{rep}-{n}-{r}-{i}" for n in range(4) if (n < 2) == (rep == "rep1")
                for r in range(ROUNDS) for i in range(20)
            }  # fmt: skip
            assert mine == expected, (device.device_id, len(mine))
