"""The call log checks as the rep types: an untouched call cannot be submitted and says
why; a phone number in the note is highlighted and blocks Submit until it is gone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldrep.domain.enums import CallStatus
from fieldrep.ui.dialogs.call_log import CallLogDialog
from fieldrep.ui.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, idle

CTRL = Qt.KeyboardModifier.ControlModifier


def _open_call_log(qtbot: QtBot, window: MainWindow, index: int) -> CallLogDialog:
    hcp = window.workspace.hcps.all()[index]
    window.log_call(hcp.id)
    qtbot.waitUntil(lambda: window.call_dialog is not None, timeout=WAIT_MS)
    dialog = window.call_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.checks.checker is not None, timeout=WAIT_MS)
    return dialog


def test_an_untouched_call_log_cannot_be_submitted_and_says_why(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = _open_call_log(qtbot, window, 5)
    assert not dialog.record_hints.labels["products"].isVisible()  # not an error yet

    QTest.keyClick(dialog.insights, Qt.Key.Key_Return, CTRL)  # submit at once

    assert dialog.isVisible() and not dialog.read_only
    said = dialog.error.text()
    assert "Tick at least one product" in said and "Choose an outcome" in said
    products_hint = dialog.record_hints.labels["products"]
    assert products_hint.isVisible() and "product" in products_hint.text()
    assert dialog.record_hints.labels["outcome"].isVisible()
    idle(qtbot, window)
    assert dialog.note is None or dialog.note.status is CallStatus.DRAFT
    submitted = [m for m in window.workspace.pending_mutations() if "submitted_at" in m.fields]
    assert not [m for m in submitted if m.fields["submitted_at"]]


def test_a_call_dated_in_the_future_is_flagged_next_to_its_start(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = _open_call_log(qtbot, window, 6)
    dialog.started.setDateTime(dialog.started.dateTime().addDays(365))
    hint = dialog.record_hints.labels["start"]
    assert hint.isVisible() and "in the future" in hint.text()


def test_a_phone_number_in_the_note_is_highlighted_and_blocks_submit_until_removed(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = _open_call_log(qtbot, window, 7)
    assert dialog.submit_button.isEnabled()

    with qtbot.waitSignal(dialog.checks.changed, timeout=WAIT_MS):
        QTest.keyClicks(dialog.insights, "Asked us to call the patient back on 617-555-0142.")
    marked = [
        dialog.insights.toPlainText()[s.cursor.selectionStart() : s.cursor.selectionEnd()]
        for s in dialog.insights.extraSelections()
    ]
    assert marked == ["617-555-0142"]
    assert not dialog.submit_button.isEnabled()
    assert "Patient information" in dialog.checks.list.item(0).text()
    assert (
        "Patient" in dialog.submit_button.toolTip() or "patient" in dialog.submit_button.toolTip()
    )
    QTest.keyClick(dialog.insights, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible() and "patient information" in dialog.error.text()

    # Remove the number: Submit is back.
    with qtbot.waitSignal(dialog.checks.changed, timeout=WAIT_MS):
        for _ in range(len("617-555-0142.")):
            QTest.keyClick(dialog.insights, Qt.Key.Key_Backspace)
    assert dialog.insights.extraSelections() == []
    assert dialog.submit_button.isEnabled()


def test_redact_replaces_patient_details_in_one_step(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _open_call_log(qtbot, window, 8)
    with qtbot.waitSignal(dialog.checks.changed, timeout=WAIT_MS):
        QTest.keyClicks(
            dialog.insights, "Mrs. Alvarez, DOB 04/12/1951, mail ann.alvarez@example.com"
        )
    assert dialog.checks.redact_button.isVisible()
    dialog.checks.redact_button.click()
    text = dialog.insights.toPlainText()
    assert "Alvarez" not in text and "1951" not in text and "example.com" not in text
    assert "[redacted]" in text and dialog.submit_button.isEnabled()
