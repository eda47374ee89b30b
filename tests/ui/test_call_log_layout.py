"""The call log does not jump as its hints come and go (each keeps its line), and a
locked note's text fields look read-only (grey), not white and typeable."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.ui.main_window import MainWindow
from tests.pinned_clock import local_now
from tests.ui.conftest import WAIT_MS, idle
from tests.ui.test_call_log_checks import _open_call_log

CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_form_keeps_its_place_when_the_missing_outcome_is_pointed_out(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = _open_call_log(qtbot, window, 11)
    idle(qtbot, window)
    qtbot.wait(300)
    before = dialog.follow_up.mapTo(dialog.form_scroll.widget(), dialog.follow_up.rect().topLeft())
    QTest.keyClick(dialog.insights, Qt.Key.Key_Return, CTRL)  # "Choose an outcome" appears
    assert dialog.record_hints.labels["outcome"].isVisible()
    qtbot.wait(100)
    after = dialog.follow_up.mapTo(dialog.form_scroll.widget(), dialog.follow_up.rect().topLeft())
    assert after.y() == before.y()
    dialog.reject()
    idle(qtbot, window)


def test_a_locked_notes_text_fields_are_grey(qtbot: QtBot, window: MainWindow) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[12]
    note = ws.calls.log(
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.PHONE if hcp.has_consent(Channel.PHONE) else Channel.VISIT,
            started_at=local_now() - timedelta(hours=2),
            duration_minutes=10,
            products=("Cardiovex",),
            outcome=Outcome.NEUTRAL,
            insights="Brief call",
        ),
        submit=True,
    )
    window.open_note(note.id)
    qtbot.waitUntil(
        lambda: window.call_dialog is not None and window.call_dialog.read_only, timeout=WAIT_MS
    )
    dialog = window.call_dialog
    assert dialog is not None
    qtbot.wait(200)
    white = dialog.palette().color(dialog.palette().ColorRole.Base)
    grey = dialog.palette().color(dialog.palette().ColorRole.Window)
    for field in (dialog.insights, dialog.attendees, dialog.follow_up):
        pixel = field.grab().toImage().pixelColor(field.width() // 2, field.height() - 6)
        assert pixel.rgb() != white.rgb() and pixel.rgb() == grey.rgb(), field.objectName()
    dialog.reject()
    idle(qtbot, window)
