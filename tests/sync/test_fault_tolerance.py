"""Sync survives killed clients, a killed server and a connection that cuts and stalls.

Every scenario ends the same way: all devices of the rep and a fresh device (the
server's view) hold the same notes, each exactly once, and nothing is left unsent.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fieldrep.store import sync_state
from fieldrep.sync.client import RetryPolicy
from fieldrep.sync.errors import ServerUnreachableError
from fieldrep.workspace import Workspace
from tests.sync.conftest import Device
from tests.sync.helpers import cli_env, first_hcp, log_note, marker_counts, notes_of, sync
from tests.sync.proxy import FaultyProxy
from tests.sync.servers import ServerProcess

NewRep = Callable[..., str]
PATIENT = RetryPolicy(attempts=40, base_delay=0.02, max_delay=0.3, read_timeout=10)


class Zygote:
    """Client to tests/sync/zygote.py: fork a real `fieldrep` run, kill it, reap it."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=cli_env(),
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )

    def _ask(self, request: dict[str, object]) -> dict[str, int | None]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return dict(json.loads(self.process.stdout.readline()))

    def spawn(self, argv: list[str], output: Path) -> int:
        pid = self._ask({"argv": argv, "output": str(output)})["pid"]
        assert pid is not None
        return pid

    def reap(self, pid: int) -> dict[str, int | None]:
        return self._ask({"reap": pid})

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def zygote() -> Iterator[Zygote]:
    z = Zygote()
    yield z
    z.close()


def _wait_for(output: Path, text: str, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if output.exists() and text in output.read_text(errors="replace"):
            return True
        time.sleep(0.002)
    return False


def _assert_converged(rep: str, prefix: str, expected: int, *devices: Workspace) -> None:
    views = [notes_of(ws, rep) for ws in devices]
    assert all(view == views[0] for view in views[1:])
    for ws in devices:
        counts = marker_counts(ws, prefix)
        assert len(counts) == expected and set(counts.values()) == {1}
        assert ws.pending_mutations() == [] and ws.rejected_mutations() == []


def test_killing_the_client_fifty_times_mid_push_and_mid_pull_loses_and_doubles_nothing(
    new_rep: NewRep, device: Device, zygote: Zygote, tmp_path: Path
) -> None:
    rep = new_rep()
    laptop, spare = device(rep, policy=PATIENT), device(rep, policy=PATIENT)
    sync(laptop)
    sync(spare)
    hcp = first_hcp(laptop)
    argv = ["--data-dir", str(laptop.data_dir), "sync", "--push-batch", "1", "--page-size", "1"]
    kills = {"Sending changes": 0, "Receiving changes": 0}
    written = 0
    rounds = 0
    rng = random.Random(3)
    while sum(kills.values()) < 50:
        rounds += 1
        assert rounds < 120, f"too few kills landed: {kills}"
        phase = "Sending changes" if kills["Sending changes"] <= kills["Receiving changes"] else (
            "Receiving changes")  # fmt: skip
        for _ in range(3):  # something to push, every round
            log_note(laptop, hcp, f"kill-test {written}")
            written += 1
        if phase == "Receiving changes":
            for _ in range(4):  # something to pull
                log_note(spare, hcp, f"kill-test {written}")
                written += 1
            sync(spare)
        output = tmp_path / f"run{rounds}.log"
        pid = zygote.spawn(argv, output)
        reached = _wait_for(output, phase)
        time.sleep(rng.uniform(0, 0.04))
        signal_pid(pid)
        outcome = zygote.reap(pid)
        assert reached, output.read_text()
        if outcome["signal"] == signal.SIGKILL:
            kills[phase] += 1
        else:
            assert outcome["code"] == 0, output.read_text()  # it finished first: fine
    assert min(kills.values()) >= 25
    sync(laptop)  # to the end
    sync(spare)
    fresh = device(rep)
    sync(fresh)
    _assert_converged(rep, "kill-test", written, laptop, spare, fresh)


def signal_pid(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_server_killed_mid_pull_is_resumed_from_the_cursor(
    new_rep: NewRep, device: Device, sync_server: ServerProcess
) -> None:
    rep = new_rep()
    fresh = device(rep, policy=RetryPolicy(attempts=40, base_delay=0.05, max_delay=1.0))
    sinces: list[int] = []
    pages_seen = threading.Event()
    client = fresh.sync.client()
    real_pull = client.pull

    def recording_pull(since: int, limit: int) -> object:
        sinces.append(since)
        if len(sinces) == 3:
            pages_seen.set()
        return real_pull(since, limit)

    client.pull = recording_pull  # type: ignore[assignment,method-assign]
    engine = fresh.sync.engine(client, page_size=20)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            engine.run()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert pages_seen.wait(30)
        # Pages are fetched ahead of those stored: kill once one has been committed.
        deadline = time.monotonic() + 30
        while not int(fresh.state(sync_state.CURSOR) or 0) and time.monotonic() < deadline:
            time.sleep(0.001)
        sync_server.kill()
        killed_at = len(sinces)
        cursor_at_kill = int(fresh.state(sync_state.CURSOR) or 0)
        time.sleep(0.3)
    finally:
        sync_server.start()
    worker.join(90)
    if errors:  # retries ran out while the server restarted (a loaded machine): sync again
        assert all(isinstance(e, ServerUnreachableError) for e in errors), errors
        engine.run()
    assert cursor_at_kill > 0
    # After the restart the client asked from its committed cursor, never from 0 again.
    assert all(since >= cursor_at_kill for since in sinces[killed_at:])
    assert 0 not in sinces[1:]
    other = device(rep)
    sync(other)
    assert {h.id: h.version for h in fresh.hcps.all()} == {
        h.id: h.version for h in other.hcps.all()
    }
    assert fresh.status().hcps == 400


def test_a_connection_that_cuts_and_stalls_still_syncs_everything_once(
    new_rep: NewRep, device: Device, sync_server: ServerProcess
) -> None:
    proxy = FaultyProxy(sync_server.port, cut_probability=0.35, delay_s=0.001, seed=7).start()
    try:
        rep = new_rep()
        via_proxy = f"http://127.0.0.1:{proxy.port}"
        laptop = device(rep, server_url=via_proxy, policy=PATIENT)
        spare = device(rep, server_url=via_proxy, policy=PATIENT)
        sync(laptop, page_size=100)
        hcp = first_hcp(laptop)
        ids = [log_note(laptop, hcp, f"proxy-test {i}") for i in range(30)]
        for note_id in ids[:10]:
            laptop.calls.submit(note_id)
        sync(laptop, push_batch=5, page_size=100)
        sync(spare, page_size=100)
        fresh = device(rep)  # straight to the server
        sync(fresh)
        assert proxy.cuts > 0
        _assert_converged(rep, "proxy-test", 30, laptop, spare, fresh)
        assert sum(1 for n in spare.calls.all() if n.status.value == "submitted") == 10
    finally:
        proxy.stop()
