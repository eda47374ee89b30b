"""HCP detail: who they are, how they like to be engaged, what to say, what happened.

Everything shown comes from one core call on the worker (`ws.profiles.hcp_profile`), a
frozen `HcpProfile`, then laid out on the UI thread.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.calls import CallNote, Contact
from fieldrep.domain.changes import Changes
from fieldrep.domain.enums import Channel
from fieldrep.domain.errors import NotFoundError
from fieldrep.domain.hcp import Hcp, postal_address
from fieldrep.nba.model import Suggestion
from fieldrep.ui.errors import show_error
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.undo import UndoStack
from fieldrep.ui.widgets.coaching_card import CoachingCard, on_hcp_calls
from fieldrep.ui.widgets.common import Card, EmptyState, chip, muted, page_header, title
from fieldrep.ui.widgets.flow_layout import FlowLayout
from fieldrep.ui.widgets.follow_ups import follow_up_item, tick_to_complete
from fieldrep.ui.widgets.segment_bar import SegmentBar
from fieldrep.usecases.hcp_profile import HcpProfile, SegmentView

log = logging.getLogger(__name__)

# What this page shows: it reloads when an op changes any of it.
RELOAD_ON = Changes(
    calls=True, segments=True, feedback=True, plans=True, hcps=True, sync=True, day=True
)

NO_CALLS = "No calls logged yet. Press Ctrl+N to log the first one."
NO_CALLS_GONE = "No calls of yours with this HCP on this computer."
GONE_NOTICE = (
    "No longer in your territory: the last sync moved this HCP to another territory. "
    "Your calls with them stay in your history."
)


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def _facts(call: CallNote | Contact) -> tuple[str, list[str]]:
    """The heading (when, channel, length) and the facts (products, outcome) shared by a
    rep's own call and a former rep's."""
    when = call.started_at.astimezone().strftime("%a %d %b %Y, %H:%M")
    head = f"<b>{when}</b> · {html.escape(call.channel.label)} · {call.duration_minutes} min"
    bits = []
    if call.products:
        bits.append("Products: " + html.escape(", ".join(call.products)))
    if call.outcome:
        bits.append(f"Outcome: {call.outcome.value.replace('_', ' ')}")
    return head, bits


def _call_html(note: CallNote) -> str:
    head, bits = _facts(note)
    if note.status.value == "draft":
        head += " · <i>draft</i>"
    if note.conflict_of:
        head += " · <i>conflict copy</i>"
    if note.sentiment:
        bits.append(f"Sentiment: {note.sentiment.value}")
    body = " · ".join(bits)
    insights = html.escape(note.insights[:280]) + ("…" if len(note.insights) > 280 else "")
    action = "Continue draft" if note.status.value == "draft" else "Open"
    link = f" · <a href='note:{note.id}'>{action}</a>"
    return f"<p>{head}{link}<br>{body}<br>{insights}</p>"


def _contact_html(contact: Contact) -> str:
    """A call by the HCP's former rep: when, how and how it went; its text is theirs."""
    head, bits = _facts(contact)
    head += f" · <i>by {html.escape(contact.author)}, before this HCP came to your territory</i>"
    return f"<p>{head}<br>{' · '.join(bits)}</p>"


def history_html(calls: Sequence[CallNote], contacts: Sequence[Contact]) -> str:
    """The rep's own calls and the former rep's, newest first."""
    entries = [(n.started_at, _call_html(n)) for n in calls]
    entries += [(c.started_at, _contact_html(c)) for c in contacts]
    entries.sort(key=lambda e: e[0], reverse=True)
    return "<hr>".join(text for _, text in entries)


