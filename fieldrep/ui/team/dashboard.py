"""The manager's team view: the core's team report (`fieldrep.reports`) as figures,
charts and tables, with filters, a drill-down rep -> HCP -> call note, export of the
current view and a one-page coaching summary per rep.

Threading: the team's data (`ws.reports.data()`, every synced note of the team) is read
once on the worker and kept until a sync or a write changes it; each filter change runs
`team_report` on the worker too. The UI thread only lays out what comes back. Nothing
here computes a figure: the numbers are the report's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.changes import Changes
from fieldrep.reports.data import TeamData
from fieldrep.reports.team import TeamFilter, TeamReport, team_report
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.team import charts, snapshot
from fieldrep.ui.team.actions import DASHBOARD, DRILL, SILENT, DashboardActions
from fieldrep.ui.team.drill import RepDrill, note_view, plural, rep_hcps, rep_notes
from fieldrep.ui.team.figures import RepFigures, RepFiguresModel, SilentModel, SilentRow
from fieldrep.ui.widgets.common import EmptyState, muted, title
from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)

# A write or a sync may change the team's data; the day moves "today" and the periods.
RELOAD_ON = Changes(calls=True, plans=True, feedback=True, segments=True, catalogue=True,
                    hcps=True, sync=True, day=True)  # fmt: skip
ALL = "All"
PERIODS = (
    ("This week", 1),
    ("Last 4 weeks", 4),
    ("Last 13 weeks", 13),
    ("Last 52 weeks", 52),
    ("Custom…", 0),
)


@dataclass(frozen=True)
class Options:
    """What the filters offer: from the team's own data and the company catalogue."""

    reps: tuple[str, ...]
    tiers: tuple[str, ...]
    segments: tuple[tuple[str, str], ...]  # (id, name)
    products: tuple[str, ...]


@dataclass(frozen=True)
class DashboardView:
    report: TeamReport
    reps: list[RepFigures]
    silent: list[SilentRow]


def load_options(ws: Workspace, data: TeamData) -> Options:
    used = set(data.hcps["segment"]) - {""}
    names = {s.id: s.name for s in ws.segments.catalogue()}
    return Options(
        reps=tuple(data.reps),
        tiers=tuple(sorted(set(data.hcps["tier"]))),
        segments=tuple(sorted(((s, names.get(s, s)) for s in used), key=lambda p: p[1])),
        products=tuple(sorted(p.name for p in ws.messages.products())),
    )


def build_view(data: TeamData, flt: TeamFilter) -> DashboardView:
    """Worker: the report over `flt`, with the table rows made from its frames."""
    report = team_report(data, flt)
    return DashboardView(report, RepFigures.from_summary(report.summary),
                         SilentRow.from_frame(report.silent))  # fmt: skip


