"""The planner: a working week of visits; add, move, cancel, order a day's route, export .ics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.changes import Changed, Changes
from fieldrep.domain.enums import Channel
from fieldrep.nba.model import Suggestion
from fieldrep.planning.day_route import day_route
from fieldrep.planning.schedule import DEFAULT_DAY_START
from fieldrep.planning.week import planning_week, shown_days, week_label, week_start
from fieldrep.services.plans import PlanEdit
from fieldrep.ui.dialogs.plan_visit import PlanVisitDialog
from fieldrep.ui.dnd import PLAN, SUGGESTION, DragPayload, insert_at
from fieldrep.ui.models import PlanRow, has_route_order
from fieldrep.ui.pages.day_column import DayColumn
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskContext, TaskManager
from fieldrep.ui.undo import Undoable, UndoStack
from fieldrep.ui.widgets.common import title
from fieldrep.ui.widgets.day_map import DayMap, MapStop
from fieldrep.usecases.planner import Dropped, Week
from fieldrep.workspace import Workspace

# What this page shows: it reloads when an op changes any of it.
RELOAD_ON = Changes(plans=True, sync=True, day=True)


# Where a visit planned by a drop goes in the day's new route (`planner.plan_on_day`).
PLAN_HERE = "<planned by this drop>"


class PlannerPage(QWidget):
    open_hcp = Signal(str)
    add_visit = Signal()  # ask the window for an HCP to plan
    loaded = Signal()
    exported = Signal(str, int)

    def __init__(
        self,
        taskman: TaskManager,
        route_start: Callable[[], tuple[float, float] | None] | None = None,
        parent: QWidget | None = None,
        suggestion_for: Callable[[str], Suggestion | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.route_start = route_start  # callable -> (lat, lon) | None
        # The shown Suggestion for an id (a dropped suggestion is accepted, as the
        # Accept button would); None when it is no longer listed.
        self.suggestion_for = suggestion_for
        self.undo: UndoStack | None = None  # set by the window: cancel and move are undoable
        self.day_start: Callable[[], time] | None = None  # the working day's start (Settings)
        self.working_days: Callable[[], frozenset[int]] | None = None  # weekday numbers
        self.monday = planning_week(taskman.clock.today())
        self.heading = title("")
        prev_b, next_b, this_b = (
            QPushButton("◀ Previous"),
            QPushButton("Next ▶"),
            QPushButton("This week"),
        )
        self.add_button = QPushButton("Add visit…")
        self.add_button.setToolTip("Find an HCP and plan a visit on the selected day")
        self.move_button = QPushButton("Move…")
        self.move_button.setToolTip("Move the selected visit to another day or time")
        self.cancel_button = QPushButton("Cancel visit")
        self.cancel_button.setToolTip("Cancel the selected visit (Del; Ctrl+Z undoes)")
        self.export_button = QPushButton("Export week (.ics)…")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        for b in (prev_b, this_b, next_b):
            top.addWidget(b)
        actions = QHBoxLayout()
        for b in (self.add_button, self.move_button, self.cancel_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        self.columns = [DayColumn() for _ in range(7)]  # Mon-Fri, and the weekend when used
        days_box = QWidget()
        days = QHBoxLayout(days_box)
        days.setContentsMargins(0, 0, 0, 0)
        for i, column in enumerate(self.columns):
            days.addWidget(column, 1)
            column.order_button.clicked.connect(
                lambda _c=False, i=i: self.order_route(self.columns[i].day)
            )
            column.view.activated.connect(
                lambda idx, c=column: emit(self.open_hcp, c.model.row_at(idx.row()).plan.hcp_id)
            )
            column.view.clicked.connect(lambda _i, c=column: self._focus_column(c))
            column.view.focused.connect(lambda c=column: self._focus_column(c))
            column.dropped.connect(self.drop_on_day)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        self.map = DayMap()
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(days_box)
        self.split.addWidget(self.map)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)
        layout.addWidget(self.split, 1)
        self.hint = QLabel(
            "Drag visits between days or within one (sets the route) · drop HCPs or "
            "suggestions on a day (drag over the Planner tab) · Enter opens the HCP · "
            "Ctrl+R orders a route · Ctrl+Shift+←/→ moves a visit a day · Del cancels it"
        )
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)  # never widen the window past a 1366 px screen
        layout.addWidget(self.hint)

        prev_b.clicked.connect(lambda: self.show_week(self.monday - timedelta(days=7)))
        next_b.clicked.connect(lambda: self.show_week(self.monday + timedelta(days=7)))
        this_b.clicked.connect(lambda: self.show_week(planning_week(self.taskman.clock.today())))
        self.add_button.clicked.connect(self.add_visit)
        self.move_button.clicked.connect(self.move_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.export_button.clicked.connect(self.choose_export_file)
        QShortcut(QKeySequence("Ctrl+Shift+Left"), self, lambda: self.shift_selected(-1))
        QShortcut(QKeySequence("Ctrl+Shift+Right"), self, lambda: self.shift_selected(1))
        QShortcut(QKeySequence.StandardKey.Delete, self, self.cancel_selected)
        self._current_column = self.columns[0]
        self._week: Week | None = None
        self._day_picked = False
        taskman.changed.connect(self._on_changed)

    # -- data ------------------------------------------------------------------------
    def show_week(self, any_day: date) -> None:
        self.monday = week_start(any_day)
        self.reload()

    def reload(self) -> None:
        monday = self.monday
        Op(lambda ws: ws.planner.week(monday), parent=self).success(self._show).run(self.taskman)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(RELOAD_ON):
            self.reload()

    def _show(self, data: Week) -> None:
        if data.monday != self.monday:
            return
        self._week = data
        today = self.taskman.clock.today()
        planned = {v.plan.planned_date for v in data.visits}
        if self.working_days is not None:
            days = shown_days(data.monday, planned, today, self.working_days())
        else:
            days = shown_days(data.monday, planned, today)
        self.heading.setText(week_label(data.monday, days[-1]))
        for i, column in enumerate(self.columns):
            column.setVisible(i < len(days))  # a weekend column only when it is needed
            if i < len(days):
                day = days[i]
                column.set_day(day, data.on(day), today)
            else:
                column.set_day(date.min, [], today)
        if not self._day_picked or self._current_column.day not in days:
            # Until the rep picks a day, the map follows today (or the week's first day).
            self._current_column = next(
                (c for c in self.columns if c.day == today), self.columns[0]
            )
        self._show_map()
        emit(self.loaded)

    def _show_map(self) -> None:
        """Draw the selected day (the column last clicked or focused; today at first)."""
        column = self._current_column
        rows = column.model.rows() if column.day != date.min else []
        points = [
            (r.latitude, r.longitude)
            if r.latitude is not None and r.longitude is not None
            else None
            for r in rows
        ]
        start = self.route_start() if self.route_start else None
        stops = [MapStop(str(r.plan.route_order or i + 1), r.hcp_name) for i, r in enumerate(rows)]
        when = f"{column.day:%a %d %b}" if column.day != date.min else ""
        self.map.show_day(when, day_route(points, start) if rows else None, stops)

    def is_showing(self, day: date) -> bool:
        """True once a loaded week containing `day` is on screen."""
        return any(column.day == day and column.isVisibleTo(self) for column in self.columns)

    def rows_for(self, day: date) -> list[PlanRow]:
        for column in self.columns:
            if column.day == day and day != date.min:
                return column.model.rows()
        return []

    # -- actions ---------------------------------------------------------------------
    def _focus_column(self, column: DayColumn) -> None:
        self._day_picked = True
        if column is not self._current_column:
            self._current_column = column
            self._show_map()

    def day_for_new_visit(self) -> date:
        """Where "Add visit…" plans: the selected day, else the first day of the shown
        week still ahead, else today."""
        today = self.taskman.clock.today()
        day = self._current_column.day
        if day != date.min and day >= today:
            return day
        ahead = [c.day for c in self.columns if c.isVisibleTo(self) and c.day >= today]
        return min(ahead, default=today)

    def selected(self) -> PlanRow | None:
        for column in [self._current_column, *self.columns]:
            if column.view.hasFocus() or column is self._current_column:
                row = column.selected()
                if row is not None:
                    return row
        return None

    def selected_day(self) -> date:
        for column in self.columns:
            if column.view.hasFocus():
                return column.day
        return self._current_column.day

    def order_route(self, day: date | None = None) -> None:
        day = day or self.selected_day()
        start = self.route_start() if self.route_start else None
        first = self.day_start() if self.day_start else DEFAULT_DAY_START

        def work(ws: Workspace, ctx: TaskContext) -> Changed[list[str]]:
            return ws.planner.order_day(day, start=start, day_start=first, cancel=ctx.token)

        Op(work, parent=self).with_progress("Ordering the route…").run(self.taskman)

    def drop_on_day(self, day: date, payload: DragPayload, row: int) -> None:
        """Something was dropped on `day` at `row` (-1: below the visits).

        Within a day the drop sets the route order. On another day the visit moves
        there; it joins that day's route at the drop row when the day has a route or
        the drop was between two visits, else it just lands on the day.
        """
        rows = self.rows_for(day)
        ids = [r.plan.id for r in rows]
        moving = payload.id if payload.kind == PLAN else PLAN_HERE
        same_day = payload.kind == PLAN and payload.id in ids
        order: list[str] | None = None
        if same_day or row >= 0 or has_route_order(rows):
            order = insert_at(ids, moving, row)
        if same_day and order == ids and has_route_order(rows):
            return  # dropped where it was
        if payload.kind == PLAN:
            moved = self.rows_by_id().get(payload.id)
            label = f"Visit with {moved.hcp_name} moved to {day:%a %d %b}" if moved else ""

            def offer(result: Changed[Dropped]) -> None:
                before = result.value.before
                if before and self.undo is not None:
                    self.undo.push(Undoable(label, lambda ws: ws.plans.restore(before)))

            Op(lambda ws: ws.planner.move_to_day(payload.id, day, order), parent=self).success(
                offer
            ).run(self.taskman)
            return
        # An HCP or a suggestion: a new visit (a suggestion still listed is accepted, as
        # its Accept button would).
        shown = None
        if payload.kind == SUGGESTION and self.suggestion_for is not None:
            shown = self.suggestion_for(payload.id)
        channel = Channel(payload.channel) if payload.channel else Channel.VISIT
        suggestion_id = payload.id if payload.kind == SUGGESTION else None
        route = None if order is None else [None if i == PLAN_HERE else i for i in order]
        Op(
            lambda ws: ws.planner.plan_on_day(
                payload.hcp_id,
                day,
                channel=channel,
                suggestion_id=suggestion_id,
                accept=shown,
                route=route,
            ),
            parent=self,
        ).run(self.taskman)

    def rows_by_id(self) -> dict[str, PlanRow]:
        return {r.plan.id: r for c in self.columns for r in c.model.rows()}

    def _undoable(self, label: str) -> Callable[[PlanEdit], None]:
        """A success callback that offers Undo for a cancel or move (a PlanEdit)."""

        def offer(edit: PlanEdit) -> None:
            if self.undo is not None:
                before = edit.before
                self.undo.push(Undoable(label, lambda ws: ws.plans.restore(before)))

        return offer

    def _reschedule(self, row: PlanRow, day: date, at: time | None) -> None:
        label = f"Visit with {row.hcp_name} moved to {day:%a %d %b}"
        Op(lambda ws: ws.plans.reschedule(row.plan.id, day, at), parent=self).success(
            self._undoable(label)
        ).run(self.taskman)

    def shift_selected(self, days: int) -> None:
        row = self.selected()
        if row is None:
            return
        self._reschedule(row, row.plan.planned_date + timedelta(days=days), row.plan.planned_time)

    def move_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = PlanVisitDialog(
            row.hcp_name,
            today=self.taskman.clock.today(),
            day=row.plan.planned_date,
            at=row.plan.planned_time,
            moving=True,
            parent=self,
        )

        def moved() -> None:
            day, at, *_ = dialog.values()
            self._reschedule(row, day, at)

        dialog.accepted.connect(moved)
        dialog.open()

    def cancel_selected(self) -> None:
        """Del: cancel at once, with Undo in the toast and Ctrl+Z (no "are you sure?")."""
        row = self.selected()
        if row is None:
            return
        label = f"Visit with {row.hcp_name} on {row.plan.planned_date:%a %d %b} cancelled"
        Op(lambda ws: ws.plans.cancel(row.plan.id), parent=self).success(self._undoable(label)).run(
            self.taskman
        )

    def choose_export_file(self) -> None:
        default = str(Path.home() / f"fieldrep-week-{self.monday:%Y-%m-%d}.ics")
        path, _ = QFileDialog.getSaveFileName(self, "Export week", default, "Calendar (*.ics)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        monday = self.monday
        Op(lambda ws: ws.planner.export_week(monday, path), parent=self).success(
            lambda n: emit(self.exported, str(path), n)
        ).run(self.taskman)
