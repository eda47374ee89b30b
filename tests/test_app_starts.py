"""`fieldrep --demo` (what `make run` runs) starts offscreen and stays up with a clean log."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PASSPHRASE

STAY_UP_SECONDS = 6


def test_desktop_app_starts_on_the_demo_and_stays_up(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDREP_PASSPHRASE": PASSPHRASE}
    process = subprocess.Popen(
        [sys.executable, "-m", "fieldrep", "--data-dir", str(data_dir), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(STAY_UP_SECONDS)
        still_running = process.poll() is None
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert still_running, f"the app exited early: {stderr}"
    log = (data_dir / "logs" / "fieldrep.log").read_text()
    assert "main window shown" in log
    assert " ERROR " not in log and "Traceback" not in log
    assert "Traceback" not in stderr
