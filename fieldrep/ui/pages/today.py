"""Today: the day's visits in route order, top suggestions, follow-ups due, drafts, and
adverse-event reports still to reach Drug Safety, with the time left."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldrep.compliance.adverse_events import remaining_text
from fieldrep.domain.changes import Changes
from fieldrep.services.adverse_events import AdverseEventReport
from fieldrep.ui.dialogs.adverse_event import AdverseEventDialog
from fieldrep.ui.models import PlanTableModel, SuggestionTableModel, has_route_order
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.undo import UndoStack
from fieldrep.ui.widgets.attainment_line import AttainmentLine
from fieldrep.ui.widgets.coaching_card import CoachingCard
from fieldrep.ui.widgets.common import Card, EmptyState, title
from fieldrep.ui.widgets.draft_discard import add_discard_action
from fieldrep.ui.widgets.follow_ups import NOTE_ROLE, follow_up_item, tick_to_complete
from fieldrep.usecases.sync_inbox import CONFLICT_DETAIL
from fieldrep.usecases.today import Agenda

# What this page shows: it reloads when an op changes any of it.
RELOAD_ON = Changes(
    plans=True,
    calls=True,
    feedback=True,
    segments=True,
    sync=True,
    day=True,
    adverse_events=True,
)


def _table(model: QAbstractItemModel, view: QTableView | None = None) -> QTableView:
    view = view or QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view


class SuggestionTable(QTableView):
    """Today's top suggestions, fitted to the card's width whatever it is: Score and
    Action take their contents, the HCP at most half of what is left (a longer name
    elides; its tooltip has it whole) and Why the rest (eliding, the tooltip lists every
    reason). So at 1024x640 nothing scrolls sideways and Why stays in sight."""

    def fit_columns(self) -> None:
        header = self.horizontalHeader()

        def contents(column: int) -> int:  # what ResizeToContents gives it, known now
            return max(self.sizeHintForColumn(column), header.sectionSizeHint(column))

        taken = sum(
            contents(c)
            for c in (SuggestionTableModel.SCORE, SuggestionTableModel.ACTION)
            if not self.isColumnHidden(c)
        )
        hcp = SuggestionTableModel.HCP
        room = (self.viewport().width() - taken) // 2
        header.resizeSection(hcp, max(0, min(contents(hcp), room)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_columns()


def _with_empty(view: QWidget, text: str) -> tuple[QStackedWidget, EmptyState]:
    stack = QStackedWidget()
    empty = EmptyState(text)
    stack.addWidget(view)
    stack.addWidget(empty)
    return stack, empty


class TodayPage(QWidget):
    open_hcp = Signal(str)
    open_draft = Signal(str)
    go_suggestions = Signal()
    loaded = Signal()

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.data: Agenda | None = None
        self.heading = title("Today")
        self.visits = PlanTableModel()
        self.visit_view = _table(self.visits)
        self.visit_view.activated.connect(
            lambda i: emit(self.open_hcp, self.visits.row_at(i.row()).plan.hcp_id)
        )
        self.visit_stack, _ = _with_empty(
            self.visit_view,
            "No visits planned today — plan from suggestions (Ctrl+4) or the HCP list.",
        )
        self.suggestions = SuggestionTableModel()
        self.suggestion_view = SuggestionTable()
        _table(self.suggestions, self.suggestion_view)
        self.suggestion_view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        for column in (
            SuggestionTableModel.MESSAGE,
            SuggestionTableModel.DUE,
            SuggestionTableModel.EXPIRES,
        ):
            self.suggestion_view.hideColumn(column)
        # Five rows only, so the short columns fit their contents, the HCP is fitted to
        # the card (`SuggestionTable`) and the reason gets the rest.
        header = self.suggestion_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SuggestionTableModel.HCP, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(SuggestionTableModel.REASONS, QHeaderView.ResizeMode.Stretch)
        self.suggestion_view.activated.connect(
            lambda i: emit(self.open_hcp, self.suggestions.row_at(i.row()).hcp_id)
        )
        self.suggestion_stack, self.suggestion_empty = _with_empty(self.suggestion_view, "")
        self.follow_list = QListWidget()
        self.follow_list.itemActivated.connect(self._open_follow_up)
        self.follow_stack, _ = _with_empty(self.follow_list, "No follow-ups due this week.")
        self.undo: UndoStack | None = None  # set by the window
        tick_to_complete(self.follow_list, taskman, lambda: self.undo)
        self.draft_list = QListWidget()
        self.draft_list.setObjectName("drafts")
        self.draft_list.setWordWrap(True)  # a long name wraps instead of scrolling sideways
        self.draft_list.itemActivated.connect(
            lambda item: emit(self.open_draft, item.data(Qt.ItemDataRole.UserRole))
        )
        self.draft_stack, _ = _with_empty(self.draft_list, "No calls left in draft.")
        self.discard_action = add_discard_action(self.draft_list, taskman)

        # Adverse-event reports on the clock: above everything else, only when there are.
        self.ae_list = QListWidget()
        self.ae_list.setObjectName("adverse_events")
        self.ae_list.setMaximumHeight(90)
        self.ae_list.itemActivated.connect(self._open_ae_report)
        self.ae_card = Card("Adverse-event reports to send")
        self.ae_card.body.addWidget(self.ae_list)
        self.ae_card.hide()
        self._ae_countdown = QTimer(self, interval=60_000)
        self._ae_countdown.timeout.connect(self._show_adverse_events)
        self._ae_countdown.start()

        grid = QGridLayout()
        self.cards: list[Card] = []
        for (heading, widget), (row, col) in zip(
            (
                ("Planned visits, in route order", self.visit_stack),
                ("Top suggestions", self.suggestion_stack),
                ("Follow-ups due", self.follow_stack),
                ("Calls left in draft", self.draft_stack),
            ),
            ((0, 0), (0, 1), (1, 0), (1, 1)),
            strict=True,
        ):
            card = Card(heading)
            card.body.addWidget(widget)
            self.cards.append(card)
            grid.addWidget(card, row, col)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        # The rep's cycle-plan pace and the manager's coaching to acknowledge (issue 12).
        self.attainment = AttainmentLine(taskman)
        self.coaching = CoachingCard(
            taskman, "Coaching from your manager", lambda ws: ws.coaching.to_acknowledge()
        )
        self.coaching.open_note.connect(self.open_draft)
        layout.addWidget(self.attainment)
        layout.addWidget(self.ae_card)
        layout.addWidget(self.coaching)
        layout.addLayout(grid, 1)
        taskman.changed.connect(self._on_changed)

    def reload(self) -> None:
        day = self.taskman.clock.today()
        Op(lambda ws: ws.today.agenda(day), parent=self).success(self._show).run(self.taskman)
        self.attainment.start()
        self.coaching.start()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(RELOAD_ON):
            self.reload()

    def _show(self, data: Agenda) -> None:
        self.data = data
        self.heading.setText(f"Today — {data.day:%A %d %B}")
        self.visits.set_rows(list(data.visits))
        self.visit_stack.setCurrentIndex(0 if data.visits else 1)
        # Until a route is ordered the visits are listed by time and "#" would be empty.
        routed = has_route_order(data.visits)
        self.visit_view.setColumnHidden(PlanTableModel.ORDER, not routed)
        self.cards[0].heading.setText(
            "Planned visits, in route order" if routed else "Planned visits, by time"
        )
        self.suggestions.set_rows(list(data.suggestions))
        self.suggestion_view.fit_columns()
        self.suggestion_empty.setText(
            data.quiet_note or "Nothing suggested today. Check back after the next sync."
        )
        self.suggestion_stack.setCurrentIndex(0 if data.suggestions else 1)
        self.follow_list.blockSignals(True)
        self.follow_list.clear()
        for f in data.follow_ups:
            flag = "overdue · " if f.due < data.day else ""
            text = f"{f.due:%a %d %b} · {flag}{f.hcp_name}: {f.description}"
            # An HCP no longer in the territory has no page: the item opens its note.
            hcp_id = f.hcp_id if f.in_territory else ""
            self.follow_list.addItem(follow_up_item(text, f.note_id, f.index, hcp_id))
        self.follow_list.blockSignals(False)
        self.follow_stack.setCurrentIndex(0 if data.follow_ups else 1)
        self.draft_list.clear()
        for draft in data.drafts:
            note = draft.note
            when = note.started_at.astimezone().strftime("%a %d %b %H:%M")
            text = f"{when} · {draft.hcp_name} · {note.channel.label}"
            if note.conflict_of:  # first, so a narrow window still shows it
                text = f"Conflict copy · {text}"
            item = QListWidgetItem(text)
            if note.conflict_of:
                item.setToolTip(CONFLICT_DETAIL)
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            self.draft_list.addItem(item)
        self.draft_stack.setCurrentIndex(0 if data.drafts else 1)
        self._show_adverse_events()
        emit(self.loaded)

    def _open_follow_up(self, item: QListWidgetItem) -> None:
        hcp_id = item.data(Qt.ItemDataRole.UserRole)
        if hcp_id:
            emit(self.open_hcp, hcp_id)
        else:
            emit(self.open_draft, item.data(NOTE_ROLE)[0])

    def _show_adverse_events(self) -> None:
        """Each unsent report with the time left (re-counted every minute)."""
        reports = self.data.adverse_events if self.data else ()
        now = self.taskman.clock.now()
        self.ae_list.clear()
        for open_report in reports:
            r = open_report.report
            state = "waiting for sync" if open_report.queued else "draft, not sent"
            due = self.taskman.clock.local(r.deadline_at)
            item = QListWidgetItem(
                f"{open_report.hcp_name} · {r.product or 'product?'} · {state} · due "
                f"{due:%a %H:%M} · {remaining_text(r.deadline_at, now)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.ae_list.addItem(item)
        self.ae_card.setVisible(bool(reports))

    def _open_ae_report(self, item: QListWidgetItem) -> None:
        report_id = item.data(Qt.ItemDataRole.UserRole)
        Op(lambda ws: ws.adverse_events.get(report_id), parent=self).success(
            self._show_ae_form
        ).run(self.taskman)

    def _show_ae_form(self, report: AdverseEventReport) -> None:
        if report.sent:
            return  # queued: the next sync sends it
        self.ae_dialog = AdverseEventDialog(self.taskman, report, parent=self)
        self.ae_dialog.open()