class Tile(QFrame):
    """One headline figure: a big number and what it is."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–")
        self.value.setObjectName("title")
        self.caption = muted(caption)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.setToolTip(detail)


def _table(model: Any, stretch: int | None) -> QTableView:
    """A read-only sortable table; `stretch` takes the spare width (None: the last)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setSortingEnabled(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setSortIndicatorShown(False)  # in the report's order until the manager sorts
    return view


class TeamDashboard(DashboardActions, QWidget):
    loaded = Signal()  # a report is on screen
    drilled = Signal(str)  # the drill-down shows this rep's HCPs
    notes_shown = Signal()  # the drill-down lists the chosen HCP's notes
    note_shown = Signal(str)  # the drill-down shows this note
    exported = Signal(str)  # a file was written (export or summary)

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.data: TeamData | None = None
        self.view: DashboardView | None = None
        self.options: Options | None = None
        self._wanted: TeamFilter | None = None  # the filter of the newest request
        self._version = ""  # the data version `data` was read at (snapshot.data_version)
        self._drill_rows: list[Any] = []
        self._build_filters()
        self._build_overview()
        self.drill = RepDrill()
        self.drill.back.connect(self.back_to_team)
        self.drill.hcp_chosen.connect(self._load_notes)
        self.drill.note_chosen.connect(self._load_note)
        # Lambdas: clicked(bool) must not land in the methods' optional arguments.
        d = self.drill
        d.comment_button.clicked.connect(lambda: self.comment_on_note())  # noqa: PLW0108
        d.week_button.clicked.connect(lambda: self.comment_on_week())  # noqa: PLW0108
        d.visit_button.clicked.connect(lambda: self.record_field_visit())  # noqa: PLW0108
        d.summary_button.clicked.connect(lambda: self.coaching_summary())  # noqa: PLW0108
        self.stack = QStackedWidget()
        self.stack.addWidget(self.overview)
        self.stack.addWidget(self.drill)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filter_row)
        layout.addWidget(self.stack, 1)
        taskman.changed.connect(self._on_changed)

    # -- construction -------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.heading = title("Team")
        self.rep_box = QComboBox()
        self.period_box = QComboBox()
        for label, weeks in PERIODS:
            self.period_box.addItem(label, weeks)
        self.period_box.setCurrentIndex(1)
        today = self.taskman.clock.today()
        self.start_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.end_edit = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
            edit.dateChanged.connect(lambda _d: self._filters_changed())
        self.tier_box = QComboBox()
        self.segment_box = QComboBox()
        self.product_box = QComboBox()
        for box in (self.rep_box, self.tier_box, self.segment_box, self.product_box):
            box.addItem(ALL, None)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for box in (self.rep_box, self.period_box, self.tier_box, self.segment_box,
                    self.product_box):  # fmt: skip
            box.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the table or figures on screen as CSV or Excel")
        self.export_button.clicked.connect(lambda: self.export_view())  # noqa: PLW0108 - not clicked(bool)
        self.status = muted()
        row = QHBoxLayout()
        row.addWidget(self.heading)
        row.addSpacing(8)
        for caption, widget in (
            ("Rep", self.rep_box), ("Period", self.period_box), ("Tier", self.tier_box),
            ("Segment", self.segment_box), ("Product", self.product_box),
        ):  # fmt: skip
            row.addWidget(QLabel(caption))
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.export_button)
        # A custom period's dates get a line of their own: in the row above they made the
        # window 1089 px wide at least, more than a 1024 px laptop has.
        self.dates = QWidget()
        dates = QHBoxLayout(self.dates)
        dates.setContentsMargins(0, 0, 0, 0)
        for part in (QLabel("From"), self.start_edit, QLabel("to"), self.end_edit):
            dates.addWidget(part)
        dates.addStretch(1)
        self.dates.setVisible(False)
        self.filter_row = QVBoxLayout()
        self.filter_row.addLayout(row)
        self.filter_row.addWidget(self.dates)
        self.filter_row.addWidget(self.status)

    def _build_overview(self) -> None:
        self.tiles = {
            "calls": Tile("calls"),
            "reached": Tile("HCPs reached"),
            "coverage": Tile("A-tier coverage"),
            "pace": Tile("cycle done / time gone"),
            "uptake": Tile("suggestions accepted"),
            "field": Tile("days in field"),
        }
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        self.chart_views = [QChartView() for _ in range(4)]
        grid = QGridLayout()
        for i, view in enumerate(self.chart_views):
            charts.prepare_view(view)
            grid.addWidget(view, i // 2, i % 2)
        charts_box = QWidget()
        box = QVBoxLayout(charts_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(tiles)
        box.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(charts_box)
        charts_box.setMinimumHeight(420)
        self.rep_model = RepFiguresModel()
        self.rep_table = _table(self.rep_model, None)
        self.rep_table.setObjectName("team_reps")
        self.rep_table.activated.connect(
            lambda i: self.drill_to_rep(self.rep_model.row_at(i.row()).rep)
        )
        self.silent_model = SilentModel()
        self.silent_table = _table(self.silent_model, SilentModel.NAME)
        self.silent_table.activated.connect(self._silent_activated)
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, "Overview")
        self.tabs.addTab(self.rep_table, "Reps")
        self.tabs.addTab(self.silent_table, "Priority HCPs not seen")
        self.empty = EmptyState(
            "No team data on this laptop yet. Sync (F5) to fetch your team's calls, plans "
            "and goals."
        )
        self.overview = QWidget()
        layout = QVBoxLayout(self.overview)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty)
        self.empty.hide()

    # -- filters ------------------------------------------------------------------------
    def current_filter(self) -> TeamFilter:
        today = self.taskman.clock.today()
        weeks = self.period_box.currentData()
        custom = weeks == 0
        self.dates.setVisible(custom)
        if custom:
            first: date = self.start_edit.date().toPython()  # type: ignore[assignment]
            last: date = self.end_edit.date().toPython()  # type: ignore[assignment]
            start, end = min(first, last), max(first, last)
        else:
            monday = today - timedelta(days=today.weekday())
            start, end = monday - timedelta(weeks=int(weeks) - 1), today
        rep = self.rep_box.currentData()
        return TeamFilter(
            start=start,
            end=end,
            reps=(rep,) if rep else (),
            tier=self.tier_box.currentData(),
            segment=self.segment_box.currentData(),
            product=self.product_box.currentData(),
        )

    def set_filters(
        self,
        *,
        rep: str | None = None,
        period: str | None = None,
        tier: str | None = None,
        segment: str | None = None,
        product: str | None = None,
    ) -> None:
        """Choose filter values by what they show (tests and the coaching page)."""
        for box, value in ((self.rep_box, rep), (self.period_box, period),
                           (self.tier_box, tier), (self.segment_box, segment),
                           (self.product_box, product)):  # fmt: skip
            if value is not None:
                index = box.findText(value)
                if index < 0:
                    index = box.findData(value)
                if index < 0:
                    raise ValueError(f"'{value}' is not offered by this filter")
                box.setCurrentIndex(index)

    def _filters_changed(self) -> None:
        if self.data is not None:
            self._recompute()

    def _fill_options(self, options: Options) -> None:
        self.options = options
        choices = (
            (self.rep_box, [(r, r) for r in options.reps]),
            (self.tier_box, [(f"{t}-tier", t) for t in options.tiers]),
            (self.segment_box, [(name, sid) for sid, name in options.segments]),
            (self.product_box, [(p, p) for p in options.products]),
        )
        for box, items in choices:
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(ALL, None)
            for text, data in items:
                box.addItem(text, data)
            index = box.findData(chosen) if chosen is not None else 0
            box.setCurrentIndex(max(0, index))
            box.blockSignals(False)

    # -- loading ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the team's figures for the data on this laptop now: at once from the last
        report when the data has not changed since (`snapshot`), then from the data read
        again; nothing to do when a sync brought nothing."""
        flt = self.current_filter()
        today = self.taskman.clock.today()
        known = self._version if self.data is not None else None

        def look(ws: Workspace) -> tuple[str, snapshot.Snapshot | None]:
            version = snapshot.data_version(ws)
            if version == known:
                return version, None
            return version, snapshot.load(ws, snapshot.snapshot_key(version, today, flt))

        Op(look, parent=self).success(self._looked).run(self.taskman)

    def _looked(self, result: tuple[str, snapshot.Snapshot | None]) -> None:
        version, snap = result
        if self.data is not None and version == self._version:
            return  # nothing new since the data was read
        if snap is not None:
            self._fill_options(snap.options)
            self._wanted = snap.view.report.filter
            self._show(snap.view)
        self.status.setText(self.status.text() or "Reading the team's activity…")
        flt = self.current_filter()
        today = self.taskman.clock.today()

        def load(ws: Workspace) -> tuple[TeamData, Options, DashboardView, str]:
            data = ws.reports.data()
            options = load_options(ws, data)
            view = build_view(data, flt)
            key = snapshot.snapshot_key(version, today, flt)
            snapshot.save(ws, snapshot.Snapshot(key, view, options))
            return data, options, view, version

        Op(load, parent=self).success(self._loaded).run(self.taskman)

    def _loaded(self, result: tuple[TeamData, Options, DashboardView, str]) -> None:
        self.data, options, view, self._version = result
        self._fill_options(options)
        if view.report.filter == self.current_filter():
            self._wanted = view.report.filter
            self._show(view)
        else:
            self._recompute()  # the manager changed a filter meanwhile

    def _recompute(self) -> None:
        data = self.data
        assert data is not None
        flt = self.current_filter()
        self._wanted = flt
        Op(lambda _ws: build_view(data, flt), parent=self).success(self._show).run(self.taskman)

    def _on_changed(self, changes: Changes) -> None:
        if isinstance(changes, Changes) and changes.touches(RELOAD_ON):
            self.refresh()

    def _show(self, view: DashboardView) -> None:
        if view.report.filter != self._wanted:
            return  # the manager changed a filter since: its answer is on the way
        self.view = view
        report = view.report
        t = report.totals
        flt = report.filter
        has_data = self.data is not None and len(self.data.calls) > 0
        self.empty.setVisible(not has_data)
        self.tabs.setVisible(has_data)
        self.status.setText(
            f"{flt.start:%a %d %b %Y} – {flt.end:%a %d %b %Y} · "
            f"{plural(len(report.reps), 'rep')} · as of the last sync"
        )
        self.tiles["calls"].set(f"{t.calls:,}")
        self.tiles["reached"].set(f"{t.hcps_reached:,}")
        self.tiles["coverage"].set(
            "–" if t.top_tier_coverage is None else f"{t.top_tier_coverage:.0%}",
            f"{t.top_tier_reached} of {plural(t.top_tier_hcps, 'A-tier HCP')}"
            if t.top_tier_hcps
            else "no A-tier HCPs",
        )
        if len(report.attainment):
            self.tiles["pace"].set(f"{t.attainment:.0%} / {t.time_gone:.0%}")
        else:
            self.tiles["pace"].set("no goals", "No cycle plan applies to this period yet.")
        self.tiles["uptake"].set(
            "–" if t.acceptance_rate is None else f"{t.acceptance_rate:.0%}",
            f"{t.accepted} accepted, {t.dismissed} dismissed, {t.snoozed} snoozed, "
            f"{t.expired} expired",
        )
        self.tiles["field"].set(
            f"{t.days_in_field:,}", f"{t.completed} of {t.planned} planned visits done"
        )
        for chart_view, build in zip(
            self.chart_views,
            (charts.calls_by_channel, charts.pace_by_rep, charts.dismiss_reasons,
             charts.sentiment_trend),
            strict=True,
        ):  # fmt: skip
            old = chart_view.chart()
            chart_view.setChart(build(report))
            if old is not None:
                old.deleteLater()
        for chart_view in self.chart_views:  # rows of equal height, the reps' names whole
            chart_view.setMinimumHeight(charts.pace_height(len(report.reps)))
        self.rep_model.set_rows(view.reps)
        self.silent_model.set_rows(view.silent)
        self.tabs.setTabText(SILENT, f"Priority HCPs not seen ({len(view.silent)})")
        if self.stack.currentIndex() == DRILL and self.drill.rep:
            self._load_drill(self.drill.rep)
        emit(self.loaded)

    # -- drill-down ---------------------------------------------------------------------
    def back_to_team(self) -> None:
        self.stack.setCurrentIndex(DASHBOARD)

    def drill_to_rep(self, rep: str, hcp_id: str | None = None) -> None:
        self.stack.setCurrentIndex(DRILL)
        self._load_drill(rep, hcp_id)

    def _load_drill(self, rep: str, hcp_id: str | None = None) -> None:
        data = self.data
        if data is None:
            return
        flt = self._wanted or self.current_filter()

        def shown(rows: list[Any]) -> None:
            self._drill_rows = rows
            # The start's year only when it differs ("01 Dec 2025 – 07 Dec 2026" read as
            # one week without it).
            start = (
                f"{flt.start:%d %b}" if flt.start.year == flt.end.year else f"{flt.start:%d %b %Y}"
            )
            period = f"{start} – {flt.end:%d %b %Y}"
            self.drill.show_rep(rep, rows, period)
            emit(self.drilled, rep)
            if hcp_id is not None and not self.drill.select_hcp(hcp_id):
                self._load_notes(hcp_id)  # a silent HCP: no calls in the period

        Op(lambda _ws: rep_hcps(data, flt, rep), parent=self).success(shown).run(self.taskman)

    def _load_notes(self, hcp_id: str) -> None:
        rep = self.drill.rep
        if rep is None:
            return
        flt = self._wanted or self.current_filter()

        def shown(notes: list[Any]) -> None:
            self.drill.show_notes(notes)
            emit(self.notes_shown)

        Op(lambda ws: rep_notes(ws, flt, rep, hcp_id), parent=self).success(shown).run(self.taskman)

    def _load_note(self, note_id: str) -> None:
        def shown(view: Any) -> None:
            self.drill.show_note(view, self._when)
            emit(self.note_shown, note_id)

        Op(lambda ws: note_view(ws, note_id), parent=self).success(shown).run(self.taskman)

    def _silent_activated(self, index: Any) -> None:
        row = self.silent_model.row_at(index.row())
        self.drill_to_rep(row.rep, row.hcp_id)

    def _when(self, instant: str | None) -> str:
        if not instant:
            return ""
        return f"{self.taskman.clock.local(datetime.fromisoformat(instant)):%a %d %b %H:%M}"
