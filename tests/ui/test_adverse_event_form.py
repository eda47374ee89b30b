"""A possible adverse event typed into a call note: the report form opens prefilled with
its deadline, is sent, and Today counts it down until the next sync delivers it."""

from __future__ import annotations

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldrep.ui.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, idle

NOTE = "One of his patients, a 67-year-old man, has a rash since starting Cardiovex."


def test_an_adverse_event_in_a_note_is_reported_with_its_deadline_and_shown_in_today(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[9]
    window.log_call(hcp.id)
    qtbot.waitUntil(lambda: window.call_dialog is not None, timeout=WAIT_MS)
    dialog = window.call_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.checks.checker is not None, timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.checks.changed, timeout=WAIT_MS):
        QTest.keyClicks(dialog.insights, NOTE)
    assert dialog.checks.report_button.isVisible()
    assert dialog.submit_button.isEnabled()  # a warning: reported, not blocked

    dialog.checks.report_button.click()
    qtbot.waitUntil(lambda: dialog.ae_dialog is not None, timeout=WAIT_MS)
    form = dialog.ae_dialog
    assert form is not None and form.isVisible()
    assert form.reporter.text() == hcp.display_name
    assert (form.age.text(), form.sex.currentData(), form.product.text()) == (
        "67",
        "male",
        "Cardiovex",
    )
    assert "rash since starting Cardiovex" in form.event_text.toPlainText()
    deadline = form.deadline.text()
    assert deadline.startswith("Due to Drug Safety by") and deadline.endswith("min left)")
    assert "23 h" in deadline or "24 h" in deadline  # the call started a moment ago

    form.product.clear()
    assert "suspect product" in form.missing.text()
    form.product.setText("Cardiovex")
    with qtbot.waitSignal(form.sent, timeout=WAIT_MS):
        form.send_button.click()
    idle(qtbot, window)
    [unsent] = ws.adverse_events.unsent()
    assert unsent.queued and unsent.report.call_note_id == dialog.note.id  # type: ignore[union-attr]

    window.today.reload()
    qtbot.waitUntil(lambda: window.today.ae_list.count() == 1, timeout=WAIT_MS)
    text = window.today.ae_list.item(0).text()
    assert "waiting for sync" in text and "left" in text and "Cardiovex" in text
