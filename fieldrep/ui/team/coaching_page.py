"""The manager's Coaching page: every comment and field-visit record they sent, to whom,
about what, and whether the rep has acknowledged it (as of the last sync)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.changes import Changes
from fieldrep.domain.errors import NotFoundError
from fieldrep.services.coaching import FIELD_VISIT, CoachingComment
from fieldrep.ui.models import Column, RowTableModel
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.widgets.common import EmptyState, muted, title
from fieldrep.usecases.planner import HCP_NOT_ON_DEVICE
from fieldrep.workspace import Workspace

RELOAD_ON = Changes(coaching=True, sync=True)
ALL_REPS = "All reps"


def subjects(ws: Workspace, comments: Iterable[CoachingComment]) -> dict[str, str]:
    """What each comment is about, in words, with the call named for a comment on a call
    note: "call with DR. BEN ROTH on Tue 24 Nov 2026" (worker)."""
    about: dict[str, str] = {}
    for c in comments:
        about[c.id] = c.subject
        if c.call_note_id and c.kind != FIELD_VISIT:
            try:
                note = ws.calls.get(c.call_note_id)
            except NotFoundError:
                continue  # a note this laptop does not hold (yet): "call note"
            subject = ws.note_subjects.get(note.hcp_id)  # realigned away: its last record
            name = subject.label if subject else HCP_NOT_ON_DEVICE
            about[c.id] = f"call with {name} on {note.started_at:%a %d %b %Y}"
    return about


@dataclass(frozen=True)
class SentRow:
    comment: CoachingComment
    sent: str  # the manager's local date and time
    acknowledged: str  # "Tue 24 Nov 09:12" or "not yet"
    about: str = ""  # "call with DR. BEN ROTH on Tue 24 Nov 2026", "week of 23 Nov 2026"

    @property
    def skills(self) -> str:
        c = self.comment
        if c.kind != FIELD_VISIT:
            return ""
        return ", ".join(f"{k} {v}" for k, v in c.skills.items())


class SentTableModel(RowTableModel[SentRow]):
    REP, SENT, ABOUT, ACK, SKILLS, TEXT = range(6)
    COLUMNS = (
        Column("Rep", lambda r: r.comment.rep_username),
        Column("Sent", lambda r: r.sent),
        Column("About", lambda r: r.about or r.comment.subject, tooltip=lambda r: r.about),
        Column("Acknowledged", lambda r: r.acknowledged),
        Column("Skills (1-5)", lambda r: r.skills, tooltip=lambda r: r.skills),
        Column("Comment", lambda r: r.comment.text, tooltip=lambda r: r.comment.text),
    )


class CoachingPage(QWidget):
    open_rep = Signal(str)
    loaded = Signal()

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.rows: list[SentRow] = []
        self.heading = title("Coaching")
        self.summary = muted()
        self.rep_filter = QComboBox()
        self.rep_filter.addItem(ALL_REPS)
        self.rep_filter.currentIndexChanged.connect(lambda _i: self._fill())
        self.model = SentTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SentTableModel.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SentTableModel.SKILLS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(SentTableModel.SKILLS, 170)  # the ratings in full on hover
        header.setSortIndicatorShown(False)  # newest first until the manager sorts
        self.table.activated.connect(
            lambda i: emit(self.open_rep, self.model.row_at(i.row()).comment.rep_username)
        )
        self.empty = EmptyState(
            "Nothing sent yet. Open a rep on the Team page to comment on a call note or a "
            "week, or to record a field-coaching visit."
        )
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(QLabel("Rep"))
        top.addWidget(self.rep_filter)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        taskman.changed.connect(self._on_changed)

    def reload(self) -> None:
        def load(ws: Workspace) -> tuple[list[CoachingComment], dict[str, str]]:
            comments = ws.coaching.written()
            return comments, subjects(ws, comments)

        Op(load, parent=self).success(self._show).run(self.taskman)

    def _on_changed(self, changes: Changes) -> None:
        if isinstance(changes, Changes) and changes.touches(RELOAD_ON):
            self.reload()

    def _when(self, instant: str | None) -> str:
        if instant is None:
            return "not yet"
        return f"{self.taskman.clock.local(datetime.fromisoformat(instant)):%a %d %b %H:%M}"

    def _show(self, loaded: tuple[list[CoachingComment], dict[str, str]]) -> None:
        comments, about = loaded
        self.rows = [SentRow(c, self._when(c.created_at), self._when(c.acknowledged_at),
                             about.get(c.id, c.subject)) for c in comments]  # fmt: skip
        reps = sorted({c.rep_username for c in comments})
        chosen = self.rep_filter.currentText()
        self.rep_filter.blockSignals(True)
        self.rep_filter.clear()
        self.rep_filter.addItems([ALL_REPS, *reps])
        self.rep_filter.setCurrentText(chosen if chosen in reps else ALL_REPS)
        self.rep_filter.blockSignals(False)
        self._fill()
        emit(self.loaded)

    def _fill(self) -> None:
        rep = self.rep_filter.currentText()
        rows = [r for r in self.rows if rep in (ALL_REPS, r.comment.rep_username)]
        self.model.set_rows(rows)
        acknowledged = sum(1 for r in rows if r.comment.acknowledged)
        self.summary.setText(
            f"{len(rows)} sent · {acknowledged} acknowledged · {len(rows) - acknowledged} "
            "waiting for the rep (as of the last sync)"
        )
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
