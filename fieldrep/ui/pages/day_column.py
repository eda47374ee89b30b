"""One planner day: its visits in a table that takes drops (visits, HCPs, suggestions).

The model only says what was dropped where (`dropped(payload, row)`); the planner page
turns that into core calls. `row` is the position the visit should take in the day as
shown, -1 for "at the end".
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QFocusEvent
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
from fieldrep.ui.models import Column, Index, PlanRow, PlanTableModel, has_route_order
from fieldrep.ui.signals import emit


def _where(r: PlanRow) -> str:
    return ", ".join(x for x in (r.address, r.city) if x) or "No address on record"


class DayPlanModel(PlanTableModel):
    """A day's visits: the HCP cell carries the town on a second line (where the rep is
    going matters as much as whom); the tooltip gives the full address."""

    dropped = Signal(object, int)  # DragPayload, row in the day (-1: at the end)
    COLUMNS = (
        PlanTableModel.COLUMNS[PlanTableModel.ORDER],
        PlanTableModel.COLUMNS[PlanTableModel.TIME],
        Column(
            "HCP",
            lambda r: f"{r.hcp_name}\n{r.city}",
            tooltip=lambda r: f"{r.hcp_name}\n{_where(r)}",
        ),
        PlanTableModel.COLUMNS[PlanTableModel.CITY],
        PlanTableModel.COLUMNS[PlanTableModel.CHANNEL],
    )

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


class DayView(QTableView):
    """Says when it gets focus, so the planner knows which day the map should show."""

    focused = Signal()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        emit(self.focused)


class DayColumn(QWidget):
    dropped = Signal(object, object, int)  # day, DragPayload, row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = date.min  # set by set_day() once the planner has loaded a week
        self.label = QLabel()
        self.label.setObjectName("subtitle")
        self.model = DayPlanModel()
        self.model.dropped.connect(self._forward_drop)
        self.view = DayView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDragDropOverwriteMode(False)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDropIndicatorShown(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        self.view.setWordWrap(False)
        self.view.hideColumn(PlanTableModel.CITY)
        self.view.hideColumn(PlanTableModel.CHANNEL)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(PlanTableModel.ORDER, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PlanTableModel.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PlanTableModel.HCP, QHeaderView.ResizeMode.Stretch)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.order_button = QPushButton("Order route")
        self.order_button.setToolTip(
            "Order this day's visits for the shortest drive from your start and re-time them"
        )
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
        today_mark = " · today" if day == today else ""
        visits = f"{len(rows)} visit" + ("" if len(rows) == 1 else "s")
        # Two short lines: a narrow column (1024 px, five days) shows all of it.
        self.label.setText(f"{day:%a %d %b}\n{visits}{today_mark}")
        self.order_button.setEnabled(len(rows) > 1)

    def selected(self) -> PlanRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None
