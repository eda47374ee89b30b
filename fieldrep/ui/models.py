"""Thin Qt table models: rows are frozen dataclasses from the core, columns are constants.

Each model only maps (row, column, role) to a value; loading happens elsewhere, on the
worker, and arrives through `set_rows`. They are unit-tested without any window.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from fieldrep.domain.hcp import sort_name
from fieldrep.nba.model import Suggestion
from fieldrep.services.hcps import HcpSummary
from fieldrep.ui.dnd import HCP, MIME_TYPE, PLAN, SUGGESTION, DragPayload, to_mime
from fieldrep.ui.signals import emit
from fieldrep.usecases.planner import PlannedVisit
from fieldrep.usecases.sync_inbox import InboxItem

Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's dataclass
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    value: Callable[[R], Any]
    align_right: bool = False
    tooltip: Callable[[R], str] | None = None
    # What the column sorts by, when not what it shows (a name without its title).
    sort_by: Callable[[R], Any] | None = None

    def sort_value(self, row: R) -> Any:
        return (self.sort_by or self.value)(row)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%a %d %b")
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _sort_key(value: Any) -> tuple[int, Any]:
    # Empty values sort last in ascending order; mixed types never compare.
    if value is None or value == "":
        return (1, "")
    if isinstance(value, int | float):
        return (0, value)
    return (0, str(value).lower())


class RowTableModel(QAbstractTableModel, Generic[R]):
    COLUMNS: Sequence[Column[Any]] = ()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(column.value(row))
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return column.sort_value(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section].title
        return None

    # -- dragging (rows that have a payload can be dragged onto a planner day) ---------
    def drag_payload(self, row: R) -> DragPayload | None:  # noqa: ARG002
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.row() < len(self._rows):
            if self.drag_payload(self._rows[index.row()]) is not None:
                flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        rows = sorted({i.row() for i in indexes if i.isValid() and i.row() < len(self._rows)})
        payload = self.drag_payload(self._rows[rows[0]]) if rows else None
        return to_mime(payload) if payload is not None else QMimeData()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        getter = self.COLUMNS[column].sort_value
        emit(self.layoutAboutToBeChanged)
        self._rows.sort(
            key=lambda r: _sort_key(getter(r)), reverse=order == Qt.SortOrder.DescendingOrder
        )
        emit(self.layoutChanged)


def _last_contact(row: HcpSummary) -> str:
    return (row.last_contact or "")[:10]


FOUND_MARKS = {"found in call notes": "✎", "similar spelling": "≈"}


class HcpTableModel(RowTableModel[HcpSummary]):
    NAME, SPECIALTY, ORGANISATION, CITY, TIER, LAST_CONTACT, FOLLOW_UPS = range(7)
    COLUMNS = (
        # Sorted by the name alone: "DR" and "PROF" in front must not group the list.
        Column(
            "Name", lambda r: f"{r.title} {r.name}".strip(), sort_by=lambda r: sort_name(r.name)
        ),
        Column("Specialty", lambda r: r.specialty),
        Column("Organisation", lambda r: r.organisation),
        Column("City", lambda r: r.city),
        Column("Tier", lambda r: r.tier),
        Column("Last contact", _last_contact),
        Column("Follow-ups", lambda r: r.open_follow_ups or "", align_right=True),
    )

    def __init__(self) -> None:
        super().__init__()
        # Search results found other than by a field of the HCP: id -> why, shown after
        # the name ("found in call notes", "similar name").
        self.found_because: dict[str, str] = {}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if (
            index.isValid()
            and index.column() == self.NAME
            and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
            and self.found_because
        ):
            why = self.found_because.get(self._rows[index.row()].id)
            if why:
                name = super().data(index, Qt.ItemDataRole.DisplayRole)
                # A short mark keeps the name readable in a narrow column; the tooltip
                # and the list's count line say what it means.
                mark = FOUND_MARKS.get(why, "*")
                return f"{mark} {name}" if role == Qt.ItemDataRole.DisplayRole else why
        return value

    def drag_payload(self, row: HcpSummary) -> DragPayload:
        return DragPayload(HCP, row.id, row.id)


PlanRow = PlannedVisit  # a planned visit with its HCP: the core's read model, as it is


class PlanTableModel(RowTableModel[PlanRow]):
    ORDER, TIME, HCP, CITY, CHANNEL = range(5)
    COLUMNS = (
        Column("#", lambda r: r.plan.route_order or "", align_right=True),
        Column("Time", lambda r: r.time_text),
        Column("HCP", lambda r: r.hcp_name),
        Column("City", lambda r: r.city),
        Column("Channel", lambda r: r.plan.channel.label),
    )

    def drag_payload(self, row: PlanRow) -> DragPayload:
        return DragPayload(PLAN, row.plan.id, row.plan.hcp_id)


REASON_SEPARATOR = " · "


def reasons_summary(s: Suggestion, common: frozenset[str] = frozenset()) -> str:
    """All reasons joined, the ones most listed suggestions share (`common`, e.g.
    "high-value HCP: decile 10 (tier A)") moved to the end: what sets this suggestion
    apart is what a narrow column must show. The tooltip and the detail pane list all
    of them in the engine's order."""
    reasons = list(s.reasons)
    ordered = [r for r in reasons if r not in common] + [r for r in reasons if r in common]
    return REASON_SEPARATOR.join(ordered)


