"""Cancelling a running sync from the status bar, against a real `fieldrep-server`.

A long first sync shows what it is doing and offers Cancel beside its progress bar;
cancelling keeps the pages that arrived, says so, and the next sync carries on.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldrep.store import sync_state
from fieldrep.ui import sync_controller
from tests.sync.servers import ServerProcess
from tests.ui.conftest import WAIT_MS, open_window
from tests.ui.test_sync_desktop import new_rep, signed_in_device

TERRITORY_HCPS = 3_000
SMALL_PAGE = 50  # many pages, so the rep's click lands mid-way


def write_territory_csv(path: Path, count: int, territory: str) -> None:
    """`count` HCPs of the demo's kinds, with ids of their own (other tests import theirs)."""
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "hcps.csv"
    with demo.open(newline="") as fh:
        template = list(csv.DictReader(fh))
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(template[0]))
        writer.writeheader()
        for i in range(count):
            row = dict(template[i % len(template)])
            row.update(id=f"cxl-{i:06d}", external_id=f"CXL{i:06d}", territory_id=territory)
            row["npi"] = str(1_500_000_000 + i)
            writer.writerow(row)


def test_cancel_stops_a_running_sync_keeps_what_arrived_and_the_next_sync_completes(
    qtbot: QtBot, sync_server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_controller, "UI_PULL_PAGE", SMALL_PAGE)
    territory = f"CXL-{os.getpid()}"
    sync_server.admin("create-territory", territory)
    username = new_rep(sync_server, territory)
    csv_path = tmp_path / "territory.csv"
    write_territory_csv(csv_path, TERRITORY_HCPS, territory)
    sync_server.admin("import-hcps", str(csv_path))
    ws = signed_in_device(tmp_path / "laptop", sync_server, username)
    window = open_window(qtbot, ws)
    status = window.sync_status
    try:
        assert status.cancel_button.isHidden()
        texts: list[str] = []
        window.sync.progress.connect(lambda _label, _f: texts.append(status.bar.text()))
        finished: list[object] = []
        window.sync.finished.connect(finished.append)

        window.sync.request_sync()
        qtbot.waitUntil(
            lambda: any(
                t.startswith("Receiving changes… ") and t != "Receiving changes… 40%" for t in texts
            ),
            timeout=WAIT_MS,
        )
        assert status.cancel_button.isVisible()
        with qtbot.waitSignal(window.sync.cancelled, timeout=WAIT_MS):
            qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
        assert not finished  # stopped, neither a report nor an error

        message = window.statusBar().currentMessage()
        assert message.startswith("Sync cancelled. What arrived is kept")
        qtbot.waitUntil(status.cancel_button.isHidden, timeout=WAIT_MS)
        assert status.bar.isHidden() and status.button.isEnabled()
        kept = ws.hcps.count()
        assert 0 < kept < TERRITORY_HCPS
        with ws.store.read() as conn:
            assert int(sync_state.get(conn, sync_state.CURSOR) or 0) > 0
        assert ws.sync_status().last_error is None  # a cancel is not an error

        with qtbot.waitSignal(window.sync.finished, timeout=60_000) as done:
            window.sync.request_sync()
        report = done.args[0]
        assert not isinstance(report, BaseException), report
        assert ws.hcps.count() == TERRITORY_HCPS
        assert not report.full_resync and report.pulled <= TERRITORY_HCPS - kept + SMALL_PAGE
    finally:
        window.close()
        ws.close()
