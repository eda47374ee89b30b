"""One planner day: its visits in a table that takes drops (visits, HCPs, suggestions).

The model only says what was dropped where (`dropped(payload, row)`); the planner page
turns that into core calls. `row` is the position the visit should take in the day as
shown, -1 for "at the end".
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldrep.ui.dnd import DragPayload, from_mime
from fieldrep.ui.models import Index, PlanRow, PlanTableModel, has_route_order
from fieldrep.ui.signals import emit


class DayPlanModel(PlanTableModel):
    dropped = Signal(object, int)  # DragPayload, row in the day (-1: at the end)

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Drops land between rows or on the empty space below them.
        return super().flags(index) | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def canDropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        _action: Qt.DropAction,
        _row: int,
        _column: int,
        _parent: Index,
    ) -> bool:
        return from_mime(data) is not None

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        _column: int,
        parent: Index,
    ) -> bool:
        payload = from_mime(data)
        if payload is None or action == Qt.DropAction.IgnoreAction:
            return False
        if row < 0 and parent.isValid():
            row = parent.row()  # dropped onto a visit: take its place
        emit(self.dropped, payload, row if 0 <= row <= self.rowCount() else -1)
        # Handled. The source view's "remove the moved row" is a no-op here (no
        # removeRows): the reload after the core call shows where the visit went.
        return True


class DayColumn(QWidget):
    dropped = Signal(object, object, int)  # day, DragPayload, row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = date.min  # set by set_day() once the planner has loaded a week
        self.label = QLabel()
        self.label.setObjectName("subtitle")
        self.model = DayPlanModel()
        self.model.dropped.connect(self._forward_drop)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDragDropOverwriteMode(False)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDropIndicatorShown(True)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.hideColumn(PlanTableModel.CITY)
        self.view.hideColumn(PlanTableModel.CHANNEL)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(PlanTableModel.ORDER, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PlanTableModel.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.order_button = QPushButton("Order route")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.order_button)

    def _forward_drop(self, payload: DragPayload, row: int) -> None:
        emit(self.dropped, self.day, payload, row)

    def set_day(self, day: date, rows: list[PlanRow], today: date) -> None:
        self.day = day
        self.model.set_rows(rows)
        self.view.setColumnHidden(PlanTableModel.ORDER, not has_route_order(rows))
        today_mark = " (today)" if day == today else ""
        self.label.setText(f"{day:%a %d %b}{today_mark} · {len(rows)}")
        self.order_button.setEnabled(len(rows) > 1)

    def selected(self) -> PlanRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None
