"""Drag and drop on the planner: move a visit to another day, reorder a day (its route),
plan a visit by dropping an HCP or a suggestion on a day.

Drops are simulated the way Qt delivers them: the source model's `mimeData` for the
dragged row, then the target day's `dropMimeData` (or a real `QDropEvent` on its view).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldrep.domain.changes import Changes
from fieldrep.domain.enums import Channel, FeedbackAction
from fieldrep.planning.week import week_start
from fieldrep.ui.dnd import DragPayload, from_mime, insert_at, to_mime
from fieldrep.ui.main_window import HCPS, PLANNER, MainWindow
from fieldrep.ui.pages.day_column import DayColumn
from tests.pinned_clock import today
from tests.ui.conftest import WAIT_MS

# Three working days of the week on screen from today on (the past cannot be planned).
FIRST = week_start(today()) + timedelta(days=2)
SECOND = FIRST + timedelta(days=1)
THIRD = FIRST + timedelta(days=2)
PLANNER_HCP_COLUMN = 2


def test_insert_at_places_the_dragged_id_before_the_drop_row() -> None:
    assert insert_at(["a", "b", "c"], "c", 0) == ["c", "a", "b"]
    assert insert_at(["a", "b", "c"], "a", 2) == ["b", "a", "c"]  # between b and c
    assert insert_at(["a", "b"], "x", 1) == ["a", "x", "b"]
    assert insert_at(["a", "b"], "x", -1) == ["a", "b", "x"]


def test_a_drag_payload_survives_its_mime_round_trip_and_foreign_data_is_refused() -> None:
    payload = DragPayload("suggestion", "s1", "h1", "visit")
    assert from_mime(to_mime(payload)) == payload
    broken = to_mime(payload)
    broken.setData("application/x-fieldrep-item", b'{"kind": "plan"}')
    assert from_mime(broken) is None


def column(window: MainWindow, day: date) -> DayColumn:
    return next(c for c in window.planner.columns if c.day == day)


def show_planner(qtbot: QtBot, window: MainWindow, counts: dict[date, int]) -> None:
    window.taskman.notify(Changes(plans=True))
    window.go(PLANNER)
    qtbot.waitUntil(
        lambda: all(
            # is_showing: an empty day is "0 rows" only once the week has loaded
            window.planner.is_showing(d) and len(window.planner.rows_for(d)) == n
            for d, n in counts.items()
        ),
        timeout=WAIT_MS,
    )


def drop(window: MainWindow, source: Any, row: int, target: DayColumn, at: int) -> bool:
    """Drag row `row` of `source` (a model) and drop it on `target` before row `at`."""
    mime = source.mimeData([source.index(row, 0)])
    action = Qt.DropAction.MoveAction
    return bool(target.model.dropMimeData(mime, action, at, 0, target.view.rootIndex()))


def planned(qtbot: QtBot, window: MainWindow) -> Any:
    """Wait for the drop's core call to finish (it announces changed plans)."""
    return qtbot.waitSignal(
        window.taskman.changed, timeout=WAIT_MS, check_params_cb=lambda changes: changes.plans
    )


