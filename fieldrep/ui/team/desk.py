"""A manager's desk: the main window with the team view in place of the rep's screens.

A district manager reads their team's synced activity and coaches; they never log
calls, plan visits, correct segments or act on suggestions (the server would refuse
them after the fact). So for a manager the window keeps what everyone has (sync,
settings, lock, sign out, the sync inbox, help) and swaps the rest:

- the navigation's first two entries become Team (the dashboard) and Coaching (what
  was sent and which comments the reps acknowledged); the rep's pages leave the stack;
- every rep-only action leaves the menus and the window, shortcuts included
  (`REP_ONLY_ACTIONS`); the manager's own actions take their place;
- the rep's pages stop listening for changes, so they never load in the background.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMenu, QVBoxLayout

from fieldrep.ui.team.coaching_page import CoachingPage
from fieldrep.ui.team.dashboard import TeamDashboard

if TYPE_CHECKING:
    from fieldrep.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Rep actions (objectNames in the main window) a manager never gets.
REP_ONLY_ACTIONS = (
    "go_planner",
    "go_suggestions",
    "find_hcp",
    "log_call",
    "plan_visit",
    "export_week",
    "order_route",
    "undo",
    "back",
)
NAV = (("Team", "Your team's figures, reps, HCPs and call notes"),
       ("Coaching", "What you sent each rep and what they acknowledged"))  # fmt: skip
# (objectName, keys, label) of the manager's own actions, in the Actions menu.
MANAGER_ACTIONS = (
    ("comment_note", "Ctrl+M", "Comment on the open call note…"),
    ("comment_week", "Ctrl+Shift+M", "Comment on the rep's week…"),
    ("field_visit", "Ctrl+Shift+V", "Record a field-coaching visit…"),
    ("export_view", "Ctrl+E", "Export the current view (CSV or Excel)…"),
    ("coaching_summary", "Ctrl+P", "Coaching summary of the rep (PDF)…"),
    ("refresh_team", "Ctrl+R", "Recalculate the team's figures"),
)


class TeamDesk:
    """Owns the manager's pages and actions inside a `MainWindow`."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        taskman = window.taskman
        self.dashboard = TeamDashboard(taskman, window)
        self.coaching = CoachingPage(taskman)
        self.coaching.open_rep.connect(self._open_rep)
        self._retire_rep_pages()
        self._retire_rep_actions()
        self._add_manager_actions()
        window.nav.setCurrentRow(0)
        window.pages.setCurrentWidget(self.dashboard)

    # -- pages ----------------------------------------------------------------------------
    def _retire_rep_pages(self) -> None:
        w = self.window
        for page in (w.today, w.hcps, w.planner, w.suggestions, w.detail):
            try:
                w.taskman.changed.disconnect(page._on_changed)
            except (RuntimeError, TypeError, AttributeError):
                log.debug("%s was not listening for changes", type(page).__name__)
        # Rows 0 and 1 of the navigation lead to the stack's pages 0 and 1 (the window's
        # own navigation code stays as it is); rows 2 and 3 are hidden; row 4 stays the
        # sync inbox.
        w.pages.removeWidget(w.today)
        w.pages.removeWidget(w.hcps)
        w.pages.insertWidget(0, self.dashboard)
        w.pages.insertWidget(1, self.coaching)
        for row, (text, tip) in enumerate(NAV):
            item = w.nav.item(row)
            item.setText(text)
            item.setToolTip(f"{tip} (Ctrl+{row + 1})")
        for row in (2, 3):
            w.nav.item(row).setHidden(True)
        for button in (w.detail.log_button, w.detail.plan_button, w.detail.segment_button):
            button.hide()

    # -- actions -------------------------------------------------------------------------
    def _retire_rep_actions(self) -> None:
        w = self.window
        for name in REP_ONLY_ACTIONS:
            action = w.actions_by_name.pop(name, None)
            if action is None:
                continue
            action.setEnabled(False)
            action.setShortcut(QKeySequence())
            w.removeAction(action)
            for menu in w.menuBar().findChildren(QMenu):
                menu.removeAction(action)
            action.deleteLater()
        for menu_action in list(w.menuBar().actions()):
            holder = menu_action.menu()
            if isinstance(holder, QMenu) and not [
                a for a in holder.actions() if not a.isSeparator()
            ]:
                w.menuBar().removeAction(menu_action)  # "Edit" held only Undo
        w.actions_by_name["go_today"].setText("Go to &Team")
        w.actions_by_name["go_hcps"].setText("Go to &Coaching")
        shortcuts = w.actions_by_name["shortcuts"]
        shortcuts.triggered.disconnect()
        shortcuts.triggered.connect(self.show_shortcuts)

    def _add_manager_actions(self) -> None:
        w = self.window
        handlers = {
            "comment_note": self.dashboard.comment_on_note,
            "comment_week": self.dashboard.comment_on_week,
            "field_visit": self.dashboard.record_field_visit,
            "export_view": self.dashboard.export_view,
            "coaching_summary": self.dashboard.coaching_summary,
            "refresh_team": self.dashboard.refresh,
        }
        menu = self._actions_menu()
        for name, keys, label in MANAGER_ACTIONS:
            action = QAction(label, w)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, fn=handlers[name]: fn())
            menu.addAction(action)
            w.addAction(action)
            w.actions_by_name[name] = action

    def _actions_menu(self) -> QMenu:
        for menu_action in self.window.menuBar().actions():
            menu = menu_action.menu()
            if isinstance(menu, QMenu) and menu.title() == "&Actions":
                menu.clear()
                menu.setTitle("&Team")
                return menu
        return self.window.menuBar().addMenu("&Team")

    def show_shortcuts(self) -> None:
        """The manager's shortcuts: only the actions this window really has."""
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Keyboard shortcuts")
        rows = [
            (a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text())
            for a in self.window.actions_by_name.values()
            if not a.shortcut().isEmpty()
        ]
        text = "".join(
            f"<tr><td><b>{keys}</b></td><td>&nbsp;&nbsp;{label.replace('&', '')}</td></tr>"
            for keys, label in rows
        )
        label = QLabel(f"<table>{text}</table>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(label)
        layout.addWidget(buttons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- wiring -------------------------------------------------------------------------
    def _open_rep(self, rep: str) -> None:
        self.window.go(0)
        self.dashboard.drill_to_rep(rep)

    def start(self) -> None:
        """Load the manager's pages (the window's `start` calls this instead of loading
        the rep's)."""
        self.dashboard.refresh()
        self.coaching.reload()
        self.window.inbox.reload()
