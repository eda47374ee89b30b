"""Suggestions: the ranked list with reasons, expiry and data date; accept, dismiss, snooze."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.changes import Changed, Changes
from fieldrep.domain.enums import Channel
from fieldrep.domain.plans import SuggestionFeedback
from fieldrep.nba.model import Suggestion
from fieldrep.ui.dialogs.suggestion_feedback import DismissDialog, SnoozeDialog
from fieldrep.ui.models import SuggestionTableModel
from fieldrep.ui.pages.hcps import WAITING
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.undo import Undoable, UndoStack
from fieldrep.ui.widgets.common import Card, EmptyState, muted, title
from fieldrep.usecases.suggestion_list import SuggestionList

# What this page shows: it reloads when an op changes any of it.
RELOAD_ON = Changes(feedback=True, calls=True, plans=True, sync=True, segments=True, day=True)


NARROW_PAGE_PX = 1000  # the page on a 1024 px screen is about 850 wide


class SuggestionsPage(QWidget):
    accepted = Signal(object)  # the Suggestion: the window plans a visit or opens the call log
    open_hcp = Signal(str)
    loaded = Signal(int)

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.available = False  # the list has been shown once
        self.undo: UndoStack | None = None  # set by the window: dismiss and snooze undo
        self.model = SuggestionTableModel()
        self.view = QTableView()
        self.view.setObjectName("suggestion_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)  # onto a planner day
        header = self.view.horizontalHeader()
        m = SuggestionTableModel
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in ((m.SCORE, 56), (m.HCP, 170), (m.ACTION, 130), (m.DUE, 96),
                              (m.EXPIRES, 96)):  # fmt: skip
            header.resizeSection(column, width)
        # The message and the why share what is left, so neither is cut to a few letters
        # on a small laptop (at 1024 px the fixed columns left the why 100 px).
        header.setSectionResizeMode(m.MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(m.REASONS, QHeaderView.ResizeMode.Stretch)
        self.empty = EmptyState("")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.accept_button = QPushButton("&Accept")
        self.accept_button.setObjectName("primary")
        self.accept_button.setToolTip(
            "Plan the visit, or open the call log prefilled (Enter; closing it keeps a draft)"
        )
        self.dismiss_button = QPushButton("&Dismiss…")
        self.dismiss_button.setToolTip("Say why not; it leaves today's list (Ctrl+Z undoes)")
        self.snooze_button = QPushButton("S&nooze…")
        self.snooze_button.setToolTip("Hide it until a date you pick (Ctrl+Z undoes)")
        self.open_button = QPushButton("Open &HCP")
        self.open_button.setToolTip("Open this HCP's page")
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.dismiss_button, self.snooze_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        card = Card("Why this suggestion")
        card.body.addWidget(self.detail, 1)
        card.body.addLayout(buttons)
        self.data_note = muted()
        self.data_note.setWordWrap(False)

        heading = QHBoxLayout()
        heading.addWidget(title("Suggestions"))
        heading.addStretch(1)
        heading.addWidget(self.data_note)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.stack, 3)
        layout.addWidget(card, 1)

        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.view.activated.connect(lambda _i: self.accept_selected())
        self.accept_button.clicked.connect(self.accept_selected)
        self.dismiss_button.clicked.connect(lambda: self._ignore(self.dismiss_selected()))
        self.snooze_button.clicked.connect(lambda: self._ignore(self.snooze_selected()))
        self.open_button.clicked.connect(self._open_selected)
        taskman.changed.connect(self._on_changed)
        self._show_detail()

    @staticmethod
    def _ignore(_dialog: object) -> None:
        """Slots return None (PySide6 drops a reference to a slot's return value)."""

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        # Below this width the expiry date (also in the detail below) gives its room to
        # the message and the why.
        narrow = event.size().width() < NARROW_PAGE_PX
        self.view.setColumnHidden(SuggestionTableModel.EXPIRES, narrow)

    def _open_selected(self) -> None:
        s = self.selected()
        if s is not None:
            emit(self.open_hcp, s.hcp_id)

    def reload(self) -> None:
        today = self.taskman.clock.today()

        Op(lambda ws: ws.suggestion_list.daily(today), parent=self).success(self._show).run(
            self.taskman
        )

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(RELOAD_ON):
            self.reload()

    def _show(self, data: SuggestionList) -> None:
        rows = data.suggestions
        self.available = True
        self.model.set_rows(rows)
        self.empty.setText(
            WAITING
            if data.waiting
            else data.quiet_note
            or "No suggestions today — all caught up. Plan from the HCP list instead."
        )
        self.stack.setCurrentIndex(0 if rows else 1)
        if rows:
            self.data_note.setText(f"{len(rows)} suggestions · data as of {rows[0].data_as_of}")
            self.view.selectRow(0)
        self._show_detail()
        emit(self.loaded, len(rows))

    def selected(self) -> Suggestion | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() and self.model.rowCount() else None

    def _show_detail(self) -> None:
        s = self.selected()
        for b in (self.accept_button, self.dismiss_button, self.snooze_button, self.open_button):
            b.setEnabled(s is not None)
        if s is None:
            self.detail.setText("<i>Select a suggestion to see why it is suggested.</i>")
            return
        label = s.channel.label
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in s.reasons)
        message = f" — “{html.escape(s.message_title)}”" if s.message_title else ""
        explore = " <i>(exploring: the model is testing this option)</i>" if s.exploratory else ""
        self.detail.setText(
            f"<b>{html.escape(s.hcp_name)}</b>: {html.escape(label)}{message}{explore}"
            f"<ul>{reasons}</ul>Due {s.due} · expires {s.expires} · score {float(s.score):.2f}"
            f" · data as of {s.data_as_of}"
        )

    # -- feedback ---------------------------------------------------------------------
    def accept_selected(self) -> None:
        """A visit is accepted when the rep plans it (the window's plan dialog: Esc there
        keeps the suggestion listed); any other channel now, and its call log opens with
        a draft that is kept even if closed at once. Either way nothing is lost."""
        s = self.selected()
        if s is None:
            return
        if s.channel is Channel.VISIT:
            emit(self.accepted, s)
            return
        Op(lambda ws: ws.suggestions.accept(s), parent=self).success(
            lambda _r: emit(self.accepted, s)
        ).run(self.taskman)

    def _offer_undo(self, label: str) -> Callable[[Changed[SuggestionFeedback]], None]:
        def offer(result: Changed[SuggestionFeedback]) -> None:
            feedback = result.value
            if self.undo is not None:
                self.undo.push(Undoable(label, lambda ws: ws.suggestions.undo(feedback)))

        return offer

    def dismiss_selected(self) -> DismissDialog | None:
        s = self.selected()
        if s is None:
            return None
        dialog = DismissDialog(f"{s.hcp_name}: {s.message_title or s.channel}", parent=self)

        def dismissed() -> None:
            reason, comment = dialog.values()
            Op(lambda ws: ws.suggestions.dismiss(s, reason, comment), parent=self).success(
                self._offer_undo(f"Suggestion for {s.hcp_name} dismissed")
            ).run(self.taskman)

        dialog.accepted.connect(dismissed)
        dialog.open()
        return dialog

    def snooze_selected(self) -> SnoozeDialog | None:
        s = self.selected()
        if s is None:
            return None
        dialog = SnoozeDialog(
            f"{s.hcp_name}: {s.message_title or s.channel}",
            self.taskman.clock.today(),
            parent=self,
        )

        def snoozed() -> None:
            until = dialog.value()
            Op(lambda ws: ws.suggestions.snooze(s, until), parent=self).success(
                self._offer_undo(f"Suggestion for {s.hcp_name} snoozed to {until:%d %b}")
            ).run(self.taskman)

        dialog.accepted.connect(snoozed)
        dialog.open()
        return dialog
