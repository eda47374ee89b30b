"""The call log and the plan dialog show the contact rules under the channel (the Next
best action panel's sentences), and a call on a withdrawn consent is not submitted."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import CallStatus, Channel, Outcome
from fieldrep.ui.main_window import MainWindow
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now
from tests.ui.conftest import WAIT_MS, idle
from tests.ui.test_call_log_checks import _open_call_log

CTRL = Qt.KeyboardModifier.ControlModifier


def _set(ws: Workspace, index: int, consents: dict[str, bool]) -> str:
    hcp = ws.hcps.all()[index]
    ws.hcps.upsert_many([replace(hcp, consents=consents, do_not_contact=False)])
    return hcp.id


def _visited_days_ago(ws: Workspace, hcp_id: str, days: int) -> None:
    ws.calls.log(
        CallDraft(
            hcp_id=hcp_id,
            channel=Channel.VISIT,
            started_at=local_now() - timedelta(days=days),
            duration_minutes=20,
            products=("Cardiovex",),
            outcome=Outcome.NEUTRAL,
            insights="Short visit",
        ),
        submit=True,
    )


def test_the_call_log_warns_the_gap_and_the_missing_opt_in_under_the_channel(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    hcp_id = _set(ws, 7, {})
    _visited_days_ago(ws, hcp_id, 3)
    panel = {b.explanation for b in ws.suggestions.blocked_for_hcp(hcp_id)}
    dialog = _open_call_log(qtbot, window, 7)
    hint = dialog.contact_hint
    qtbot.waitUntil(lambda: "minimum gap is 14 days" in hint.text(), timeout=WAIT_MS)
    assert hint.isVisible() and hint.text() in panel  # the panel's own sentence
    dialog.channel.setCurrentIndex(dialog.channel.findData(Channel.EMAIL.value))
    qtbot.waitUntil(lambda: "No consent for approved email" in hint.text(), timeout=WAIT_MS)
    dialog.reject()
    idle(qtbot, window)


def test_a_call_on_a_withdrawn_consent_says_why_and_is_not_submitted(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    hcp_id = _set(ws, 8, {"visit": False})
    dialog = _open_call_log(qtbot, window, 8)
    dialog.channel.setCurrentIndex(dialog.channel.findData(Channel.VISIT.value))
    qtbot.waitUntil(lambda: "has no consent for" in dialog.contact_hint.text(), timeout=WAIT_MS)
    dialog.products.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(Outcome.POSITIVE.value))
    QTest.keyClick(dialog.insights, Qt.Key.Key_Return, CTRL)
    idle(qtbot, window)
    assert "has no consent for face-to-face visit on record" in dialog.error.text()
    assert dialog.isVisible() and not dialog.read_only
    assert all(
        n.status is CallStatus.DRAFT for n in ws.calls.for_hcp(hcp_id) if n.id == dialog.note_id
    )
    dialog.reject()
    idle(qtbot, window)


def test_the_plan_dialog_shows_the_rules_and_refuses_a_withdrawn_consent(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    gap_id = _set(ws, 9, {})
    _visited_days_ago(ws, gap_id, 3)
    window.plan_visit(gap_id)
    qtbot.waitUntil(lambda: getattr(window, "plan_dialog", None) is not None, timeout=WAIT_MS)
    dialog = window.plan_dialog
    qtbot.waitUntil(lambda: "minimum gap is 14 days" in dialog.rules.text(), timeout=WAIT_MS)
    assert dialog.ok_button.isEnabled()
    dialog.reject()
    refused_id = _set(ws, 10, {"visit": False})
    window.plan_visit(refused_id)
    qtbot.waitUntil(lambda: window.plan_dialog is not dialog, timeout=WAIT_MS)
    second = window.plan_dialog
    qtbot.waitUntil(lambda: "has no consent for" in second.rules.text(), timeout=WAIT_MS)
    assert not second.ok_button.isEnabled()
    second.reject()
    idle(qtbot, window)


def test_the_gap_warning_gets_the_height_of_all_its_lines_on_a_small_laptop(
    qtbot: QtBot, window: MainWindow
) -> None:
    """At 1024x640 the sentence wraps onto two lines; it had the height of one, so both
    were clipped and unreadable."""
    window.resize(1024, 640)
    ws = window.workspace
    hcp_id = _set(ws, 9, {})
    _visited_days_ago(ws, hcp_id, 0)
    dialog = _open_call_log(qtbot, window, 9)
    dialog.resize(dialog.width(), 560)  # as it opens on a 640 px high screen
    hint = dialog.contact_hint
    qtbot.waitUntil(lambda: "minimum gap is 14 days" in hint.text(), timeout=WAIT_MS)
    assert hint.text().startswith("Last face-to-face visit earlier today;")  # not "0 days ago"
    idle(qtbot, window)
    QApplication.processEvents()
    lines = hint.heightForWidth(hint.width()) // hint.fontMetrics().lineSpacing()
    assert lines >= 1
    assert hint.height() >= hint.heightForWidth(hint.width()), (hint.height(), hint.width())
    dialog.grab().save("/tmp/call_log_gap_1024.png")
    dialog.reject()
    idle(qtbot, window)


def test_the_plan_dialogs_gap_warning_is_read_to_its_end_on_a_small_laptop(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A stranger at 1024x640 read "Last face-to-face visit yesterday; the" and no more:
    the part that says when the visit is allowed again was cut off."""
    window.resize(1024, 640)
    ws = window.workspace
    hcp_id = _set(ws, 11, {})
    _visited_days_ago(ws, hcp_id, 1)
    window.plan_visit(hcp_id)
    qtbot.waitUntil(lambda: getattr(window, "plan_dialog", None) is not None, timeout=WAIT_MS)
    dialog = window.plan_dialog
    rules = dialog.rules
    qtbot.waitUntil(lambda: "allowed again from" in rules.text(), timeout=WAIT_MS)
    QApplication.processEvents()
    assert rules.height() >= rules.heightForWidth(rules.width()), (rules.height(), rules.width())
    assert dialog.height() <= 640
    dialog.grab().save("/tmp/plan_dialog_gap_1024.png")
    dialog.reject()
    idle(qtbot, window)
