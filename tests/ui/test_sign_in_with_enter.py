"""Enter signs in from the welcome form (a stranger typed server, user and password,
pressed Enter, and nothing happened: the Sign in button was made the default before it
was in the dialog)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldrep.ui.dialogs.sign_in import WelcomeDialog


def _filled(qtbot: QtBot, *, again: bool = False) -> WelcomeDialog:
    dialog = WelcomeDialog(again=again)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QTest.keyClicks(dialog.server, "http://127.0.0.1:8765")
    QTest.keyClicks(dialog.username, "ALICE")
    QTest.keyClicks(dialog.password, "correct horse")
    return dialog


def test_enter_in_the_password_field_signs_in(qtbot: QtBot) -> None:
    dialog = _filled(qtbot)
    assert dialog.sign_in_button.isDefault()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.choice == WelcomeDialog.SIGN_IN


def test_enter_when_signing_in_again_signs_in_too(qtbot: QtBot) -> None:
    dialog = _filled(qtbot, again=True)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        QTest.keyClick(dialog.server, Qt.Key.Key_Enter)
    assert dialog.choice == WelcomeDialog.SIGN_IN


def test_enter_with_a_field_missing_says_what_to_fill_in(qtbot: QtBot) -> None:
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QTest.keyClicks(dialog.username, "ALICE")
    QTest.keyClick(dialog.username, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.choice == 0
    assert "Fill in the server address" in dialog.error.text()