class HcpDetailPage(QWidget):
    log_call = Signal(str, object)  # hcp id, suggestion or None
    plan_visit = Signal(str, object)
    correct_segment = Signal(str)
    open_draft = Signal(str)  # call note id
    back = Signal()
    loaded = Signal(str)

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.hcp_id: str | None = None
        self.data: HcpProfile | None = None

        self.name = title("")
        self.name.setObjectName("title")
        self.subtitle = muted()
        self.back_button = QPushButton("← Back")
        self.log_button = QPushButton("Log call")
        self.log_button.setObjectName("primary")
        self.plan_button = QPushButton("Plan visit")
        self.segment_button = QPushButton("Correct segment")
        header = page_header(
            self.back_button,
            self.name,
            self.subtitle,
            (self.log_button, self.plan_button, self.segment_button),
        )

        self.profile = Card("Profile and consents")
        self.profile_grid = QGridLayout()
        self.profile_grid.setColumnStretch(1, 1)
        self.profile.body.addLayout(self.profile_grid)
        self.consents_row = FlowLayout()  # chips wrap on a narrow window
        self.profile.body.addLayout(self.consents_row)

        self.segment_card = Card("Segment mix")
        self.segment_bar = SegmentBar()
        self.segment_meta = muted()
        self.tips = QLabel()
        self.tips.setWordWrap(True)
        self.tips.setTextFormat(Qt.TextFormat.RichText)
        self.segment_card.body.addWidget(self.segment_bar)
        self.segment_card.body.addWidget(self.segment_meta)
        self.segment_card.body.addWidget(self.tips)

        self.nba_card = Card("Next best action")
        self.nba_text = QLabel()
        self.nba_text.setWordWrap(True)
        self.nba_text.setTextFormat(Qt.TextFormat.RichText)
        self.nba_card.body.addWidget(self.nba_text)

        self.history_card = Card("Call history")
        self.history = QTextBrowser()
        self.history.setObjectName("timeline")
        self.history.setOpenLinks(False)
        self.history_empty = EmptyState(NO_CALLS)
        self.history_card.body.addWidget(self.history, 1)
        self.history_card.body.addWidget(self.history_empty)
        self.follow_card = Card("Open follow-ups")
        self.follow_list = QListWidget()
        self.follow_list.setMaximumHeight(110)
        self.follow_empty = EmptyState("No open follow-ups.")
        self.undo: UndoStack | None = None  # set by the window
        tick_to_complete(self.follow_list, taskman, lambda: self.undo)
        self.follow_card.body.addWidget(self.follow_list)
        self.follow_card.body.addWidget(self.follow_empty)

        left = QVBoxLayout()
        for card in (self.profile, self.segment_card, self.nba_card):
            left.addWidget(card)
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Reflow, never scroll sideways: the cards' texts wrap to the column's width.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right = QVBoxLayout()
        right.addWidget(self.follow_card)
        # The manager's coaching on this HCP's calls, to acknowledge (issue 12).
        self.coaching = CoachingCard(taskman, "Coaching on these calls")
        self.coaching.open_note.connect(self.open_draft)
        right.addWidget(self.coaching)
        right.addWidget(self.history_card, 1)
        body = QHBoxLayout()
        body.addWidget(scroll, 5)
        body.addLayout(right, 6)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(body, 1)

        self.back_button.clicked.connect(self.back)
        self.log_button.clicked.connect(self._log)
        self.plan_button.clicked.connect(self._plan)
        self.segment_button.clicked.connect(self._correct)
        self.history.anchorClicked.connect(self._history_link)
        taskman.changed.connect(self._on_changed)

    def show_hcp(self, hcp_id: str) -> None:
        self.hcp_id = hcp_id
        if self.coaching.hcp_id != hcp_id:
            self.coaching.hcp_id = hcp_id
            self.coaching.set_loader(lambda ws: on_hcp_calls(ws, hcp_id))
        for button in (self.log_button, self.plan_button, self.segment_button):
            button.setEnabled(True)
        self.history_empty.setText(NO_CALLS)
        Op(lambda ws: ws.profiles.hcp_profile(hcp_id), parent=self).success(self._show).failure(
            lambda exc: self._not_shown(hcp_id, exc)
        ).run(self.taskman)

    def _not_shown(self, hcp_id: str, exc: BaseException) -> None:
        if not isinstance(exc, NotFoundError):
            show_error(self, exc)
            return
        if hcp_id != self.hcp_id:
            return  # the rep already moved on to another HCP
        # A sync realigned the HCP away (this page reloads on every change, shown or not):
        # say so here, once, instead of an error box at each sync and autosave. The calls
        # below stay readable; they are kept (docs/sync-client.md).
        self.hcp_id = None
        name = self.data.hcp.display_name if self.data and self.data.hcp.id == hcp_id else ""
        self.name.setText(name or "HCP not on this computer")
        self.subtitle.setText(GONE_NOTICE)
        for button in (self.log_button, self.plan_button, self.segment_button):
            button.setEnabled(False)
        # Nothing on the page may still offer work on the HCP: no suggestion, no "Ctrl+N".
        self.nba_text.setText("No action: this HCP is no longer in your territory.")
        self.history_empty.setText(NO_CALLS_GONE)

    def _on_changed(self, changes: Changes) -> None:
        if self.hcp_id and changes.touches(RELOAD_ON):
            self.show_hcp(self.hcp_id)

    # Slots return None: PySide6 6.12 drops a reference to any other return value.
    def _log(self) -> None:
        if self.hcp_id:
            emit(self.log_call, self.hcp_id, None)

    def _correct(self) -> None:
        if self.hcp_id:
            emit(self.correct_segment, self.hcp_id)

    def _plan(self) -> None:
        if self.hcp_id:
            shown = self.data.suggestion if self.data else None
            emit(self.plan_visit, self.hcp_id, accepted_by_planning(shown))

    def _history_link(self, url: QUrl) -> None:
        # Links are "note:<id>"; drafts reopen for editing, submitted notes read-only.
        if url.scheme() == "note":
            emit(self.open_draft, url.path())

    # -- rendering -----------------------------------------------------------------
    def _show(self, data: HcpProfile) -> None:
        if data.hcp.id != self.hcp_id:
            return  # the rep already moved on to another HCP
        self.data = data
        hcp = data.hcp
        self.name.setText(hcp.display_name)
        self.subtitle.setText(
            " · ".join(p for p in (hcp.specialty, hcp.organisation, hcp.city) if p)
        )
        self._show_profile(hcp)
        self._show_segments(data.segments)
        self._show_nba(data)
        self._show_history(data.calls, data.contacts)
        emit(self.loaded, hcp.id)

    def _show_profile(self, hcp: Hcp) -> None:
        _clear(self.profile_grid)
        facts = [
            ("Tier / decile", f"{hcp.tier} / {hcp.decile}"),
            ("Address", postal_address(hcp)),
            # 0 is what master data without a figure stores: no practising HCP sees none.
            ("Patients / month", f"{hcp.patient_volume:,}" if hcp.patient_volume else "not known"),
            ("Prefers", hcp.preferred_channel.label if hcp.preferred_channel else "not known"),
        ]
        if hcp.npi:
            facts.append(("NPI", hcp.npi))
        for row, (key, value) in enumerate(facts):
            k = muted(key)
            v = QLabel(value)
            v.setWordWrap(True)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.profile_grid.addWidget(k, row, 0, Qt.AlignmentFlag.AlignTop)
            self.profile_grid.addWidget(v, row, 1)
        _clear(self.consents_row)
        if hcp.do_not_contact:
            self.consents_row.addWidget(chip("Do not contact", ok=False))
        else:
            for channel in Channel:
                ok = hcp.has_consent(channel)
                if ok and channel.value not in hcp.consents:
                    # Allowed without an opt-in (visits), but no consent is recorded: the
                    # chip must not look like one.
                    neutral = chip(f"{channel.value}: no consent on record")
                    neutral.setToolTip(f"{channel.label} needs no opt-in; none is recorded.")
                    self.consents_row.addWidget(neutral)
                    continue
                if ok:
                    self.consents_row.addWidget(chip(f"✓ {channel.value}", ok=True))
                    continue
                # Both block the channel, but a refusal and a missing opt-in are not the
                # same fact: the rep may ask for the one, never for the other.
                refused = channel.value in hcp.consents
                no = chip(
                    f"✗ {channel.value}" + (": refused" if refused else ": no opt-in"), ok=False
                )
                no.setToolTip(
                    f"The HCP said no to {channel.label.lower()}."
                    if refused
                    else f"{channel.label} needs an opt-in; none is on record."
                )
                self.consents_row.addWidget(no)

    def _show_segments(self, view: SegmentView) -> None:
        self.segment_bar.set_parts(list(view.parts))
        if not view.top:  # too few contacts, or no catalogue: say so, never a made-up pair
            self.segment_bar.set_parts([])
            self.segment_meta.setText(view.evidence[-1] if view.evidence else "Not known yet.")
            self.tips.setText("")
            return
        source = {"rep": "your correction", "server": "from the server", "estimate": "estimated"}
        meta = f"Confidence {view.confidence:.0%} ({source.get(view.source, view.source)})"
        if view.evidence:
            meta += " · " + view.evidence[-1]
        self.segment_meta.setText(meta)
        self.segment_meta.setToolTip("\n".join(view.evidence))
        blocks = []
        for segment, weight in view.top[:2]:
            tips = "".join(f"<li>{html.escape(t)}</li>" for t in segment.tips[:3])
            blocks.append(
                f"<p style='margin:4px 0'><b>{html.escape(segment.name)}</b> ({weight:.0%}) — "
                f"tone: {html.escape(segment.tone.rstrip('.'))}; "
                f"evidence: {html.escape(segment.evidence_type)}"
                f"<ul style='margin:2px 0 2px -20px'>{tips}</ul></p>"
            )
        self.tips.setText("".join(blocks))

    def _show_nba(self, data: HcpProfile) -> None:
        s = data.suggestion
        if s is None:
            if data.blocked:
                why = "".join(f"<li>{html.escape(b)}</li>" for b in data.blocked)
                self.nba_text.setText(f"No action suggested now:<ul>{why}</ul>")
            else:
                self.nba_text.setText("No action suggested for this HCP right now.")
            return
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in s.reasons)
        message = f" with “{html.escape(s.message_title)}”" if s.message_title else ""
        self.nba_text.setText(
            f"<b>{html.escape(s.channel.label)}</b>{message}, by {s.due:%a %d %b}"
            f"{' (exploring)' if s.exploratory else ''}<ul>{reasons}</ul>"
            f"<span style='color:gray'>Based on data as of {s.data_as_of}</span>"
        )

    def _show_history(self, calls: Sequence[CallNote], contacts: Sequence[Contact]) -> None:
        self.follow_list.blockSignals(True)
        self.follow_list.clear()
        today = self.taskman.clock.today()
        self.history.setHtml(history_html(calls, contacts))
        for note in calls:
            for index, f in enumerate(note.follow_ups):
                if not f.done:
                    overdue = " — overdue" if f.due < today else ""
                    text = f"{f.due:%d %b}: {f.description}{overdue}"
                    self.follow_list.addItem(follow_up_item(text, note.id, index, note.hcp_id))
        self.follow_list.blockSignals(False)
        self.history.setVisible(bool(calls or contacts))
        self.history_empty.setVisible(not (calls or contacts))
        self.follow_list.setVisible(self.follow_list.count() > 0)
        self.follow_empty.setVisible(self.follow_list.count() == 0)


def accepted_by_planning(shown: Suggestion | None) -> Suggestion | None:
    """The suggestion that planning a visit from the HCP page takes up: only a suggested
    visit. Planning a visit while an e-mail is suggested is the rep's own choice, and the
    manager's figures must not count it as an accepted suggestion."""
    return shown if shown is not None and shown.channel is Channel.VISIT else None
