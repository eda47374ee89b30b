"""Past the organisation's days offline the window locks, and unlocking waits for a sync
(issue 14: the device key expires after N days without a sync)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldrep.store import sync_state
from fieldrep.sync import protocol as p
from fieldrep.ui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.ui.conftest import WAIT_MS, idle


def test_an_overdue_laptop_locks_until_it_has_synced(qtbot: QtBot, window: MainWindow) -> None:
    asked: list[bool] = []
    window.sync.request_sync = lambda: asked.append(True)  # type: ignore[method-assign]
    ws = window.workspace
    ws.set_state(sync_state.DEVICE_POLICY, p.DevicePolicy(30, 0).header())
    ws.set_state(sync_state.LAST_SYNC, (ws.clock.now() - timedelta(days=45)).isoformat())
    window.check_device_policy()
    qtbot.waitUntil(lambda: window.is_locked, timeout=WAIT_MS)
    assert "45 days" in window.lock_screen.note.text() and asked
    screen = window.lock_screen
    QTest.keyClicks(screen.passphrase, PASSPHRASE)
    QTest.keyClick(screen.passphrase, Qt.Key.Key_Return)
    # The passphrase is checked on the worker; the right one is not enough: a sync must
    # succeed first.
    qtbot.waitUntil(lambda: "sync must succeed" in screen.error.text(), timeout=WAIT_MS)
    assert window.is_locked

    ws.set_state(sync_state.LAST_SYNC, ws.clock.now().isoformat())  # as after a sync
    window.check_device_policy()
    idle(qtbot, window)
    assert "Synced" in window.lock_screen.note.text()
    screen.passphrase.clear()
    QTest.keyClicks(screen.passphrase, PASSPHRASE)
    QTest.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=WAIT_MS)
