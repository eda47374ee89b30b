"""The rep's day through the real widgets: find an HCP, log a call by keyboard, act on
suggestions, plan and order a day, export it."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldrep.domain.enums import CallStatus, DismissReason, Outcome
from fieldrep.planning.calendar_export import read_events
from fieldrep.planning.route import Stop, order_route
from fieldrep.planning.week import week_start
from fieldrep.services.calls import draft_of
from fieldrep.ui.main_window import DETAIL, MainWindow
from tests.pinned_clock import today
from tests.ui.conftest import WAIT_MS, idle

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _focused() -> object:
    return QApplication.focusWidget()


def test_find_an_hcp_and_log_a_call_with_the_keyboard_only(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    target = sorted(ws.hcps.all(), key=lambda h: h.name)[17]
    qtbot.waitUntil(lambda: window.sync_status.pending.text() == "0 pending", timeout=WAIT_MS)

    QTest.keyClick(window, Qt.Key.Key_F, CTRL)
    assert _focused() is window.hcps.search
    QTest.keyClicks(window.hcps.search, target.name)
    qtbot.waitUntil(
        lambda: (
            window.hcps.model.rowCount() >= 1
            and all(target.name in r.name for r in window.hcps.model.rows())
        ),
        timeout=WAIT_MS,
    )
    QTest.keyClick(window.hcps.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == DETAIL, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.detail.data is not None, timeout=WAIT_MS)
    opened = window.detail.data.hcp
    assert target.name in opened.name

    QTest.keyClick(window, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(
        lambda: window.call_dialog is not None and window.call_dialog.isVisible(), timeout=WAIT_MS
    )
    dialog = window.call_dialog
    assert dialog is not None and dialog.hcp.id == opened.id
    assert _focused() is dialog.insights  # start typing at once
    QTest.keyClicks(dialog.insights, "Asked for renal data; open to a lunch-and-learn.")
    QTest.keyClick(dialog.insights, Qt.Key.Key_P, ALT)  # Alt+P: products
    assert _focused() is dialog.products
    QTest.keyClick(dialog.products, Qt.Key.Key_Down)
    QTest.keyClick(dialog.products, Qt.Key.Key_Space)
    QTest.keyClick(dialog.products, Qt.Key.Key_K, ALT)  # Alt+K: key messages of that product
    assert _focused() is dialog.key_messages
    QTest.keyClick(dialog.key_messages, Qt.Key.Key_Down)
    QTest.keyClick(dialog.key_messages, Qt.Key.Key_Space)
    QTest.keyClick(dialog.key_messages, Qt.Key.Key_O, ALT)  # Alt+O: outcome
    QTest.keyClick(_focused(), Qt.Key.Key_Down)
    QTest.keyClick(_focused(), Qt.Key.Key_F, ALT)  # Alt+F: follow-up
    QTest.keyClicks(_focused(), "Send the renal subgroup reprint")
    QTest.keyClick(_focused(), Qt.Key.Key_Return, CTRL)  # submit

    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.sync_status.pending.text() == "1 pending", timeout=WAIT_MS)
    notes = [n for n in ws.calls.for_hcp(opened.id) if n.insights.startswith("Asked for renal")]
    assert len(notes) == 1
    note = notes[0]
    assert note.status is CallStatus.SUBMITTED
    assert len(note.products) == 1 and len(note.key_messages) == 1
    assert note.follow_ups[0].description == "Send the renal subgroup reprint"
    assert note.follow_ups[0].due == today() + timedelta(days=14)


def test_a_closed_call_log_keeps_its_draft_and_a_submitted_note_is_read_only(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[3]
    window.log_call(hcp.id)
    qtbot.waitUntil(lambda: window.call_dialog is not None, timeout=WAIT_MS)
    dialog = window.call_dialog
    assert dialog is not None
    QTest.keyClicks(dialog.insights, "Half-written note")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # close: the draft is kept
    idle(qtbot, window)
    drafts = [n for n in ws.calls.drafts() if n.hcp_id == hcp.id]
    assert [d.insights for d in drafts] == ["Half-written note"]

    ws.calls.update_draft(
        drafts[0].id,
        replace(draft_of(drafts[0]), products=("Cardiovex",), outcome=Outcome.POSITIVE),
    )
    ws.calls.submit(drafts[0].id)
    window.open_note(drafts[0].id)
    qtbot.waitUntil(
        lambda: window.call_dialog is not dialog and window.call_dialog is not None,
        timeout=WAIT_MS,
    )
    locked = window.call_dialog
    assert locked is not None and locked.read_only
    assert locked.insights.isReadOnly() and not locked.submit_button.isVisible()


def test_autosave_writes_the_draft_while_the_rep_types(qtbot: QtBot, window: MainWindow) -> None:
    hcp = window.workspace.hcps.all()[5]
    window.log_call(hcp.id)
    qtbot.waitUntil(lambda: window.call_dialog is not None, timeout=WAIT_MS)
    dialog = window.call_dialog
    assert dialog is not None
    dialog._autosave.setInterval(100)
    QTest.keyClicks(dialog.insights, "Typed")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        pass
    QTest.keyClicks(dialog.insights, " more")
    qtbot.waitUntil(
        lambda: (
            [n.insights for n in window.workspace.calls.drafts() if n.hcp_id == hcp.id]
            == ["Typed more"]
        ),
        timeout=WAIT_MS,
    )
    dialog.reject()


def test_dismissing_a_suggestion_with_a_reason_takes_it_off_the_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = window.suggestions
    QTest.keyClick(window, Qt.Key.Key_4, CTRL)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT_MS)
    first = page.selected()
    assert first is not None and first.reasons  # every suggestion says why
    dialog = page.dismiss_selected()
    assert dialog is not None
    dialog.reason.setCurrentIndex(dialog.reason.findData(DismissReason.WRONG_TIMING.value))
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        dialog.accept()
    assert first.id not in {s.id for s in page.model.rows()}
    feedback = window.workspace.feedback.all()[-1]
    assert feedback.suggestion_id == first.id
    assert feedback.reason is DismissReason.WRONG_TIMING


def test_plan_three_visits_order_the_route_and_export_the_week(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    ws = window.workspace
    day = week_start(today()) + timedelta(days=2)  # Wednesday of this week
    hcps = [h for h in ws.hcps.all() if h.latitude is not None][:3]
    for hcp in hcps:
        window.plan_visit(hcp.id)
        qtbot.waitUntil(
            lambda h=hcp: (
                window.plan_dialog is not None
                and h.display_name in window.plan_dialog.windowTitle()
            ),
            timeout=WAIT_MS,
        )
        dialog = window.plan_dialog
        assert dialog is not None
        dialog.day.setDate(day)
        with qtbot.waitSignal(window.taskman.changed, timeout=WAIT_MS):
            dialog.accept()
    window.go(2)
    planner = window.planner
    qtbot.waitUntil(lambda: len(planner.rows_for(day)) == 3, timeout=WAIT_MS)

    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        planner.order_route(day)
    qtbot.waitUntil(
        lambda: [r.plan.route_order for r in planner.rows_for(day)] == [1, 2, 3], timeout=WAIT_MS
    )
    ordered = [r.plan.id for r in planner.rows_for(day)]
    stops = [Stop(r.plan.id, r.latitude, r.longitude) for r in planner.rows_for(day)]
    assert ordered == order_route(stops)

    path = tmp_path / "week.ics"
    with qtbot.waitSignal(planner.exported, timeout=WAIT_MS) as exported:
        planner.export_to(path)
    assert exported.args == [str(path), 3]
    events = read_events(path)
    assert sorted(summary for summary, _ in events) == sorted(
        f"Face-to-face visit: {h.display_name}" for h in hcps
    )
    # Ordering the route gave the visits times, in route order, from 09:00 that day.
    times = [r.plan.planned_time for r in planner.rows_for(day)]
    assert times[0] == time(9, 0) and times == sorted(times)
    starts = sorted(start for _, start in events)
    assert [s.date() for s in starts] == [day] * 3  # type: ignore[union-attr]
    assert [s.time() for s in starts] == times  # type: ignore[union-attr]
