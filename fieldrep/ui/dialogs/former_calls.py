"""Calls about HCPs no longer in the territory: the HCP list cannot lead to them (their
HCPs left it), so its page opens them here. A stranger's submitted notes about a
realigned HCP were reachable from no page at all."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldrep.usecases.hcp_list import FormerCall

HEADERS = ("Date", "HCP", "Channel", "Status")


def former_calls_text(count: int) -> str:
    calls = "1 call is" if count == 1 else f"{count} calls are"
    return f"<a href='former'>{calls} about HCPs no longer in your territory</a>"


class FormerCallsDialog(QDialog):
    def __init__(
        self,
        calls: Sequence[FormerCall],
        open_note: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calls about HCPs no longer in your territory")
        self._calls = list(calls)
        self._open_note = open_note
        intro = QLabel(
            "Sales operations moved these HCPs to another territory. Your calls with them "
            "stay yours: open one to read it, or to finish and submit a draft."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self._calls), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, call in enumerate(self._calls):
            note = call.note
            cells = (
                note.started_at.astimezone().strftime("%a %d %b %Y"),
                call.hcp_name,
                note.channel.label,
                note.status.value,
            )
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        if self._calls:
            self.table.selectRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setDefault(True)
        buttons.accepted.connect(self._open_selected)
        buttons.rejected.connect(self.reject)
        self.table.doubleClicked.connect(lambda _index: self._open_selected())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 360)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self._open_note(self._calls[rows[0].row()].note.id)
        self.accept()
