"""Undo for the rep's quick, destructive actions (cancel or move a visit, dismiss or
snooze a suggestion): Ctrl+Z, and a toast that says what happened with an Undo button.

The undo itself is a core call (`plans.restore`, `suggestions.undo`) run as an `Op`, so
it is written with its outbox rows like any edit and syncs the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from fieldrep.domain.changes import Changes, SaysWhatChanged
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.workspace import Workspace

TOAST_MS = 10_000
DEPTH = 20


@dataclass(frozen=True)
class Undoable:
    label: str  # what was done, as the toast says it: "Visit with Dr X cancelled"
    # Runs on the worker with the workspace; a core call whose result says what it
    # changed (screens reload from that).
    undo: Callable[[Workspace], SaysWhatChanged | Changes]


class UndoStack(QObject):
    """The last few undoable actions, newest last. `push` shows the toast."""

    pushed = Signal(str)  # label
    undone = Signal(str)  # label, once the core call succeeded

    def __init__(self, taskman: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self._items: list[Undoable] = []

    def push(self, item: Undoable) -> None:
        self._items = [*self._items[-(DEPTH - 1) :], item]
        emit(self.pushed, item.label)

    def can_undo(self) -> bool:
        return bool(self._items)

    def undo(self) -> None:
        if not self._items:
            return
        item = self._items.pop()
        Op(item.undo).success(lambda _r: emit(self.undone, item.label)).run(self.taskman)


class Toast(QFrame):
    """A bar at the bottom of the window: what happened, and Undo (Ctrl+Z)."""

    undo_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.text = QLabel()
        self.text.setObjectName("toast_text")
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setToolTip("Undo this (Ctrl+Z)")
        close = QPushButton("✕")
        close.setObjectName("flat")
        close.setToolTip("Hide this message")
        close.setAccessibleName("Hide this message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 6, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(close)
        self.undo_button.clicked.connect(lambda: emit(self.undo_clicked))
        close.clicked.connect(self.hide)
        self._timer = QTimer(self, singleShot=True, interval=TOAST_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, *, undoable: bool) -> None:
        self.text.setText(text)
        self.undo_button.setVisible(undoable)
        self.show()
        self._timer.start()
