"""`fieldrep --demo` (what `make run` runs) starts offscreen, stays up with a clean log,
and syncs with its embedded local server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PASSPHRASE

SYNCED_WITHIN_SECONDS = 60


def wait_for_line(log: Path, text: str, process: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + SYNCED_WITHIN_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and text in log.read_text():
            return True
        time.sleep(0.2)
    return False


def test_desktop_app_starts_on_the_demo_syncs_locally_and_stays_up(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    log = data_dir / "logs" / "fieldrep.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDREP_PASSPHRASE": PASSPHRASE}
    process = subprocess.Popen(
        [sys.executable, "-m", "fieldrep", "--data-dir", str(data_dir), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        synced = wait_for_line(log, "sync finished", process)
        time.sleep(1)
        still_running = process.poll() is None
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert still_running, f"the app exited early: {stderr}"
    text = log.read_text()
    assert "main window shown" in text
    assert synced, text[-2000:]
    assert "local demo server listening on http://127.0.0.1:" in text
    assert " ERROR " not in text and "Traceback" not in text
    assert "Traceback" not in stderr
