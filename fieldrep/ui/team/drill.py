"""Drill down from a rep to an HCP to a call note, under the dashboard's filters.

rep -> the HCPs they contacted in the period (calls, channels, last contact), with the
report's own filtering (`fieldrep.reports.team`), so the list holds exactly the calls the
figures counted -> that HCP's submitted notes by the rep -> the note, with the coaching
comments on it and whether the rep acknowledged them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.calls import CallNote
from fieldrep.domain.enums import CallStatus
from fieldrep.reports.data import TeamData
from fieldrep.reports.team import TeamFilter, _Scope
from fieldrep.services.coaching import CoachingComment
from fieldrep.ui.models import Column, RowTableModel
from fieldrep.ui.signals import emit
from fieldrep.ui.widgets.common import muted, page_header, title
from fieldrep.usecases.planner import HCP_NOT_ON_DEVICE
from fieldrep.workspace import Workspace


@dataclass(frozen=True)
class HcpActivity:
    hcp_id: str
    name: str
    tier: str
    segment: str
    calls: int
    channels: str  # "visit 3, remote 1"
    last_contact: date | None


@dataclass(frozen=True)
class NoteView:
    note: CallNote
    hcp_name: str
    comments: tuple[CoachingComment, ...]
    messages: tuple[str, ...] = ()  # the key messages' titles (an unknown one: its id)


def rep_hcps(data: TeamData, flt: TeamFilter, rep: str) -> list[HcpActivity]:
    """The HCPs `rep` contacted under `flt` (the report's own filter), most calls first.
    Runs on the worker."""
    scope = _Scope(data, replace(flt, reps=(rep,)))
    calls = scope.calls
    if not len(calls):
        return []
    hcps = data.hcps.set_index("id")
    rows = []
    for hcp_id, group in calls.groupby("hcp_id"):
        counts = group["channel"].value_counts()
        info = hcps.loc[hcp_id] if hcp_id in hcps.index else None
        rows.append(
            HcpActivity(
                hcp_id=str(hcp_id),
                name=str(info["name"]) if info is not None else str(hcp_id),
                tier=str(info["tier"]) if info is not None else "",
                segment=str(info["segment"]) if info is not None else "",
                calls=len(group),
                channels=", ".join(f"{c} {n}" for c, n in counts.items()),
                last_contact=max(group["day"]),
            )
        )
    return sorted(rows, key=lambda r: (-r.calls, r.name))


def rep_notes(ws: Workspace, flt: TeamFilter, rep: str, hcp_id: str) -> list[CallNote]:
    """The rep's submitted notes about the HCP in the period, newest first (worker)."""
    return [
        n
        for n in ws.calls.for_hcp(hcp_id)
        if n.author == rep
        and n.status is CallStatus.SUBMITTED
        and n.conflict_of is None
        and flt.start <= n.started_at.date() <= flt.end
    ]


def plural(count: int, noun: str) -> str:
    """ "1 call", "2 calls", "1,204 HCPs"."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def note_view(ws: Workspace, note_id: str) -> NoteView:
    note = ws.calls.get(note_id)
    titles = {m.id: m.title for m in ws.messages.all()} if note.key_messages else {}
    subject = ws.note_subjects.get(note.hcp_id)  # the HCP may have left the team's territories
    return NoteView(
        note, subject.label if subject else HCP_NOT_ON_DEVICE, tuple(ws.coaching.for_call(note_id)),
        tuple(titles.get(m, m) for m in note.key_messages),
    )  # fmt: skip


def activity_frame(rows: list[HcpActivity]) -> pd.DataFrame:
    """The drill-down's HCP list as a table for export."""
    return pd.DataFrame(
        [
            {
                "hcp_id": r.hcp_id,
                "name": r.name,
                "tier": r.tier,
                "segment": r.segment,
                "calls": r.calls,
                "channels": r.channels,
                "last_contact": r.last_contact,
            }
            for r in rows
        ],  # fmt: skip
        columns=["hcp_id", "name", "tier", "segment", "calls", "channels", "last_contact"],
    )


SEGMENT_WIDTH = 90  # px: "relationship builder" elided on a small window
NOTES_MIN_WIDTH = 230  # px: the notes beside the HCP table


class HcpActivityModel(RowTableModel[HcpActivity]):
    NAME, TIER, SEGMENT, CALLS, CHANNELS, LAST = range(6)
    COLUMNS = (
        Column("HCP", lambda r: r.name),
        Column("Tier", lambda r: r.tier),
        Column(
            "Segment",
            lambda r: r.segment.replace("_", " "),
            tooltip=lambda r: r.segment.replace("_", " "),
        ),
        Column("Calls", lambda r: r.calls, align_right=True),
        Column("Channels", lambda r: r.channels, tooltip=lambda r: r.channels),
        Column("Last contact", lambda r: r.last_contact),
    )


def _local(instant: datetime) -> str:
    return instant.strftime("%a %d %b %Y, %H:%M")


def note_html(view: NoteView, when: Any) -> str:
    """The note as the manager reads it, with the coaching on it below."""
    n = view.note
    facts = [f"{n.channel.label}", f"{n.duration_minutes} min"]
    if n.outcome:
        facts.append(f"outcome: {n.outcome.value.replace('_', ' ')}")
    if n.sentiment:
        facts.append(f"sentiment: {n.sentiment.value}")
    parts = [
        f"<h3>{html.escape(view.hcp_name)}</h3>",
        f"<p><b>{_local(n.started_at)}</b> · {html.escape(' · '.join(facts))}</p>",
    ]
    if n.products:
        parts.append(f"<p>Products: {html.escape(', '.join(n.products))}</p>")
    if n.key_messages:
        messages = view.messages or n.key_messages
        parts.append(f"<p>Key messages: {html.escape('; '.join(messages))}</p>")
    parts.append(f"<p>{html.escape(n.insights) or '<i>No insights written.</i>'}</p>")
    if n.follow_ups:
        items = "".join(
            f"<li>{f.due:%d %b}: {html.escape(f.description)}{' (done)' if f.done else ''}</li>"
            for f in n.follow_ups
        )
        parts.append(f"<p>Follow-ups:</p><ul>{items}</ul>")
    if view.comments:
        parts.append("<hr><p><b>Coaching on this call</b></p>")
        for c in view.comments:
            state = (
                f"acknowledged {when(c.acknowledged_at)}" if c.acknowledged_at
                else "not acknowledged yet"
            )  # fmt: skip
            parts.append(
                f"<p><i>{html.escape(c.author)}, {when(c.created_at)} — {state}</i><br>"
                f"{html.escape(c.text)}</p>"
            )
    return "".join(parts)


class RepDrill(QWidget):
    """The rep's page in the team view. The dashboard feeds it rows and notes; it asks
    for them through signals."""

    back = Signal()
    hcp_chosen = Signal(str)  # hcp id
    note_chosen = Signal(str)  # call note id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rep: str | None = None
        self.note: NoteView | None = None
        self.back_button = QPushButton("← Team")
        self.back_button.setToolTip("Back to the team's figures")
        self.heading = title("")
        self.subtitle = muted()
        self.week_button = QPushButton("Comment on the week…")
        self.visit_button = QPushButton("Field-coaching visit…")
        self.summary_button = QPushButton("Coaching summary (PDF)…")
        header = page_header(
            self.back_button,
            self.heading,
            self.subtitle,
            (self.week_button, self.visit_button, self.summary_button),
        )

        self.model = HcpActivityModel()
        self.table = QTableView()
        self.table.setObjectName("drill_hcps")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Names, channels and dates whole; the segment gets a set width (elided on a small
        # window, in full on hover) and the names whatever is left over.
        hh.setSectionResizeMode(HcpActivityModel.SEGMENT, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(HcpActivityModel.SEGMENT, SEGMENT_WIDTH)
        hh.setSectionResizeMode(HcpActivityModel.NAME, QHeaderView.ResizeMode.Stretch)
        hh.setSortIndicatorShown(False)  # listed by calls until the manager sorts
        self.table.selectionModel().currentRowChanged.connect(self._hcp_row)

        self.notes = QListWidget()
        self.notes.setObjectName("drill_notes")
        self.notes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notes.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.notes.currentItemChanged.connect(self._note_item)
        self.note_text = QTextBrowser()
        self.note_text.setObjectName("drill_note")
        self.comment_button = QPushButton("Comment on this call…")
        self.comment_button.setObjectName("primary")
        self.comment_button.setEnabled(False)
        note_box = QWidget()
        note_layout = QVBoxLayout(note_box)
        note_layout.setContentsMargins(0, 0, 0, 0)
        note_layout.addWidget(self.notes, 1)
        note_layout.addWidget(self.note_text, 2)
        note_layout.addWidget(self.comment_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(note_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.split = split
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(split, 1)
        self.back_button.clicked.connect(self.back)

    def show_rep(self, rep: str, rows: list[HcpActivity], period: str) -> None:
        changed = rep != self.rep
        self.rep = rep
        self.heading.setText(rep)
        calls = sum(r.calls for r in rows)
        self.subtitle.setText(f"{period} · {plural(calls, 'call')} with {plural(len(rows), 'HCP')}")
        keep = self.selected_hcp()
        self.model.set_rows(rows)
        self._fit_table()
        if changed or keep is None:
            self.clear_note()
            self.notes.clear()
        else:
            for i, r in enumerate(self.model.rows()):
                if r.hcp_id == keep:
                    self.table.selectRow(i)

    def _fit_table(self) -> None:
        """The HCP table as wide as its columns need (the notes keep NOTES_MIN_WIDTH), so
        a small window does not cut the channels or the dates."""
        total = sum(self.split.sizes())
        if total <= 0:
            return
        hh = self.table.horizontalHeader()
        names = self.table.sizeHintForColumn(HcpActivityModel.NAME)
        want = sum(
            names if c == HcpActivityModel.NAME else hh.sectionSize(c)
            for c in range(self.model.columnCount())
        )
        want += self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth()
        table = max(total * 3 // 5, min(want, total - NOTES_MIN_WIDTH))
        self.split.setSizes([table, total - table])

    def selected_hcp(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()).hcp_id if index.isValid() else None

    def select_hcp(self, hcp_id: str) -> bool:
        for i, r in enumerate(self.model.rows()):
            if r.hcp_id == hcp_id:
                self.table.selectRow(i)
                return True
        return False

    def _hcp_row(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            emit(self.hcp_chosen, self.model.row_at(current.row()).hcp_id)

    def show_notes(self, notes: list[CallNote]) -> None:
        self.notes.blockSignals(True)
        self.notes.clear()
        for n in notes:
            bits = [n.channel.label]
            if n.sentiment:
                bits.append(n.sentiment.value)
            text = f"{n.started_at:%a %d %b, %H:%M} · {' · '.join(bits)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, n.id)
            item.setToolTip(n.insights)
            self.notes.addItem(item)
        self.notes.blockSignals(False)
        self.clear_note()
        if notes:
            self.notes.setCurrentRow(0)

    def select_note(self, note_id: str) -> bool:
        for i in range(self.notes.count()):
            if self.notes.item(i).data(Qt.ItemDataRole.UserRole) == note_id:
                self.notes.setCurrentRow(i)
                return True
        return False

    def _note_item(self, item: QListWidgetItem | None, _previous: Any) -> None:
        if item is not None:
            emit(self.note_chosen, item.data(Qt.ItemDataRole.UserRole))

    def show_note(self, view: NoteView, when: Any) -> None:
        self.note = view
        self.note_text.setHtml(note_html(view, when))
        self.comment_button.setEnabled(True)

    def clear_note(self) -> None:
        self.note = None
        self.note_text.setHtml("<p style='color:gray'>Choose an HCP, then one of the calls.</p>")
        self.comment_button.setEnabled(False)