def shared_reasons(rows: Sequence[Suggestion]) -> frozenset[str]:
    """The reasons more than half of the rows give (none for a single row)."""
    if len(rows) < 2:
        return frozenset()
    counts = Counter(r for row in rows for r in set(row.reasons))
    return frozenset(r for r, n in counts.items() if n * 2 > len(rows))


def has_route_order(rows: Sequence[PlanRow]) -> bool:
    """Whether the "#" column means anything for these visits (a route was ordered)."""
    return any(r.plan.route_order for r in rows)


class SuggestionTableModel(RowTableModel[Suggestion]):
    """Rows are the NBA core's frozen `Suggestion` dataclasses."""

    SCORE, HCP, ACTION, MESSAGE, REASONS, DUE, EXPIRES = range(7)

    def __init__(self) -> None:
        super().__init__()
        self.common_reasons: frozenset[str] = frozenset()  # read at display time
        self.COLUMNS: tuple[Column[Suggestion], ...] = (
            Column("Score", lambda s: round(float(s.score) * 100), align_right=True),
            Column("HCP", lambda s: s.hcp_name, tooltip=lambda s: s.hcp_name),  # may elide
            Column("Action", lambda s: s.channel.label),
            Column(
                "Message", lambda s: s.message_title or "", tooltip=lambda s: s.message_title or ""
            ),
            Column(
                "Why",
                lambda s: reasons_summary(s, self.common_reasons),
                tooltip=lambda s: "\n".join(f"• {r}" for r in s.reasons),
            ),
            Column("Due", lambda s: s.due),
            Column("Expires", lambda s: s.expires),
        )

    def set_rows(self, rows: Sequence[Suggestion]) -> None:
        self.common_reasons = shared_reasons(rows)
        super().set_rows(rows)

    def drag_payload(self, row: Suggestion) -> DragPayload | None:
        return DragPayload(SUGGESTION, row.id, row.hcp_id, row.channel.value)


InboxRow = InboxItem  # the core's read model, as it is


class InboxTableModel(RowTableModel[InboxRow]):
    KIND, TITLE, DETAIL, WHEN = range(4)
    COLUMNS = (
        Column("Kind", lambda r: "Rejected change" if r.kind == "rejected" else "Conflict copy"),
        Column("What", lambda r: r.title),
        Column("Why / what to do", lambda r: r.detail, tooltip=lambda r: r.detail),
        Column("When", lambda r: r.when[:16].replace("T", " ")),
    )
