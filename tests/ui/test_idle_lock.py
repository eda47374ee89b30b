"""The idle lock: after the idle timeout the window locks; only the passphrase opens it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldrep.ui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.ui.conftest import WAIT_MS, idle

IDLE_MINUTES = 0.01  # 0.6 s: short enough for a test, long enough to type first


def test_the_window_locks_when_idle_and_only_the_passphrase_unlocks_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    hcp = window.workspace.hcps.all()[7]
    window.log_call(hcp.id)
    qtbot.waitUntil(
        lambda: window.call_dialog is not None and window.call_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = window.call_dialog
    assert dialog is not None
    QTest.keyClicks(dialog.insights, "Left open when the rep walked away")

    with qtbot.waitSignal(window.locked_changed, timeout=WAIT_MS) as locked:
        window.set_idle_lock(IDLE_MINUTES)
    assert locked.args == [True] and window.is_locked
    assert not dialog.isVisible()  # closed, keeping its draft
    idle(qtbot, window)
    drafts = [n.insights for n in window.workspace.calls.drafts() if n.hcp_id == hcp.id]
    assert drafts == ["Left open when the rep walked away"]
    assert not window.actions_by_name["go_hcps"].isEnabled()  # no shortcuts behind the lock
    assert window.actions_by_name["quit"].isEnabled()

    screen = window.lock_screen
    assert screen.passphrase.isVisible()  # a passphrase workspace needs the passphrase
    QTest.keyClicks(screen.passphrase, "not the passphrase")
    QTest.keyClick(screen.passphrase, Qt.Key.Key_Return)
    # Checked on the worker (scrypt, opening the database): the window stays responsive.
    qtbot.waitUntil(lambda: "does not open" in screen.error.text(), timeout=WAIT_MS)
    assert window.is_locked

    screen.passphrase.clear()
    QTest.keyClicks(screen.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.locked_changed, timeout=WAIT_MS) as unlocked:
        QTest.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert unlocked.args == [False] and not window.is_locked
    assert window.actions_by_name["go_hcps"].isEnabled()
    window.set_idle_lock(0)  # never: the rest of the test must not race a relock
    assert window.settings.idle_lock_minutes == 0


def test_input_keeps_the_window_unlocked(qtbot: QtBot, window: MainWindow) -> None:
    window.set_idle_lock(IDLE_MINUTES)
    for _ in range(8):  # 1.2 s of typing, twice the idle timeout
        QTest.keyClicks(window.hcps.search, "a")
        qtbot.wait(150)
        assert not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=WAIT_MS)  # then it does lock
    window.set_idle_lock(0)
