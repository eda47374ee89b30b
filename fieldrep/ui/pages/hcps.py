"""The HCP list: search as you type (FTS on the worker), filters, sorting, saved filters.

All rows live in the model (10,000 summaries load in one query); search narrows by id
and filters run in Python, so typing never waits on the database on the UI thread.
Search results show best match first until the rep clicks a column header.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.changes import Changes
from fieldrep.services.hcp_search import NOTES, SIMILAR
from fieldrep.ui.dialogs.former_calls import FormerCallsDialog, former_calls_text
from fieldrep.ui.hcp_filter import HcpFilter, apply_filter, specialty_choices
from fieldrep.ui.models import FOUND_MARKS, HcpTableModel
from fieldrep.ui.settings import UiSettings
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.widgets.common import EmptyState, title
from fieldrep.ui.widgets.flow_layout import FlowLayout
from fieldrep.usecases.hcp_list import EMPTY, HcpList

SEARCH_DEBOUNCE_MS = 120
SEARCH_LIMIT = 5000
COLUMN_WIDTHS = (210, 170, 230, 120, 44, 100, 84)
ALL = ""

# What this page shows: it reloads when an op changes any of it.
RELOAD_ON = Changes(hcps=True, calls=True, segments=True, sync=True, day=True)


# What the list says after a name found other than by the HCP's own fields.
FOUND_BECAUSE = {NOTES: "found in call notes", SIMILAR: "similar spelling"}
WAITING = "Waiting for your territory: it arrives with the first sync (see the status bar)."
NO_MATCH = "No HCPs match. Clear the search or the filters."


class HcpListPage(QWidget):
    open_hcp = Signal(str)
    open_note = Signal(str)  # a call about an HCP no longer in the territory
    shown_rows = Signal(int)  # after every refresh of what the table shows

    def __init__(self, taskman: TaskManager, settings: UiSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.taskman = taskman
        self.settings = settings
        self.data = EMPTY
        # While a search is on: each found id's place, best match first. The list shows
        # that order until the rep clicks a column header.
        self._search_rank: dict[str, int] | None = None
        self._sorted_by_rep = False
        self._generation = 0
        self.loaded = False

        self.search = QLineEdit(
            placeholderText="Search name, id, postcode, practice, city, specialty or notes…"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("hcp_search")
        self.search.installEventFilter(self)
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        self.former_link = QLabel("")
        self.former_link.setVisible(False)
        self.former_link.linkActivated.connect(lambda _link: self.show_former_calls())

        self.specialty = QComboBox()
        self.tier = QComboBox()
        self.segment = QComboBox()
        self.city = QComboBox()
        for combo, what in (
            (self.specialty, "All specialties"),
            (self.tier, "All tiers"),
            (self.segment, "All segments"),
            (self.city, "All cities"),
        ):
            combo.addItem(what, ALL)
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        for t in ("A", "B", "C", "D"):
            self.tier.addItem(f"Tier {t}", t)
        self.not_contacted = QSpinBox()
        self.not_contacted.setRange(0, 999)
        self.not_contacted.setSingleStep(15)
        self.not_contacted.setSpecialValueText("any time")
        self.not_contacted.setPrefix("no contact ≥ ")
        self.not_contacted.setSuffix(" days")
        self.follow_ups = QCheckBox("Open follow-ups")
        self.saved = QComboBox()
        self.saved.setMinimumContentsLength(12)
        self.save_button = QPushButton("Save filter…")
        self.clear_button = QPushButton("Clear")

        self.model = HcpTableModel()
        self.table = QTableView()
        self.table.setObjectName("hcp_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)  # onto a planner day
        self.table.verticalHeader().hide()
        # Fixed row heights and column widths: the view never measures 10,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        # Spare width goes to the organisation (long names), not to the narrow counts.
        header.setSectionResizeMode(HcpTableModel.ORGANISATION, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(HcpTableModel.NAME, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._sorted_by_column)
        self.table.activated.connect(self._activated)
        self.table.installEventFilter(self)

        self.empty = EmptyState(NO_MATCH)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        top = QHBoxLayout()
        top.addWidget(title("HCPs"))
        top.addStretch(1)
        top.addWidget(self.count_label)
        filters = FlowLayout(spacing=6)  # wraps onto a second line in a narrow window
        for w, tip in (
            (self.specialty, "Only this specialty"),
            (self.tier, "Only this tier (A = highest value)"),
            (self.segment, "Only HCPs whose main segment is this one"),
            (self.city, "Only this city"),
            (self.not_contacted, "Only HCPs with no contact for at least this many days"),
            (self.follow_ups, "Only HCPs with open follow-ups"),
        ):
            w.setToolTip(tip)
            filters.addWidget(w)
        saved_row = QHBoxLayout()
        saved_row.addWidget(QLabel("Saved filters:"))
        saved_row.addWidget(self.saved)
        saved_row.addWidget(self.save_button)
        saved_row.addWidget(self.clear_button)
        saved_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addLayout(saved_row)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.former_link)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.specialty, self.tier, self.segment, self.city):
            combo.currentIndexChanged.connect(self.refilter)
        self.not_contacted.valueChanged.connect(self.refilter)
        self.follow_ups.toggled.connect(self.refilter)
        self.saved.activated.connect(self._apply_saved)
        self.save_button.clicked.connect(self._save_current)
        self.clear_button.clicked.connect(lambda: self.set_filter(HcpFilter()))
        self._fill_saved()
        taskman.changed.connect(self._on_changed)

    # -- loading -----------------------------------------------------------------
    def reload(self) -> None:
        if not self.loaded:
            Op(lambda ws: ws.hcp_list.quick(), parent=self).success(self._quick_loaded).run(
                self.taskman
            )
        Op(lambda ws: ws.hcp_list.full(), parent=self).success(self._loaded).run(self.taskman)

    def _quick_loaded(self, data: HcpList) -> None:
        if not self.loaded:  # the full data may already be here
            self.data = data
            self.refilter()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(RELOAD_ON):
            self.reload()

    def _loaded(self, data: HcpList) -> None:
        self.data = data
        self.loaded = True
        self.former_link.setText(former_calls_text(len(data.former_calls)))
        self.former_link.setVisible(bool(data.former_calls))
        specialties = specialty_choices(r.specialty for r in data.rows)
        self._fill_combo(self.specialty, specialties, any_case=True)
        self._fill_combo(self.city, sorted({r.city for r in data.rows if r.city}))
        self._fill_combo(self.segment, list(data.segments))
        self.segment.setEnabled(bool(data.segment_of))
        if not data.segment_of:
            self.segment.setToolTip("No segment data in this workspace yet")
        self.refilter()

    @staticmethod
    def _fill_combo(combo: QComboBox, values: list[str], *, any_case: bool = False) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for value in values:
            combo.addItem(value, value)
        index = _find(combo, current, any_case=any_case)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    # -- search and filters -------------------------------------------------------
    def _run_search(self) -> None:
        text = self.search.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self._search_rank = None
            self.model.found_because = {}
            self._sorted_by_rep = False
            self.refilter()
            return

        def found(ranked: list[tuple[str, str]]) -> None:
            if generation == self._generation:  # a newer keystroke wins
                self._search_rank = {hcp_id: place for place, (hcp_id, _) in enumerate(ranked)}
                self.model.found_because = {
                    hcp_id: FOUND_BECAUSE[why] for hcp_id, why in ranked if why in FOUND_BECAUSE
                }
                self.refilter()

        search = Op(lambda ws: ws.hcps.search_ranked(text, limit=SEARCH_LIMIT), parent=self)
        search.success(found).run(self.taskman)

    def _sorted_by_column(self, _section: int) -> None:
        if self._search_rank is not None:  # the rep prefers a column to relevance
            self._sorted_by_rep = True
            self.table.horizontalHeader().setSortIndicatorShown(True)

    def current_filter(self) -> HcpFilter:
        return HcpFilter(
            specialty=self.specialty.currentData() or ALL,
            tier=self.tier.currentData() or ALL,
            segment=self.segment.currentData() or ALL,
            city=self.city.currentData() or ALL,
            not_contacted_days=self.not_contacted.value(),
            open_follow_ups=self.follow_ups.isChecked(),
        )

    def set_filter(self, f: HcpFilter) -> None:
        widgets = (
            self.specialty,
            self.tier,
            self.segment,
            self.city,
            self.not_contacted,
            self.follow_ups,
        )
        for w in widgets:
            w.blockSignals(True)
        for combo, value in (
            (self.specialty, f.specialty),
            (self.tier, f.tier),
            (self.segment, f.segment),
            (self.city, f.city),
        ):
            index = _find(combo, value, any_case=combo is self.specialty)
            if index < 0 and value:
                combo.addItem(value, value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))
        self.not_contacted.setValue(f.not_contacted_days)
        self.follow_ups.setChecked(f.open_follow_ups)
        for w in widgets:
            w.blockSignals(False)
        self.refilter()

    def refilter(self) -> None:
        rows = apply_filter(
            self.data.rows,
            self.current_filter(),
            today=self.taskman.clock.today(),
            segment_of=self.data.segment_of,
            only_ids=self._search_rank,
        )
        header = self.table.horizontalHeader()
        rank = self._search_rank
        by_relevance = rank is not None and not self._sorted_by_rep
        header.setSortIndicatorShown(not by_relevance)
        if rank is not None and by_relevance:
            rows.sort(key=lambda r: rank[r.id])
            self.model.set_rows(rows)
        else:
            self.model.set_rows(rows)
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        total = len(self.data.rows)
        count = f"{len(rows):,} of {total:,} HCPs" if len(rows) != total else f"{total:,} HCPs"
        shown = {r.id for r in rows}
        for why, mark in FOUND_MARKS.items():
            n = sum(1 for i, w in self.model.found_because.items() if w == why and i in shown)
            if n:
                count += f" · {mark} {n} {why}"
        self.count_label.setText(count)
        if total:  # once the territory is here, an empty list means nothing matched
            self.empty.setText(NO_MATCH)
        elif self.loaded:
            self.empty.setText(
                WAITING
                if self.data.waiting
                else "No HCPs in this workspace yet. Sign in and sync, or open the demo workspace."
            )
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        emit(self.shown_rows, len(rows))

    def show_former_calls(self) -> FormerCallsDialog:
        dialog = FormerCallsDialog(self.data.former_calls, self.open_note.emit, self)
        dialog.show()
        return dialog

    # -- saved filters -------------------------------------------------------------
    def _fill_saved(self) -> None:
        self.saved.clear()
        self.saved.addItem("—", None)
        for name in sorted(self.settings.saved_filters()):
            self.saved.addItem(name, name)

    def _apply_saved(self, index: int) -> None:
        name = self.saved.itemData(index)
        if name:
            f = self.settings.saved_filters().get(name)
            if f is not None:
                self.set_filter(f)

    def save_filter_as(self, name: str) -> None:
        self.settings.save_filter(name, self.current_filter())
        self._fill_saved()
        self.saved.setCurrentIndex(self.saved.findData(name))

    def _save_current(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Save filter", "Name:", text=self.current_filter().describe()
        )
        if ok and name.strip():
            self.save_filter_as(name.strip())

    # -- keyboard ------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def current_hcp_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row()).id

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            emit(self.open_hcp, self.model.row_at(index.row()).id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search:
                if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount():
                    self.table.setFocus()
                    if not self.table.currentIndex().isValid():
                        self.table.selectRow(0)
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self._open_first_when_ready()
                    return True
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._activated(self.table.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def _open_first_when_ready(self) -> None:
        """Enter in the search box opens the top match, once the search has answered."""
        if self._debounce.isActive() or self.taskman.pending:
            QTimer.singleShot(30, self._open_first_when_ready)
            return
        index = self.table.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        self._activated(index)


def _find(combo: QComboBox, value: object, *, any_case: bool = False) -> int:
    """The index of the entry holding `value`; `any_case` for specialties (one entry per
    specialty whatever its case, so a saved "CARDIOLOGY" selects "Cardiology")."""
    if any_case and isinstance(value, str) and value:
        wanted = value.casefold()
        for index in range(combo.count()):
            data = combo.itemData(index)
            if isinstance(data, str) and data.casefold() == wanted:
                return index
        return -1
    return combo.findData(value)
