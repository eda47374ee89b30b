"""One desktop app per data folder, checked with real processes: a second `fieldrep
--data-dir X` says the folder is already open and opens nothing; a first app killed
with -9 leaves no lock behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fieldrep.security.instance_lock import APP_LOCK_FILENAME, FolderInUseError, InstanceLock
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE

WITHIN_SECONDS = 60


def _start(data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDREP_PASSPHRASE": PASSPHRASE}
    return subprocess.Popen(
        [sys.executable, "-m", "fieldrep", "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(log: Path, text: str, count: int, process: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + WITHIN_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and log.read_text().count(text) >= count:
            return True
        time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    if process.poll() is None:
        process.send_signal(sig)
    _, stderr = process.communicate(timeout=30)
    return stderr


def test_a_second_app_on_the_same_folder_is_refused_and_a_killed_one_leaves_no_lock(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "ws"
    Workspace.open(data_dir, passphrase=PASSPHRASE).close()
    log = data_dir / "logs" / "fieldrep.log"
    first = _start(data_dir)
    second: subprocess.Popen[str] | None = None
    try:
        assert _wait_for(log, "main window shown", 1, first), _stop(first)
        second = _start(data_dir)
        deadline = time.monotonic() + WITHIN_SECONDS
        while time.monotonic() < deadline and "already open" not in log.read_text():
            time.sleep(0.2)
        time.sleep(1)
        # The second start waits on its dialog; it opened no workspace and no window.
        assert log.read_text().count("main window shown") == 1
        assert second.poll() is None, "the second app should be showing its dialog"
        stderr = _stop(second)
        assert f"Fieldrep is already open on {data_dir}" in stderr
        assert first.poll() is None, "the first app must keep running"
        # A crash (kill -9) leaves app.lock on disk but no lock held: the next start opens.
        _stop(first, signal.SIGKILL)
        assert (data_dir / APP_LOCK_FILENAME).exists()
        first = _start(data_dir)
        assert _wait_for(log, "main window shown", 2, first), _stop(first)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                _stop(process)


def test_the_lock_is_per_folder_and_released_on_release(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from fieldrep.security.instance_lock import InstanceLock; "
            "lock = InstanceLock.acquire(Path(sys.argv[1])); "
            "print('held', flush=True); time.sleep(60)",
            str(tmp_path / "a"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        try:
            InstanceLock.acquire(tmp_path / "a")
        except FolderInUseError as exc:
            assert "already open" in str(exc)
        else:
            raise AssertionError("a folder another process holds was opened")
        other = InstanceLock.acquire(tmp_path / "b")  # another folder is free
        other.release()
    finally:
        holder.kill()
        holder.wait(timeout=30)
    again = InstanceLock.acquire(tmp_path / "a")  # the holder's end freed it
    again.release()