def test_dragging_a_visit_to_another_day_moves_it_into_that_days_route(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    h = ws.hcps.all()[:3]
    a, b = ws.plans.add(h[0].id, FIRST), ws.plans.add(h[1].id, FIRST)
    c = ws.plans.add(h[2].id, SECOND)
    show_planner(qtbot, window, {FIRST: 2, SECOND: 1})
    tuesday = column(window, SECOND)

    with planned(qtbot, window):
        assert drop(window, tuesday.model, 0, column(window, FIRST), 1)  # between a and b

    assert ws.plans.get(c.id).planned_date == FIRST
    assert [p.id for p in ws.plans.for_day(FIRST)] == [a.id, c.id, b.id]
    assert [p.route_order for p in ws.plans.for_day(FIRST)] == [1, 2, 3]
    qtbot.waitUntil(
        lambda: window.planner.is_showing(SECOND) and window.planner.rows_for(SECOND) == [],
        timeout=WAIT_MS,
    )


def test_dropping_a_visit_below_an_unrouted_day_only_changes_its_day(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    h = ws.hcps.all()[:2]
    a = ws.plans.add(h[0].id, FIRST)
    b = ws.plans.add(h[1].id, SECOND, planned_time=None)
    show_planner(qtbot, window, {FIRST: 1, SECOND: 1})

    with planned(qtbot, window):
        assert drop(window, column(window, FIRST).model, 0, column(window, THIRD), -1)

    assert ws.plans.get(a.id).planned_date == THIRD
    assert ws.plans.get(a.id).route_order is None
    assert ws.plans.get(b.id).planned_date == SECOND


def test_reordering_within_a_day_by_a_real_drop_event_sets_the_route(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    a, b, c = (ws.plans.add(hcp.id, SECOND) for hcp in ws.hcps.all()[:3])
    show_planner(qtbot, window, {SECOND: 3})
    tuesday = column(window, SECOND)
    view = tuesday.view
    mime = tuesday.model.mimeData([tuesday.model.index(2, 0)])  # c
    top = view.visualRect(tuesday.model.index(0, PLANNER_HCP_COLUMN)).topLeft()
    at = QPointF(top.x() + 4, top.y() + 1)  # the upper edge of the first visit
    actions = Qt.DropAction.MoveAction
    no_buttons, no_keys = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    # As in a real drag: the view sees the drag enter before the drop.
    enter = QDragEnterEvent(at, actions, mime, no_buttons, no_keys)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    event = QDropEvent(at, actions, mime, no_buttons, no_keys, QEvent.Type.Drop)
    with planned(qtbot, window):
        QApplication.sendEvent(view.viewport(), event)

    assert [p.id for p in ws.plans.for_day(SECOND)] == [c.id, a.id, b.id]
    qtbot.waitUntil(lambda: not view.isColumnHidden(0), timeout=WAIT_MS)  # "#" now shows


def test_dropping_an_hcp_from_the_list_on_a_day_plans_a_visit_there(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    show_planner(qtbot, window, {THIRD: 0})
    hcp = window.hcps.model.row_at(0)

    with planned(qtbot, window):
        assert drop(window, window.hcps.model, 0, column(window, THIRD), -1)

    plans = ws.plans.for_day(THIRD)
    assert [(p.hcp_id, p.channel, p.planned_time) for p in plans] == [(hcp.id, Channel.VISIT, None)]


def test_dropping_a_suggestion_on_a_day_plans_it_and_accepts_the_suggestion(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    page = window.suggestions
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT_MS)
    row, chosen = next(
        (i, s)
        for i, s in enumerate(page.model.rows())
        if getattr(s.channel, "value", s.channel) == Channel.VISIT.value
    )
    show_planner(qtbot, window, {THIRD: 0})

    with planned(qtbot, window):
        assert drop(window, page.model, row, column(window, THIRD), -1)

    plans = ws.plans.for_day(THIRD)
    assert [(p.hcp_id, p.suggestion_id) for p in plans] == [(chosen.hcp_id, chosen.id)]
    feedback = ws.feedback.all()[-1]
    assert (feedback.suggestion_id, feedback.action) == (chosen.id, FeedbackAction.ACCEPTED)
    qtbot.waitUntil(lambda: chosen.id not in {s.id for s in page.model.rows()}, timeout=WAIT_MS)


def test_dragging_over_the_planner_entry_of_the_navigation_opens_the_planner(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.go(HCPS)
    mime = window.hcps.model.mimeData([window.hcps.model.index(0, 0)])
    nav = window.nav
    at = QPointF(nav.visualItemRect(nav.item(PLANNER)).center())  # the QPoint forms are deprecated
    actions, no_buttons = Qt.DropAction.CopyAction, Qt.MouseButton.NoButton
    no_keys = Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(at, actions, mime, no_buttons, no_keys)
    QApplication.sendEvent(nav.viewport(), enter)
    QApplication.sendEvent(nav.viewport(), QDragMoveEvent(at, actions, mime, no_buttons, no_keys))
    assert window.pages.currentIndex() == PLANNER
