"""The sync inbox: changes the server rejected and conflict copies, fixed or discarded knowingly."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.changes import Changes
from fieldrep.ui.models import InboxRow, InboxTableModel
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.widgets.common import EmptyState, muted, title

# What this page shows: it reloads when an op changes any of it.
RELOAD_ON = Changes(sync=True, outbox=True, calls=True)


class InboxPage(QWidget):
    open_note = Signal(str)
    loaded = Signal(int)

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.model = InboxTableModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        for column, width in ((0, 130), (1, 300), (2, 520)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.empty = EmptyState(
            "Nothing to review. Changes the server rejects and copies kept after an edit "
            "conflict appear here; nothing is ever dropped silently."
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.open_button = QPushButton("Open")
        self.discard_button = QPushButton("Discard…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title("Sync inbox"))
        layout.addWidget(
            muted("Review what did not go through as you wrote it, then fix or discard it.")
        )
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self._open)
        self.view.activated.connect(lambda _i: self._open())
        self.discard_button.clicked.connect(self._discard)
        taskman.changed.connect(self._on_changed)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(RELOAD_ON):
            self.reload()

    def reload(self) -> None:
        Op(lambda ws: ws.inbox.items(), parent=self).success(self._show).run(self.taskman)

    def _show(self, rows: tuple[InboxRow, ...]) -> None:
        self.model.set_rows(rows)
        self.stack.setCurrentIndex(0 if rows else 1)
        self.open_button.setEnabled(bool(rows))
        self.discard_button.setEnabled(bool(rows))
        emit(self.loaded, len(rows))

    def selected(self) -> InboxRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _open(self) -> None:
        row = self.selected()
        if row is not None and row.note_id:
            emit(self.open_note, row.note_id)

    def _discard(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.seq is not None:
            heading = "Discard rejected change"
            text = (
                f"Discard “{row.title}”? The server refused it ({row.detail}); "
                "it will not be sent again."
            )
        else:
            heading = "Discard conflict copy"
            text = (
                f"Discard your copy of “{row.title}”? The server's version stays; "
                "copy anything you still need into it first."
            )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            heading,
            text,
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Discard:
                Op(lambda ws: ws.inbox.discard(row), parent=self).run(self.taskman)

        box.finished.connect(answered)
        box.open()
