"""The main window: navigation, the screens, menus with shortcuts, sync status, idle lock.

It wires screens to each other through signals and runs every core call through the
task manager; it holds no data of its own beyond what is on screen.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldrep import __version__
from fieldrep.domain.changes import Changed, Changes
from fieldrep.domain.enums import Channel
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.plans import VisitPlan
from fieldrep.domain.segments import Segment
from fieldrep.nba.model import Suggestion
from fieldrep.planning.week import planning_week
from fieldrep.sync.engine import SyncReport
from fieldrep.ui import errors
from fieldrep.ui.dialogs.about import AboutDialog
from fieldrep.ui.dialogs.call_log import CallLogDialog
from fieldrep.ui.dialogs.plan_visit import PlanVisitDialog
from fieldrep.ui.dialogs.revoked import show_revoked_notice
from fieldrep.ui.dialogs.segment_correction import SegmentCorrectionDialog
from fieldrep.ui.dialogs.settings_dialog import SettingsDialog
from fieldrep.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from fieldrep.ui.locking import WindowLock
from fieldrep.ui.navigation import Location, PageHistory
from fieldrep.ui.pages.hcp_detail import HcpDetailPage
from fieldrep.ui.pages.hcps import HcpListPage
from fieldrep.ui.pages.inbox import InboxPage
from fieldrep.ui.pages.planner import PlannerPage
from fieldrep.ui.pages.suggestions import SuggestionsPage
from fieldrep.ui.pages.today import TodayPage
from fieldrep.ui.settings import UiSettings
from fieldrep.ui.shortcuts import build_menus
from fieldrep.ui.sign_in_out import SignInOut
from fieldrep.ui.sync_controller import SyncController, SyncStatusView
from fieldrep.ui.taskman import SYNC, Op, TaskContext, TaskManager
from fieldrep.ui.team.desk import TeamDesk
from fieldrep.ui.tooltips import describe_controls
from fieldrep.ui.undo import Toast, UndoStack
from fieldrep.ui.widgets.sync_status import SyncStatusWidget
from fieldrep.ui.window_frame import PREFERRED_SIZE, NavList, fitted_geometry, screen_key
from fieldrep.usecases.call_log import CallLogData
from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)

PAGES = ("Today", "HCPs", "Planner", "Suggestions", "Sync inbox")
TODAY, HCPS, PLANNER, SUGGESTIONS, INBOX = range(5)
DETAIL = 5  # the HCP detail page sits in the stack but not in the navigation
DAY_CHECK_MS = 30_000  # a new day shows within half a minute of midnight


def _app() -> QApplication:
    return cast(QApplication, QApplication.instance())


class MainWindow(QMainWindow):
    locked_changed = Signal(bool)

    def __init__(
        self,
        workspace: Workspace,
        *,
        taskman: TaskManager | None = None,
        settings: UiSettings | None = None,
    ):
        super().__init__()
        self.workspace = workspace
        self.taskman = taskman or TaskManager(workspace, self)
        self.settings = settings or UiSettings(workspace.data_dir)
        self.setWindowTitle(f"Fieldrep {__version__} — {workspace.username}")
        self.undo_stack = UndoStack(self.taskman, self)
        self.call_dialog: CallLogDialog | None = None
        self._plan_day: date | None = None  # the planner's day after "Add visit…"
        self.plan_dialog: PlanVisitDialog | None = None
        self.history = PageHistory()
        self._going_back = False

        self.today = TodayPage(self.taskman)
        self.hcps = HcpListPage(self.taskman, self.settings)
        self.planner = PlannerPage(
            self.taskman,
            route_start=lambda: self.settings.route_start,
            suggestion_for=self._shown_suggestion,
        )
        self.planner.undo = self.undo_stack
        self.planner.day_start = lambda: self.settings.day_start
        self.planner.working_days = lambda: self.settings.working_days
        self.suggestions = SuggestionsPage(self.taskman)
        self.suggestions.undo = self.undo_stack
        self.inbox = InboxPage(self.taskman)
        self.detail = HcpDetailPage(self.taskman)
        self.detail.undo = self.today.undo = self.undo_stack
        self.pages = QStackedWidget()
        for page in (
            self.today,
            self.hcps,
            self.planner,
            self.suggestions,
            self.inbox,
            self.detail,
        ):
            self.pages.addWidget(page)
        self.nav = NavList()
        self.nav.setObjectName("nav")
        self.nav.addItems(list(PAGES))
        self.nav.setFixedWidth(170)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        self.toast = Toast()
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.pages, 1)
        right.addWidget(self.toast)
        layout.addLayout(right, 1)
        self.locking = WindowLock(self, _app())
        self.lock_screen = self.locking.screen
        self.root = QStackedWidget()
        self.root.addWidget(body)
        self.root.addWidget(self.lock_screen)
        self.setCentralWidget(self.root)

        self.sync = SyncController(self.taskman, self.settings.auto_sync_minutes, self)
        self.sync_status = SyncStatusWidget(self.taskman.clock)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.sync_status.sync_clicked.connect(self.sync.request_sync)
        self.sync_status.cancel_clicked.connect(self.sync.cancel_by_rep)
        self.sync.status_changed.connect(self._status_changed)
        self.sync.progress.connect(self.sync_status.show_progress)
        self.sync.finished.connect(self._sync_finished)
        self.sync.cancelled.connect(self._sync_cancelled)
        self.sync.device_revoked.connect(self._device_revoked)

        self._build_actions()
        describe_controls(self, PAGES)
        self._wire()
        self.set_idle_lock(self.settings.idle_lock_minutes)
        # Midnight (or a laptop woken the next morning) is a new day for every screen.
        self._today = self.taskman.clock.today()
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(DAY_CHECK_MS)
        self._day_timer.timeout.connect(self.check_new_day)
        self._day_timer.start()
        self._restore()
        self.check_device_policy()
        # A manager gets the team view in place of the rep's screens and actions (issue 12).
        self.team_desk = TeamDesk(self) if workspace.is_manager else None

    # -- construction ----------------------------------------------------------------
    def _build_actions(self) -> None:
        handlers = {
            "go_today": lambda: self.go(TODAY),
            "go_hcps": lambda: self.go(HCPS),
            "go_planner": lambda: self.go(PLANNER),
            "go_suggestions": lambda: self.go(SUGGESTIONS),
            "go_inbox": lambda: self.go(INBOX),
            "find_hcp": self.find_hcp,
            "log_call": lambda: self._with_current_hcp(self.log_call),
            "plan_visit": lambda: self._with_current_hcp(self.plan_visit),
            "back": self.back,
            "sync_now": self.sync.request_sync,
            "export_week": self._export_week,
            "order_route": lambda: self.planner.order_route(),  # noqa: PLW0108
            "lock": lambda: self.lock(),  # noqa: PLW0108 - triggered(bool) is not `idle`
            "undo": self.undo_stack.undo,
            "settings": self.show_settings,
            "text_larger": lambda: self.zoom(0.1),
            "text_smaller": lambda: self.zoom(-0.1),
            "shortcuts": self.show_shortcuts,
            "quit": self._quit,
        }
        self.actions_by_name, menu = build_menus(self, handlers)
        self.about_action = QAction("&About Fieldrep", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)  # the app menu on macOS
        self.about_action.triggered.connect(self.show_about)
        menu.addAction(self.about_action)  # `menu` is the last one built: Help
        self.account = SignInOut(self)  # File > Sign in… / Sign out…, next to Lock

    def _wire(self) -> None:
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.hcps.open_hcp.connect(self.open_hcp)
        self.hcps.open_note.connect(self.open_note)
        self.today.open_hcp.connect(self.open_hcp)
        self.today.open_draft.connect(self.open_note)
        self.planner.open_hcp.connect(self.open_hcp)
        self.planner.add_visit.connect(self._planner_add)
        self.planner.exported.connect(
            lambda path, n: self.statusBar().showMessage(f"Exported {n} visit(s) to {path}", 8000)
        )
        self.suggestions.open_hcp.connect(self.open_hcp)
        self.suggestions.accepted.connect(self._suggestion_accepted)
        self.inbox.open_note.connect(self.open_note)
        self.detail.back.connect(self.back)
        self.detail.log_call.connect(self.log_call)
        self.detail.plan_visit.connect(self.plan_visit)
        self.detail.correct_segment.connect(self.correct_segment)
        self.detail.open_draft.connect(self.open_note)
        self.undo_stack.pushed.connect(lambda label: self.toast.show_message(label, undoable=True))
        self.undo_stack.undone.connect(
            lambda label: self.toast.show_message(f"Undone: {label}", undoable=False)
        )
        self.toast.undo_clicked.connect(self.undo_stack.undo)

    def _restore(self) -> None:
        geometry, state = (
            self.settings.window_geometry(screen_key(self)),
            self.settings.window_state(),
        )
        if geometry is None or not self.restoreGeometry(geometry) or not self._fits_screen():
            self.fit_to_screen()
        if state is not None:
            self.restoreState(state)
        page = self.settings.last_page
        self.nav.setCurrentRow(page if 0 <= page < len(PAGES) else TODAY)
        self.history = PageHistory()  # the page it opens on is where history starts

    def _fits_screen(self) -> bool:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen is None or screen.availableGeometry().contains(self.geometry())

    def fit_to_screen(self) -> None:
        """Open at a comfortable size inside the screen's free area, centred; on a
        smaller screen, all of the free area (status bar and sync state in sight). Not
        maximised: the rep can still drag and resize it, and it remembers that."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*PREFERRED_SIZE)
            return
        self.setGeometry(fitted_geometry(screen.availableGeometry()))

    def start(self) -> None:
        """Load the screens and begin syncing; call once the window is shown."""
        if self.team_desk is not None:  # a manager: the team view, none of the rep's screens
            self.team_desk.start()
        else:
            self.hcps.reload()
            self.today.reload()
            self.planner.reload()
            self.suggestions.reload()
            self.inbox.reload()
        # Long-lived start-up objects (Qt wrappers, modules, catalogues) move out of the
        # collector's sight, so a full collection during a sync stays short: it runs on
        # whichever thread triggers it, holding the GIL, and stalled the UI ~100 ms.
        gc.collect()
        gc.freeze()
        self.sync.start()
        if self.team_desk is None:
            QTimer.singleShot(2000, self._estimate_segments_once)

    def _estimate_segments_once(self) -> None:
        """A workspace without stored segment mixes gets estimates in the background."""

        def work(ws: Workspace, ctx: TaskContext) -> Changed[int]:
            return ws.segment_hints.estimate_if_missing(ctx.progress, ctx.token)

        Op(work, parent=self).on_lane(SYNC).with_progress("Estimating segments", dialog=False).run(
            self.taskman
        )

    # -- navigation --------------------------------------------------------------------
    def go(self, page: int) -> None:
        self.nav.setCurrentRow(page)
        self._nav_changed(page)

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        self._moving_to(Location(row))
        self.pages.setCurrentIndex(row)
        self.settings.last_page = row
        if row == HCPS:
            self.hcps.table.setFocus()

    def find_hcp(self) -> None:
        self.go(HCPS)
        self.hcps.focus_search()

    def _location(self) -> Location:
        page = self.pages.currentIndex()
        return Location(page, self.detail.hcp_id if page == DETAIL else None)

    def _moving_to(self, to: Location) -> None:
        if not self._going_back:
            self.history.leave(self._location(), to)

    def open_hcp(self, hcp_id: str) -> None:
        self._moving_to(Location(DETAIL, hcp_id))
        self.detail.show_hcp(hcp_id)
        self.pages.setCurrentIndex(DETAIL)
        self.nav.blockSignals(True)
        self.nav.clearSelection()
        self.nav.setCurrentRow(-1)
        self.nav.blockSignals(False)
        self.detail.log_button.setFocus()

    def back(self) -> None:
        """To where the rep was before (Alt+Left), like a browser's Back."""
        to = self.history.back(self._location())
        if to is None:
            if self.pages.currentIndex() == DETAIL:
                to = Location(HCPS)  # an HCP opened first thing: its list
            else:
                self.statusBar().showMessage("Nothing to go back to.", 4000)
                return
        self._going_back = True
        try:
            if to.page == DETAIL and to.hcp_id is not None:
                self.open_hcp(to.hcp_id)
            else:
                self.go(to.page)
        finally:
            self._going_back = False

    def current_hcp_id(self) -> str | None:
        page = self.pages.currentIndex()
        if page == DETAIL:
            return self.detail.hcp_id
        if page == HCPS:
            return self.hcps.current_hcp_id()
        if page == TODAY:
            index = self.today.visit_view.currentIndex()
            return self.today.visits.row_at(index.row()).plan.hcp_id if index.isValid() else None
        if page == SUGGESTIONS:
            s = self.suggestions.selected()
            return s.hcp_id if s else None
        return None

    def _shown_suggestion(self, suggestion_id: str) -> Suggestion | None:
        """The listed suggestion with this id (Suggestions page or Today's card)."""
        for model in (self.suggestions.model, self.today.suggestions):
            for s in model.rows():
                if s.id == suggestion_id:
                    return s
        return None

    def _with_current_hcp(self, action: Callable[[str], object]) -> None:
        hcp_id = self.current_hcp_id()
        if hcp_id is None:
            self.statusBar().showMessage("Open or select an HCP first (Ctrl+F finds one).", 6000)
            return
        action(hcp_id)

    def _planner_add(self) -> None:
        # The visit goes on the planner's selected day (or the first day of the shown
        # week still ahead), not "tomorrow", once the rep has found the HCP.
        self._plan_day = self.planner.day_for_new_visit()
        self.go(HCPS)
        self.hcps.focus_search()
        self.statusBar().showMessage(
            f"Find the HCP, then press Ctrl+P to plan the visit for {self._plan_day:%a %d %b}.",
            8000,
        )

    # -- actions -----------------------------------------------------------------------
    def log_call(self, hcp_id: str, suggestion: Suggestion | None = None) -> None:
        Op(lambda ws: ws.call_log.new_call(hcp_id), parent=self).success(
            lambda data: self._open_call_dialog(data, suggestion)
        ).run(self.taskman)

    def open_note(self, note_id: str) -> None:
        Op(lambda ws: ws.call_log.existing(note_id), parent=self).success(
            lambda data: self._open_call_dialog(data, None)
        ).run(self.taskman)

    def _open_call_dialog(self, data: CallLogData, suggestion: Suggestion | None) -> None:
        hcp = data.hcp
        if self.call_dialog is not None and self.call_dialog.isVisible():
            self.call_dialog.raise_()
            self.call_dialog.activateWindow()
            return
        dialog = CallLogDialog(
            self.taskman,
            hcp,
            list(data.messages),
            note=data.note,
            suggestion=suggestion,
            territory_notice=data.territory_notice,
            parent=self,
        )
        dialog.submitted.connect(
            lambda _n: self.statusBar().showMessage(
                f"Call with {hcp.display_name} submitted.", 6000
            )
        )
        self.call_dialog = dialog
        dialog.open()

    def plan_visit(self, hcp_id: str, suggestion: Suggestion | None = None) -> None:
        Op(lambda ws: ws.hcps.get(hcp_id), parent=self).success(
            lambda hcp: self._open_plan_dialog(hcp, suggestion)
        ).run(self.taskman)

    def _open_plan_dialog(self, hcp: Hcp, suggestion: Suggestion | None) -> None:
        day = suggestion.due if suggestion is not None else self._plan_day
        self._plan_day = None
        today = self.taskman.clock.today()
        if day is None or day < today:
            day = today + timedelta(days=1)
        channel = suggestion.channel if suggestion is not None else Channel.VISIT
        dialog = PlanVisitDialog(
            hcp.display_name,
            today=today,
            day=day,
            channel=channel,
            parent=self,
            hcp_id=hcp.id,
            taskman=self.taskman,
        )
        suggestion_id = suggestion.id if suggestion is not None else None

        def planned() -> None:
            when, at, ch, minutes, notes = dialog.values()

            def plan(ws: Workspace) -> Changed[VisitPlan]:
                # The suggestion is accepted only once the visit is planned (one
                # transaction): closing the dialog with Esc leaves it listed.
                return ws.planner.plan_on_day(
                    hcp.id,
                    when,
                    at,
                    duration_minutes=minutes,
                    channel=ch,
                    notes=notes,
                    suggestion_id=suggestion_id,
                    accept=suggestion,
                )

            Op(plan, parent=self).success(
                lambda p: self.statusBar().showMessage(
                    f"Visit with {hcp.display_name} planned for {p.value.planned_date:%a %d %b}.",
                    6000,
                )
            ).run(self.taskman)

        dialog.accepted.connect(planned)
        self.plan_dialog = dialog
        dialog.open()

    def _suggestion_accepted(self, s: Suggestion) -> None:
        """A visit suggestion opens the plan dialog (accepted when planned); any other
        opens the prefilled call log, which keeps a draft even if closed at once."""
        if s.channel is Channel.VISIT:
            self.plan_visit(s.hcp_id, s)
        else:
            self.log_call(s.hcp_id, s)

    def correct_segment(self, hcp_id: str) -> None:
        def load(ws: Workspace) -> tuple[Hcp, list[Segment], dict[str, float]]:
            mix = ws.segments.mix(hcp_id)
            return ws.hcps.get(hcp_id), ws.segments.catalogue(), (mix.weights if mix else {})

        def show(result: tuple[Hcp, list[Segment], dict[str, float]]) -> None:
            hcp, catalogue, weights = result
            if not catalogue:
                errors.show_message(self, "There is no segment catalogue in this workspace yet.")
                return
            dialog = SegmentCorrectionDialog(hcp.display_name, catalogue, weights, parent=self)

            def save() -> None:
                new = dialog.weights()

                Op(lambda ws: ws.segment_hints.correct(hcp_id, new), parent=self).run(self.taskman)

            dialog.accepted.connect(save)
            dialog.open()

        Op(load, parent=self).success(show).run(self.taskman)

    def _export_week(self) -> None:
        self.go(PLANNER)
        self.planner.choose_export_file()

    def show_about(self) -> None:
        def server(ws: Workspace) -> str | None:
            return ws.sync.server_url()

        def show(url: str | None) -> None:
            dialog = AboutDialog(
                self.workspace.data_dir, self, server=url, user=self.workspace.username
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        Op(server, parent=self).success(show).run(self.taskman)

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.taskman, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(self._settings_applied)
        dialog.open()

    def zoom(self, step: float) -> None:
        """Ctrl++ / Ctrl+-: the text size, 80 % to 160 %, kept in Settings."""
        from fieldrep.ui.theme import apply_font_scale

        scale = round(min(1.6, max(0.8, self.settings.font_scale + step)), 1)
        self.settings.font_scale = scale
        apply_font_scale(_app(), scale)
        self.statusBar().showMessage(f"Text size {scale:.0%}", 3000)

    def _settings_applied(self) -> None:
        from fieldrep.ui.theme import apply_font_scale

        self.set_idle_lock(self.settings.idle_lock_minutes)
        apply_font_scale(_app(), self.settings.font_scale)
        self.planner.reload()

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- sync status ---------------------------------------------------------------------
    def _status_changed(self, view: SyncStatusView) -> None:
        self.sync_status.show_status(view)
        review = view.status.to_review
        self.nav.item(INBOX).setText(f"Sync inbox ({review})" if review else "Sync inbox")

    def _sync_finished(self, result: SyncReport | BaseException) -> None:
        self.check_device_policy()
        if isinstance(result, BaseException):
            return
        # HCPs realigned away: the message stays until the next (read after start-up)
        self.statusBar().showMessage(result.summary(), 0 if result.hcps_left else 8000)

    def _sync_cancelled(self) -> None:
        self.statusBar().showMessage(
            "Sync cancelled. What arrived is kept; the next sync carries on from there.", 15000
        )

    def _device_revoked(self, message: str) -> None:
        # Wipe first (docs/security.md), then say so in a box that stays until the rep
        # closes it; the app quits only then.
        self.taskman.shutdown(wait=True)
        self.workspace.sync.wipe_revoked_device()
        self.revoked_notice = show_revoked_notice(self, message)
        self.revoked_notice.finished.connect(lambda _result: _app().quit())

    # -- locking (fieldrep/ui/locking.py) ---------------------------------------------
    def check_device_policy(self) -> None:
        self.locking.check_device_policy()

    def set_idle_lock(self, minutes: float) -> None:
        self.locking.set_idle_lock(minutes)

    @property
    def is_locked(self) -> bool:
        return self.locking.is_locked

    def lock(self, idle: bool = False) -> None:
        self.locking.lock(idle=idle)

    def unlock(self) -> None:
        self.locking.unlock()

    def check_new_day(self) -> None:
        """When the rep's date has changed since the screens loaded, reload them all."""
        today = self.taskman.clock.today()
        if today != self._today:
            self._today = today
            self.planner.show_week(planning_week(today))
            self.taskman.notify(Changes(day=True))

    def _quit(self) -> None:
        self.close()  # a slot returning None (QWidget.close returns a bool)

    # -- closing -------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.call_dialog is not None and self.call_dialog.isVisible():
            self.call_dialog.reject()  # queue the draft's last save before the workers stop
        self.settings.save_window(self.saveGeometry(), self.saveState(), screen_key(self))
        self.settings.sync()
        self.sync.stop()
        self.taskman.shutdown(wait=True)
        self.locking.close()
        super().closeEvent(event)
