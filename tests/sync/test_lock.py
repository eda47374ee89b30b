"""One sync at a time per device, across threads and processes; kill -9 frees the lock."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldrep.sync.errors import SyncBusyError
from fieldrep.sync.lock import LOCK_FILENAME, sync_lock

HOLDER = """
import sys, time
from pathlib import Path
from fieldrep.sync.lock import sync_lock
with sync_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_second_sync_in_the_same_process_is_refused_at_once(tmp_path: Path) -> None:
    with sync_lock(tmp_path), pytest.raises(SyncBusyError, match="already running"):
        with sync_lock(tmp_path):
            pass
    with sync_lock(tmp_path):  # released again
        pass


def test_another_process_syncing_blocks_this_one_until_it_is_killed(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(SyncBusyError), sync_lock(tmp_path):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (tmp_path / LOCK_FILENAME).exists()  # a stale file does not matter
    deadline = time.monotonic() + 5
    while True:
        try:
            with sync_lock(tmp_path):
                break
        except SyncBusyError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
