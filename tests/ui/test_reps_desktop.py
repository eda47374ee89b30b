"""The rep's desktop after a real day with it (issue 15): no lost tasks, dismissals that
take effect, follow-ups that can be done, a planner that keeps its route tidy, undo,
screens that fit a 1024x640 laptop, readable colours and plain wording."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.changes import Changes
from fieldrep.domain.enums import Channel, DismissReason, Outcome, PlanStatus
from fieldrep.planning.week import week_start
from fieldrep.sync.engine import SyncReport
from fieldrep.ui import theme
from fieldrep.ui.dialogs.call_log import CallLogDialog
from fieldrep.ui.main_window import PLANNER, TODAY, MainWindow
from fieldrep.ui.widgets.follow_ups import NOTE_ROLE
from fieldrep.ui.window_frame import PREFERRED_SIZE, fitted_geometry, screen_key
from fieldrep.usecases.sync_inbox import rejected_item
from tests.pinned_clock import today
from tests.ui.conftest import WAIT_MS, idle
from tests.ui.test_suggestion_actions import listed_ids, select, show_suggestions

SMALL = (1024, 640)


# -- 1. accepting never loses the task -------------------------------------------------
def test_accepting_a_remote_suggestion_then_esc_keeps_a_draft(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = show_suggestions(qtbot, window)
    chosen = select(page, Channel.REMOTE.value)
    page.accept_selected()  # what Enter or a double-click does
    qtbot.waitUntil(
        lambda: window.call_dialog is not None and window.call_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = window.call_dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    drafts = window.workspace.calls.drafts()
    assert [(d.hcp_id, d.suggestion_id) for d in drafts if d.suggestion_id == chosen.id] == [
        (chosen.hcp_id, chosen.id)
    ]


def test_accepting_a_visit_suggestion_then_esc_leaves_it_listed(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = show_suggestions(qtbot, window)
    chosen = select(page, Channel.VISIT.value)
    page.accept_selected()
    qtbot.waitUntil(lambda: window.plan_dialog is not None, timeout=WAIT_MS)
    assert window.plan_dialog is not None
    window.plan_dialog.reject()
    idle(qtbot, window)
    assert chosen.id in listed_ids(page)
    assert not [f for f in window.workspace.feedback.all() if f.suggestion_id == chosen.id]


# -- 2. dismiss takes effect; undo -------------------------------------------------------
def test_dismiss_removes_the_row_updates_the_count_and_undo_brings_it_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = show_suggestions(qtbot, window)
    before = page.model.rowCount()
    page.view.selectRow(6)
    chosen = page.selected()
    assert chosen is not None
    dialog = page.dismiss_selected()
    assert dialog is not None
    dialog.reason.setCurrentIndex(dialog.reason.findData(DismissReason.OTHER.value))
    dialog.accept()
    qtbot.waitUntil(
        lambda: chosen.hcp_id not in {s.hcp_id for s in page.model.rows()}, timeout=WAIT_MS
    )
    assert page.data_note.text().startswith(f"{page.model.rowCount()} suggestions")
    assert page.model.rowCount() <= before
    assert window.toast.isVisibleTo(window) and "dismissed" in window.toast.text.text()

    window.actions_by_name["undo"].trigger()  # Ctrl+Z
    # A reload queued before the undo (segments estimated in the background) may answer
    # first; the one after the undo brings the HCP back.
    qtbot.waitUntil(lambda: chosen.hcp_id in {s.hcp_id for s in page.model.rows()}, timeout=WAIT_MS)
    assert window.toast.text.text().startswith("Undone")
    assert not [f for f in window.workspace.feedback.all() if f.suggestion_id == chosen.id]


# -- 5. follow-ups can be done --------------------------------------------------------
def test_ticking_a_follow_up_on_today_marks_it_done(qtbot: QtBot, window: MainWindow) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[0]
    note = ws.calls.log(
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.PHONE,
            started_at=ws.clock.local_now() - timedelta(days=20),
            duration_minutes=10,
            outcome=Outcome.POSITIVE,
            follow_ups=(FollowUp("send the renal data pack", today() - timedelta(days=3)),),
        ),
        submit=True,
    )
    with qtbot.waitSignal(window.taskman.changed, timeout=WAIT_MS):
        window.taskman.notify(Changes(calls=True))
    window.go(TODAY)
    follow = window.today.follow_list

    def item() -> Any:
        for i in range(follow.count()):
            if follow.item(i).data(NOTE_ROLE) == (note.id, 0):
                return follow.item(i)
        return None

    qtbot.waitUntil(lambda: item() is not None, timeout=WAIT_MS)
    assert "overdue" in item().text()
    item().setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: item() is None, timeout=WAIT_MS)
    assert ws.calls.get(note.id).follow_ups[0].done


# -- 6. planner: weekend shown, numbering after a move, undo of cancel -----------------
def _routed(window: MainWindow, n: int = 4) -> list[str]:
    ws = window.workspace
    day = today()
    hcps = [h for h in ws.hcps.all() if h.latitude is not None][:n]
    ids = [ws.plans.add(h.id, day).id for h in hcps]
    from datetime import time

    ws.plans.set_route(ids, [time(9 + i, 0) for i in range(n)])
    return ids


def test_a_saturday_visit_is_shown_in_the_planner(qtbot: QtBot, window: MainWindow) -> None:
    saturday = week_start(today()) + timedelta(days=5)
    window.workspace.plans.add(window.workspace.hcps.all()[0].id, saturday)
    with qtbot.waitSignal(window.planner.loaded, timeout=WAIT_MS):
        window.go(PLANNER)
        window.planner.reload()
    assert window.planner.is_showing(saturday)
    assert len(window.planner.rows_for(saturday)) == 1


def test_moving_a_visit_out_of_a_route_renumbers_and_undo_restores_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    ids = _routed(window)
    planner = window.planner
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        window.go(PLANNER)
        planner.reload()
    idle(qtbot, window)  # every queued load has answered: the week on screen is final
    column = next(c for c in planner.columns if c.day == today())
    planner._focus_column(column)
    column.view.selectRow(1)
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        planner.shift_selected(1)  # Ctrl+Shift+Right
    assert [r.plan.route_order for r in planner.rows_for(today())] == [1, 2, 3]
    assert ids[1] not in [r.plan.id for r in planner.rows_for(today())]

    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        window.undo_stack.undo()
    assert [r.plan.id for r in planner.rows_for(today())] == ids
    assert [r.plan.route_order for r in planner.rows_for(today())] == [1, 2, 3, 4]


def test_del_cancels_and_ctrl_z_brings_the_visit_back(qtbot: QtBot, window: MainWindow) -> None:
    ids = _routed(window, 3)
    planner = window.planner
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        window.go(PLANNER)
        planner.reload()
    idle(qtbot, window)  # every queued load has answered: the week on screen is final
    column = next(c for c in planner.columns if c.day == today())
    planner._focus_column(column)
    column.view.selectRow(0)
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        planner.cancel_selected()
    assert window.workspace.plans.get(ids[0]).status is PlanStatus.CANCELLED
    assert "cancelled" in window.toast.text.text() and window.toast.undo_button.isVisibleTo(
        window.toast
    )
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        window.toast.undo_button.click()
    assert window.workspace.plans.get(ids[0]).status is PlanStatus.PLANNED
    assert [r.plan.id for r in planner.rows_for(today())] == ids


def test_the_day_map_draws_the_selected_day_with_its_legs(qtbot: QtBot, window: MainWindow) -> None:
    _routed(window, 4)
    window.settings.route_start = (42.64, -71.32)
    with qtbot.waitSignal(window.planner.loaded, timeout=WAIT_MS):
        window.go(PLANNER)
        window.planner.reload()
    idle(qtbot, window)
    day_map = window.planner.map
    assert day_map.route is not None and len(day_map.route.legs) == 4  # start + 3
    assert day_map.leg_lines()[0].startswith("Start → 1")
    assert "km" in day_map.toolTip() and "driving" in day_map.toolTip()
    assert not day_map.grab().isNull()


# -- 3. every screen fits 1024x640 ----------------------------------------------------
def test_no_main_screen_or_the_call_log_needs_more_than_1024x640(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(*SMALL)
    for page in range(window.pages.count()):
        widget = window.pages.widget(page)
        hint = widget.minimumSizeHint()
        assert hint.width() <= SMALL[0] - 170 and hint.height() <= SMALL[1] - 80, (page, hint)
    hint = window.minimumSizeHint()
    assert hint.width() <= SMALL[0] and hint.height() <= SMALL[1], hint
    ws = window.workspace
    dialog = CallLogDialog(window.taskman, ws.hcps.all()[0], ws.messages.usable(), parent=window)
    qtbot.addWidget(dialog)
    # Title bar and the taskbar take about 70 px of a 640 px screen.
    assert dialog.minimumSizeHint().height() <= SMALL[1] - 70, dialog.minimumSizeHint()
    assert dialog.minimumSizeHint().width() <= SMALL[0]
    dialog._dirty = False
    dialog.reject()


def test_the_window_opens_inside_a_small_screen_and_remembers_its_size_per_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    for area in (QRect(0, 0, 1024, 600), QRect(0, 0, 1366, 728), QRect(1920, 0, 1920, 1040)):
        fitted = fitted_geometry(area)
        assert area.contains(fitted.adjusted(-8, -32, 8, 8)), (area, fitted)
    assert fitted_geometry(QRect(0, 0, 1920, 1040)).size().toTuple() == PREFERRED_SIZE
    window.resize(1100, 700)
    window.close()
    key = screen_key(window)
    saved = window.settings.window_geometry(key)
    assert saved is not None and key  # kept under this screen's name and size


# -- 9. readable colours, tooltips, shortcuts, tab order ------------------------------
def _dark() -> QPalette:
    p = QPalette()
    R = QPalette.ColorRole
    for role, colour in (
        (R.Window, "#2b2b2b"),
        (R.Base, "#1e1e1e"),
        (R.AlternateBase, "#262626"),
        (R.Text, "#dddddd"),
        (R.WindowText, "#dddddd"),
        (R.ButtonText, "#dddddd"),
        (R.Button, "#3a3a3a"),
        (R.PlaceholderText, "#5a5a5a"),
        (R.Highlight, "#3daee9"),
        (R.HighlightedText, "#ffffff"),
        (R.ToolTipBase, "#31363b"),
        (R.ToolTipText, "#eff0f1"),
        (R.Link, "#2980b9"),
    ):
        p.setColor(role, QColor(colour))
    return p


def test_every_text_colour_reaches_wcag_aa_on_light_and_dark_palettes(qapp: Any) -> None:
    light = QApplication.style().standardPalette()
    raw = theme.text_pairs(light)["muted/placeholder on base"]
    assert theme.contrast(*raw) < theme.AA  # Fusion's grey placeholder, before correction
    for name, palette in (("light", light), ("dark", _dark())):
        fixed = theme.accessible_palette(palette)
        ratios = {k: round(theme.contrast(*pair), 2) for k, pair in theme.text_pairs(fixed).items()}
        low = {k: r for k, r in ratios.items() if r < theme.AA}
        assert not low, f"{name}: {low}"


def test_every_control_without_a_text_label_has_a_tooltip(window: MainWindow) -> None:
    for button in window.findChildren(QAbstractButton):
        qt_own = button.objectName().startswith("qt_") or isinstance(button.parent(), QLineEdit)
        if not button.text().strip(" &") and not qt_own:  # Qt's corner and clear buttons
            where = f"{button.objectName()} in {type(button.parent()).__name__}"
            assert button.toolTip(), where


def test_the_call_log_tabs_from_start_to_duration_and_alt_u_jumps_there(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    dialog = CallLogDialog(window.taskman, ws.hcps.all()[0], ws.messages.usable(), parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=WAIT_MS)
    dialog.started.setFocus()
    qtbot.keyClick(dialog.started, Qt.Key.Key_Tab)
    focused: QWidget | None = dialog.focusWidget()
    assert focused is dialog.duration or (
        focused is not None and focused.parent() is dialog.duration
    )
    dialog._dirty = False
    dialog.reject()


def test_the_text_size_setting_scales_the_whole_ui(qapp: Any) -> None:
    before = QApplication.font().pointSizeF()
    try:
        theme.apply_font_scale(qapp, 1.3)
        assert abs(QApplication.font().pointSizeF() - before * 1.3) < 0.6
        assert "22.1pt" in qapp.styleSheet()  # the title: 17 pt x 1.3
    finally:
        theme.apply_font_scale(qapp, 1.0)


# -- 8. wording ----------------------------------------------------------------------
def test_sync_summary_and_inbox_rows_read_as_sentences() -> None:
    assert SyncReport().summary().startswith("Synced: everything is up to date")
    text = SyncReport(pushed=1, applied=1, pulled=3).summary()
    assert text.startswith("Synced: sent 1 change and received 3 updates")
    assert "(s)" not in text

    class Entry:
        entity, op, seq, reason, created_at = "call_note", "create", 4, "Locked", ""

    assert rejected_item(Entry(), "Dr. Maria Lopez").title == (  # type: ignore[arg-type]
        "Call note (new) — Dr. Maria Lopez"
    )


def test_ctrl_l_says_the_rep_locked_it(window: MainWindow) -> None:
    window.actions_by_name["lock"].trigger()
    assert "You locked" in window.lock_screen.note.text()
    window.unlock()
    window.lock(idle=True)
    assert "period without use" in window.lock_screen.note.text()
    window.unlock()


# -- 7. search says why a row is there ------------------------------------------------
def test_the_hcp_list_marks_similar_spellings_and_note_only_matches(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = window.hcps
    window.find_hcp()

    def names() -> list[str]:
        return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]

    page.search.setText("kowalsky")
    qtbot.waitUntil(lambda: any(n.startswith("≈ ") for n in names()), timeout=WAIT_MS)
    assert all("Kowalski" in n and n.startswith("≈ ") for n in names())
    assert f"≈ {len(names())} similar spelling" in page.count_label.text()
    page.search.setText("renal")
    qtbot.waitUntil(lambda: any(n.startswith("✎ ") for n in names()), timeout=WAIT_MS)
    assert "found in call notes" in page.count_label.text()


# -- 10. settings and about -----------------------------------------------------------
def test_settings_find_the_start_address_offline_and_the_route_starts_there(
    qtbot: QtBot, window: MainWindow
) -> None:
    from fieldrep.ui.dialogs.settings_dialog import SettingsDialog

    hcp = next(h for h in window.workspace.hcps.all() if h.latitude is not None and h.address)
    dialog = SettingsDialog(window.settings, window.taskman, window)
    qtbot.addWidget(dialog)
    dialog.address.setText(f"{hcp.address}, {hcp.city}")
    dialog.find_address()
    qtbot.waitUntil(lambda: dialog.found.text().startswith("Found"), timeout=WAIT_MS)
    dialog.text_size.setValue(120)
    dialog.idle.setValue(30)
    with qtbot.waitSignal(dialog.applied, timeout=WAIT_MS):
        dialog.save()
    assert window.settings.route_start == (hcp.latitude, hcp.longitude)
    assert window.settings.route_start_label == f"{hcp.address}, {hcp.city}"
    assert window.settings.font_scale == 1.2 and window.settings.idle_lock_minutes == 30
    theme.apply_font_scale(QApplication.instance(), 1.0)  # type: ignore[arg-type]


def test_about_names_the_server_the_user_and_the_data_folder(window: MainWindow) -> None:
    from fieldrep.ui.dialogs.about import about_text

    text = about_text(window.workspace.data_dir, "https://sync.example.com", "rep1")
    assert "https://sync.example.com" in text and "rep1" in text
    assert str(window.workspace.data_dir) in text
    assert "local only" in about_text(window.workspace.data_dir)


def test_add_visit_plans_on_the_planners_selected_day(qtbot: QtBot, window: MainWindow) -> None:
    planner = window.planner
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        window.go(PLANNER)
        planner.reload()
    idle(qtbot, window)
    friday = week_start(today()) + timedelta(days=4)
    planner._focus_column(next(c for c in planner.columns if c.day == friday))
    planner.add_button.click()  # goes to the HCP list with the day remembered
    window.plan_visit(window.workspace.hcps.all()[0].id)
    qtbot.waitUntil(lambda: window.plan_dialog is not None, timeout=WAIT_MS)
    assert window.plan_dialog is not None
    assert window.plan_dialog.values()[0] == friday
    window.plan_dialog.reject()


def test_duration_has_an_alt_shortcut(window: MainWindow) -> None:
    from PySide6.QtWidgets import QLabel

    ws = window.workspace
    dialog = CallLogDialog(window.taskman, ws.hcps.all()[0], ws.messages.usable(), parent=window)
    buddies = {label.text(): label.buddy() for label in dialog.findChildren(QLabel)}
    assert buddies["D&uration"] is dialog.duration
    dialog._dirty = False
    dialog.reject()
    dialog.deleteLater()


def test_a_dragged_visit_can_be_undone(qtbot: QtBot, window: MainWindow) -> None:
    from fieldrep.ui.dnd import PLAN, DragPayload

    ids = _routed(window, 3)
    planner = window.planner
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        window.go(PLANNER)
        planner.reload()
    idle(qtbot, window)
    tomorrow = today() + timedelta(days=1)
    hcp_id = window.workspace.plans.get(ids[0]).hcp_id
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        planner.drop_on_day(tomorrow, DragPayload(PLAN, ids[0], hcp_id), -1)
    assert ids[0] in [r.plan.id for r in planner.rows_for(tomorrow)]
    assert "moved" in window.toast.text.text()
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        window.undo_stack.undo()
    assert [r.plan.id for r in planner.rows_for(today())] == ids


def test_working_days_from_settings_decide_the_planners_columns(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.settings.working_days = frozenset({1, 2, 3, 4, 5})  # Tuesday to Saturday
    with qtbot.waitSignal(window.planner.loaded, timeout=WAIT_MS):
        window.go(PLANNER)
        window.planner.reload()
    idle(qtbot, window)
    monday = week_start(today())
    shown = [c.day for c in window.planner.columns if c.isVisibleTo(window.planner)]
    assert monday + timedelta(days=5) in shown  # Saturday, a working day
    assert (monday in shown) == (today() == monday)  # Monday only when it is today


def test_ctrl_plus_and_minus_change_the_text_size_and_keep_it(window: MainWindow) -> None:
    base = window.settings.font_scale
    try:
        window.actions_by_name["text_larger"].trigger()
        assert window.settings.font_scale == round(base + 0.1, 1)
        assert f"{(base + 0.1) * 17:.1f}pt" in QApplication.instance().styleSheet()  # type: ignore[union-attr]
        window.actions_by_name["text_smaller"].trigger()
        assert window.settings.font_scale == base
    finally:
        theme.apply_font_scale(QApplication.instance(), 1.0)  # type: ignore[arg-type]
