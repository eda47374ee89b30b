"""Coaching from the manager, on the rep's screens: a card listing comments and
field-visit records, each with its one action, Acknowledge (synced back to the manager).

Today shows the comments not yet acknowledged; the HCP page shows the comments on that
HCP's call notes. The card loads on the worker and hides itself when it has nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QWidget

from fieldrep.domain.changes import Changes
from fieldrep.services.coaching import FIELD_VISIT, CoachingComment
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.widgets.common import Card, muted
from fieldrep.workspace import Workspace

RELOAD_ON = Changes(coaching=True, calls=True, sync=True)
ID_ROLE = Qt.ItemDataRole.UserRole
NOTE_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_LIST_HEIGHT = 130


def comment_text(c: CoachingComment, clock_local: Callable[[str], str]) -> str:
    """One line per comment: who, when, about what, the text; skills for a visit."""
    head = f"{c.author} · {clock_local(c.created_at)} · {c.subject}"
    body = c.text
    if c.kind == FIELD_VISIT and c.skills:
        body = ", ".join(f"{k} {v}/5" for k, v in c.skills.items()) + " — " + body
    state = " · acknowledged" if c.acknowledged else ""
    return f"{head}{state}\n{body}"


def comment_html(c: CoachingComment, when: str) -> str:
    """A comment under a call note in the HCP page's history (rich text)."""
    state = "acknowledged" if c.acknowledged else "<b>new</b>"
    return (
        f"<div style='margin-left:12px;color:#35506b'><i>{html.escape(c.author)}, {when}"
        f" ({state}):</i> {html.escape(c.text)}</div>"
    )


class CoachingCard(Card):
    """`load(ws) -> list[CoachingComment]` runs on the worker whenever coaching, calls or
    a sync may have changed what it shows."""

    open_note = Signal(str)  # call note id
    loaded = Signal()

    def __init__(
        self,
        taskman: TaskManager,
        heading: str,
        load: Callable[[Workspace], Sequence[CoachingComment]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(heading, parent)
        self.setObjectName("card")
        self.taskman = taskman
        self._load = load
        self.comments: list[CoachingComment] = []
        self.started = False
        self.hcp_id: str | None = None  # the HCP page's: whose calls are listed
        self.list = QListWidget()
        self.list.setObjectName("coaching")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.hint = muted("Double-click a comment on a call to open the note.")
        self.ack_button = QPushButton("Acknowledge")
        self.ack_button.setToolTip("Tell your manager you have read it (sent at the next sync)")
        self.ack_button.clicked.connect(self.acknowledge_selected)
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.ack_button)
        self.body.addWidget(self.list)
        self.body.addLayout(row)
        self.setVisible(False)
        taskman.changed.connect(self._on_changed)

    def set_loader(self, load: Callable[[Workspace], Sequence[CoachingComment]] | None) -> None:
        self._load = load
        self.started = True
        self.reload()

    def start(self) -> None:
        """The first load (the page's own reload calls this); later ones follow changes."""
        if not self.started:
            self.started = True
            self.reload()

    def reload(self) -> None:
        load = self._load
        if load is None:
            self._show([])
            return
        Op(lambda ws: list(load(ws)), parent=self).success(self._show).run(self.taskman)

    def _on_changed(self, changes: Changes) -> None:
        if self.started and isinstance(changes, Changes) and changes.touches(RELOAD_ON):
            self.reload()

    def _local(self, instant: str) -> str:
        from datetime import datetime

        return f"{self.taskman.clock.local(datetime.fromisoformat(instant)):%a %d %b}"

    def _show(self, comments: list[CoachingComment]) -> None:
        self.comments = comments
        current = self.list.currentItem()
        keep = current.data(ID_ROLE) if current is not None else None
        self.list.clear()
        for c in comments:
            item = QListWidgetItem(comment_text(c, self._local))
            item.setData(ID_ROLE, c.id)
            item.setData(NOTE_ROLE, c.call_note_id or "")
            self.list.addItem(item)
            if c.id == keep:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        # As tall as its comments (up to MAX_LIST_HEIGHT): the page's other cards keep
        # their room on a small screen.
        # Three lines per comment: who and when, and the text wrapped once on a narrow page.
        lines = 3 * self.list.count() * self.list.fontMetrics().lineSpacing()
        self.list.setFixedHeight(min(MAX_LIST_HEIGHT, lines + 2 * self.list.frameWidth() + 4))
        self.setVisible(bool(comments))
        self._enable()
        emit(self.loaded)

    def selected(self) -> CoachingComment | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return next((c for c in self.comments if c.id == item.data(ID_ROLE)), None)

    def _enable(self) -> None:
        c = self.selected()
        me = self.taskman.workspace.username
        self.ack_button.setEnabled(c is not None and not c.acknowledged and c.rep_username == me)

    def acknowledge_selected(self) -> None:
        c = self.selected()
        if c is None or c.acknowledged:
            return
        Op(lambda ws: ws.coaching.acknowledge(c.id), parent=self).run(self.taskman)

    def _activated(self, item: QListWidgetItem) -> None:
        note_id = item.data(NOTE_ROLE)
        if note_id:
            emit(self.open_note, note_id)


def on_hcp_calls(ws: Workspace, hcp_id: str) -> list[CoachingComment]:
    """The comments on an HCP's call notes, newest first (the HCP page's card)."""
    by_note = ws.coaching.for_calls([n.id for n in ws.calls.for_hcp(hcp_id)])
    comments = [c for notes in by_note.values() for c in notes]
    return sorted(comments, key=lambda c: c.created_at, reverse=True)
