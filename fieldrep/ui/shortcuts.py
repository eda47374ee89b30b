"""Every main action's keyboard shortcut, in one table: menus and Help > Shortcuts use it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


@dataclass(frozen=True)
class Shortcut:
    action: str  # the QAction's objectName in the main window
    keys: str  # portable text, as QKeySequence parses it
    label: str

    def sequence(self) -> QKeySequence:
        return QKeySequence(self.keys)

    def native(self) -> str:
        return self.sequence().toString(QKeySequence.SequenceFormat.NativeText)


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("go_today", "Ctrl+1", "Go to Today"),
    Shortcut("go_hcps", "Ctrl+2", "Go to HCPs"),
    Shortcut("go_planner", "Ctrl+3", "Go to Planner"),
    Shortcut("go_suggestions", "Ctrl+4", "Go to Suggestions"),
    Shortcut("go_inbox", "Ctrl+5", "Go to Sync inbox"),
    Shortcut("find_hcp", "Ctrl+F", "Find an HCP (search as you type)"),
    Shortcut("log_call", "Ctrl+N", "Log a call with the current HCP"),
    Shortcut("plan_visit", "Ctrl+P", "Plan a visit with the current HCP"),
    Shortcut("back", "Alt+Left", "Back to where you were"),
    Shortcut("sync_now", "F5", "Sync now"),
    Shortcut("export_week", "Ctrl+E", "Export the planner's week as .ics"),
    Shortcut("order_route", "Ctrl+R", "Order the route of the selected day"),
    Shortcut("undo", "Ctrl+Z", "Undo the last cancel, move, dismiss or snooze"),
    # Not "(start address, working day, ...)": a manager's settings have neither.
    Shortcut("settings", "Ctrl+,", "Settings…"),
    Shortcut("text_larger", "Ctrl++", "Larger text (Settings > Text size)"),
    Shortcut("text_smaller", "Ctrl+-", "Smaller text"),
    Shortcut("lock", "Ctrl+L", "Lock the workspace"),
    Shortcut("shortcuts", "F1", "Show this list of shortcuts"),
    Shortcut("quit", "Ctrl+Q", "Quit"),
)

# Inside the call log (not menu actions, listed in the dialog too).
DIALOG_SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+Return", "Submit the call (locks the note)"),
    ("Ctrl+S", "Save the draft now (also saved every few seconds)"),
    ("Esc", "Close the call log; the draft is kept"),
    ("Tab / Shift+Tab", "Move between fields"),
    ("Space", "Tick a product or key message in a list"),
)


def shortcut_for(action: str) -> Shortcut:
    for item in SHORTCUTS:
        if item.action == action:
            return item
    raise KeyError(action)


# The menu bar: each menu's actions in order (None: a separator).
MENUS: dict[str, list[str | None]] = {
    "&File": ["sync_now", "export_week", None, "settings", None, "lock", "quit"],
    "&Edit": ["undo"],
    "&View": ["text_larger", "text_smaller"],
    "&Go": ["go_today", "go_hcps", "go_planner", "go_suggestions", "go_inbox", None, "back"],
    "&Actions": ["find_hcp", "log_call", "plan_visit", "order_route"],
    "&Help": ["shortcuts"],
}


def build_menus(
    window: QMainWindow, handlers: Mapping[str, Callable[[], object]]
) -> tuple[dict[str, QAction], QMenu]:
    """Every action of SHORTCUTS on `window`, in its menu bar as MENUS lays it out;
    returns the actions by name and the last menu (Help)."""
    actions: dict[str, QAction] = {}
    for item in SHORTCUTS:
        action = QAction(item.label, window)
        action.setObjectName(item.action)
        action.setShortcut(item.sequence())
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(handlers[item.action])
        actions[item.action] = action
    menus = []
    for title, names in MENUS.items():
        menu = window.menuBar().addMenu(title)
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[name])
                window.addAction(actions[name])  # shortcuts work with the menu bar hidden
        menus.append(menu)
    return actions, menus[-1]
