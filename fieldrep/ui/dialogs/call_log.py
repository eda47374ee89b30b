"""Log a call: prefilled, keyboard-first, autosaved; submitted notes are read-only.

The dialog mints the draft's id when it opens; every save is one core call that
creates or updates the note under that id (`calls.save_draft`, an upsert), so a save
queued before the previous one answered never creates a second draft. Submit saves the
last edits and locks the note in one transaction (`calls.submit(note_id, draft)`).
Ctrl+Return submits; Esc closes and keeps the draft.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import cast

from PySide6.QtCore import QDate, QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldrep.compliance.call_record import RecordProblem
from fieldrep.compliance.findings import Family, blocking_reason
from fieldrep.domain.calls import (
    MAX_DURATION_MINUTES,
    CallDraft,
    CallNote,
    FollowUp,
    overlap_warning,
    submission_problems,
)
from fieldrep.domain.changes import Changed
from fieldrep.domain.enums import Channel, Outcome, Sentiment
from fieldrep.domain.errors import FieldrepError
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.segments import ApprovedMessage
from fieldrep.nba.model import Suggestion
from fieldrep.services.adverse_events import AdverseEventReport
from fieldrep.services.calls import CONFLICT_COPY_NOT_SUBMITTED
from fieldrep.store.values import new_id
from fieldrep.ui.dialogs.adverse_event import AdverseEventDialog
from fieldrep.ui.dialogs.call_log_widgets import (
    FitFormLayout,
    WholeDateTimeEdit,
    checkable,
    checked_values,
    hcp_name_html,
)
from fieldrep.ui.dialogs.note_checks import NoteChecks, RecordHints
from fieldrep.ui.errors import message_for, show_error
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.widgets.common import WrappingLabel
from fieldrep.usecases.contact_rules import ContactCheck
from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)

AUTOSAVE_MS = 3000
FOLLOW_UP_DAYS = 14
TALL_DIALOG_PX = 720
OVERLAP_CHECK_MS = 400
NOT_SUBMITTED = "Not submitted yet:"


class CallLogDialog(QDialog):
    saved = Signal(object)  # CallNote after each save
    submitted = Signal(object)  # CallNote once submitted

    def __init__(
        self,
        taskman: TaskManager,
        hcp: Hcp,
        messages: list[ApprovedMessage],
        *,
        note: CallNote | None = None,
        suggestion: Suggestion | None = None,
        territory_notice: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.territory_notice = territory_notice  # the HCP has left the territory
        self.setObjectName("call_log")
        self.taskman = taskman
        self.hcp = hcp
        self.messages = messages
        self.suggestion = suggestion
        self.note = note
        self.read_only = bool(note and note.is_locked)
        self.is_copy = bool(note and note.conflict_of)  # a conflict copy: never submitted
        # The draft's id, minted here: every save is an upsert on it (calls.save_draft),
        # so saves queued one behind the other can never create two notes.
        self.note_id = note.id if note else new_id()
        self._dirty = False
        self.setWindowTitle(
            f"Call with {hcp.display_name}" + (" — submitted, read-only" if self.read_only else "")
        )
        self.setMinimumWidth(620)
        self._build()
        self._prefill()
        if self.is_copy and not self.read_only:
            self.error.setText(CONFLICT_COPY_NOT_SUBMITTED)
            self.submit_button.setEnabled(False)
        self._use_spare_height()
        self._connect_dirty()
        self._connect_checks()
        if suggestion is not None and note is None:
            # Opened from an accepted suggestion: the prefilled call is the task itself,
            # so closing at once (Esc) keeps it as a draft instead of losing it.
            self._mark_dirty()
        self._autosave = QTimer(self, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_if_dirty)
        if not self.read_only:
            self._autosave.start()

    # -- layout --------------------------------------------------------------------
    def _build(self) -> None:
        self.started = WholeDateTimeEdit()
        self.started.setCalendarPopup(True)
        self.started.setDisplayFormat("ddd dd MMM yyyy  HH:mm")
        self.duration = QSpinBox()
        self.duration.setRange(1, MAX_DURATION_MINUTES)
        self.duration.setSuffix(" min")
        self.channel = QComboBox()
        for channel in Channel:
            self.channel.addItem(channel.label, channel.value)
        # Consent, do-not-contact and the contact rules for this HCP and channel, in the
        # Next best action panel's words (docs/compliance.md, "Contact rules").
        self.contact_hint = WrappingLabel("")  # two lines at 1024 px
        self.contact_hint.setObjectName("error")
        policy = self.contact_hint.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the form does not jump when it comes
        self.contact_hint.setSizePolicy(policy)
        self.contact_hint.hide()
        self._contact_check: ContactCheck | None = None
        self.products = QListWidget()
        self.products.setObjectName("products")
        self.key_messages = QListWidget()
        self.key_messages.setObjectName("key_messages")
        for lst in (self.products, self.key_messages):
            lst.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Three products fit exactly; the catalogue's key messages get at least four
        # lines and share any spare height of a taller dialog with the insights box.
        row = self.products.fontMetrics().lineSpacing()  # list lines carry no padding
        frame = 2 * self.products.frameWidth() + 4
        self.products.setMaximumHeight(3 * row + frame)
        self.key_messages.setMinimumHeight(5 * row + frame)
        self.key_messages.setMaximumHeight(12 * row + frame)
        self.attendees = QLineEdit(placeholderText="Other people present, comma-separated")
        self.outcome = QComboBox()
        self.outcome.addItem("—", None)
        for o in Outcome:
            self.outcome.addItem(o.value.replace("_", " ").capitalize(), o.value)
        self.sentiment = QComboBox()
        self.sentiment.addItem("—", None)
        for s in Sentiment:
            self.sentiment.addItem(s.value.capitalize(), s.value)
        self.insights = QPlainTextEdit()
        self.insights.setObjectName("insights")
        self.insights.setTabChangesFocus(True)  # Tab leaves the box: keyboard-only use
        self.insights.setPlaceholderText("What did you learn? Objections, questions, commitments…")
        self.insights.setMinimumHeight(90)
        # What the record lacks, next to its field; the note's findings beside it.
        self.record_hints = RecordHints()
        self.checks = NoteChecks(self.insights, self.taskman, self)
        self.checks.changed.connect(self._findings_changed)
        self.checks.report_requested.connect(self.report_adverse_event)
        self.ae_dialog: AdverseEventDialog | None = None
        self.follow_up = QLineEdit(placeholderText="Follow-up (optional), e.g. send renal data")
        self.follow_up_due = QDateEdit()
        self.follow_up_due.setCalendarPopup(True)
        self.follow_up_due.setDisplayFormat("ddd dd MMM yyyy")

        when = QHBoxLayout()
        when.addWidget(self.started, 1)
        duration_label = QLabel("D&uration")
        duration_label.setBuddy(self.duration)
        when.addWidget(duration_label)
        when.addWidget(self.duration)
        rating = QHBoxLayout()
        rating.addWidget(self.outcome, 1)
        rating.addWidget(QLabel("Sentiment"))
        rating.addWidget(self.sentiment, 1)
        follow = QHBoxLayout()
        follow.addWidget(self.follow_up, 1)
        follow.addWidget(QLabel("due"))
        follow.addWidget(self.follow_up_due)

        form = FitFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Labels with mnemonics (Alt+letter) jump to their field: keyboard-only use.
        for text, field, buddy in (
            ("&Start", when, self.started),
            ("C&hannel", self.channel, self.channel),
            ("&Products", self.products, self.products),
            ("&Key messages", self.key_messages, self.key_messages),
            ("&Attendees", self.attendees, self.attendees),
            ("&Outcome", rating, self.outcome),
            ("&Insights", self.checks.row(), self.insights),
            ("&Follow-up", follow, self.follow_up),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, field)
            hint = self.record_hints.labels.get(text.replace("&", "").lower())
            if hint is not None:
                form.addRow("", hint)
            if buddy is self.channel:
                form.addRow("", self.contact_hint)

        self.header = QLabel(f"Call with <b>{hcp_name_html(self.hcp)}</b>")
        self.header.setObjectName("subtitle")
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.save_button = QPushButton("Save draft")
        self.submit_button = QPushButton("Submit  (Ctrl+Enter)")
        self.submit_button.setObjectName("primary")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (self.save_button, self.submit_button, self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)

        # The form scrolls inside the dialog on a short screen (1024x640): the header and
        # Submit / Close stay in sight whatever the height.
        form_box = QWidget()
        form_box.setLayout(form)
        self.form_scroll = QScrollArea()
        self.form_scroll.setWidget(form_box)
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_scroll.setMinimumHeight(160)
        # A note about an HCP realigned away: say so before the rep reads or edits it.
        self.notice = QLabel(self.territory_notice)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(bool(self.territory_notice))
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.notice)
        layout.addWidget(self.form_scroll, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self.products.itemChanged.connect(lambda _i: self._refill_messages())
        self.save_button.clicked.connect(self.save_now)
        self.submit_button.clicked.connect(self.submit)
        self.close_button.clicked.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.submit)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_now)

    def _use_spare_height(self) -> None:
        """Open taller than the minimum where the screen allows (up to 720 px), so the
        key messages and the insights box show more lines without scrolling."""
        screen = self.screen()
        if screen is None:
            return
        room = int(screen.availableGeometry().height() * 0.9)
        hint = self.sizeHint()
        inner = self.form_scroll.widget()
        form = (inner.sizeHint().height() if inner else 0) + 130  # header, error, buttons
        self.resize(max(hint.width(), 640), min(room, max(form, TALL_DIALOG_PX)))

    def _prefill(self) -> None:
        note, s = self.note, self.suggestion
        products = sorted({m.product for m in self.messages})
        if note is not None:
            start = self.taskman.clock.local(note.started_at)
            duration, channel = note.duration_minutes, note.channel
            chosen_products, chosen_messages = set(note.products), set(note.key_messages)
        else:
            start = self.taskman.clock.local_now().replace(second=0, microsecond=0)
            duration, channel = 15, self._default_channel()
            chosen_products, chosen_messages = set(), set()
            if s is not None and s.message_id:
                chosen_messages.add(s.message_id)
                chosen_products |= {m.product for m in self.messages if m.id == s.message_id}
        self.started.setDateTime(QDateTime(start.replace(tzinfo=None)))
        self.duration.setValue(duration)
        self.channel.setCurrentIndex(max(self.channel.findData(channel.value), 0))
        for product in products:
            self.products.addItem(checkable(product, product, product in chosen_products))
        self._chosen_messages = chosen_messages
        self._refill_messages()
        due = self.taskman.clock.today() + timedelta(days=FOLLOW_UP_DAYS)
        if note is not None:
            self.attendees.setText(", ".join(note.attendees))
            self.outcome.setCurrentIndex(
                max(self.outcome.findData(note.outcome and note.outcome.value), 0)
            )
            self.sentiment.setCurrentIndex(
                max(self.sentiment.findData(note.sentiment and note.sentiment.value), 0)
            )
            self.insights.setPlainText(note.insights)
            if note.follow_ups:
                self.follow_up.setText(note.follow_ups[0].description)
                due = note.follow_ups[0].due
        self.follow_up_due.setDate(QDate(due.year, due.month, due.day))
        if self.read_only:
            self._make_read_only()
        else:
            self.insights.setFocus()

    def _default_channel(self) -> Channel:
        if self.suggestion is not None:
            return self.suggestion.channel
        preferred = self.hcp.preferred_channel
        if preferred is not None and self.hcp.has_consent(preferred):
            return preferred
        return Channel.VISIT

    def _refill_messages(self) -> None:
        # Keep ticks across product changes; show only messages of ticked products.
        if self.key_messages.count():
            shown = {
                self.key_messages.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.key_messages.count())
            }
            self._chosen_messages = (self._chosen_messages - shown) | set(
                checked_values(self.key_messages)
            )
        products = set(checked_values(self.products))
        self.key_messages.blockSignals(True)
        self.key_messages.clear()
        for m in self.messages:
            if m.product in products:
                self.key_messages.addItem(
                    checkable(f"{m.product}: {m.title}", m.id, m.id in self._chosen_messages)
                )
        if not products:
            placeholder = QListWidgetItem("Tick a product to see its approved messages")
            placeholder.setFlags(Qt.ItemFlag.ItemIsEnabled)  # readable, not greyed out
            self.key_messages.addItem(placeholder)
        self.key_messages.blockSignals(False)

    def _make_read_only(self) -> None:
        for editor in (self.started, self.duration, self.follow_up_due):
            editor.setReadOnly(True)
        for w in (self.channel, self.outcome, self.sentiment, self.products, self.key_messages):
            w.setEnabled(False)
        self.attendees.setReadOnly(True)
        self.insights.setReadOnly(True)
        self.follow_up.setReadOnly(True)
        # Read-only text looks it: the window's grey, not the white of a typeable field.
        for field in (self.started, self.duration, self.follow_up_due, self.attendees,
                      self.insights, self.follow_up):  # fmt: skip
            palette = field.palette()
            palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
            field.setPalette(palette)
        self.save_button.hide()
        self.submit_button.hide()
        submitted = self.note.submitted_at if self.note else None
        when = self.taskman.clock.local(submitted).strftime("%d %b %Y %H:%M") if submitted else ""
        self.status.setText(f"Submitted {when}. Locked: log a new call to add to it.")

    def _connect_dirty(self) -> None:
        mark = self._mark_dirty
        self.started.dateTimeChanged.connect(mark)
        self.duration.valueChanged.connect(mark)
        self.channel.currentIndexChanged.connect(mark)
        self.products.itemChanged.connect(mark)
        self.key_messages.itemChanged.connect(mark)
        self.attendees.textChanged.connect(mark)
        self.outcome.currentIndexChanged.connect(mark)
        self.sentiment.currentIndexChanged.connect(mark)
        self.insights.textChanged.connect(mark)
        self.follow_up.textChanged.connect(mark)
        self.follow_up_due.dateChanged.connect(mark)

    def _mark_dirty(self, *_args: object) -> None:
        if not self.read_only:
            self._dirty = True
            self.status.setText("Unsaved changes")

    # -- checks as the rep types -----------------------------------------------------
    def _connect_checks(self) -> None:
        self._tried_submit = False
        self._overlap_timer = QTimer(self, singleShot=True, interval=OVERLAP_CHECK_MS)
        self._overlap_timer.timeout.connect(self._check_overlaps)
        if self.read_only:
            return
        for signal in (
            self.started.dateTimeChanged,
            self.duration.valueChanged,
            self.channel.currentIndexChanged,
            self.products.itemChanged,
            self.outcome.currentIndexChanged,
        ):
            signal.connect(self._update_record_hints)
        self.started.dateTimeChanged.connect(self._overlap_timer.start)
        self.duration.valueChanged.connect(self._overlap_timer.start)
        self.checks.load()
        self._update_record_hints()
        self._overlap_timer.start()
        self._contact_timer = QTimer(self, singleShot=True, interval=OVERLAP_CHECK_MS)
        self._contact_timer.timeout.connect(self._check_contact_rules)
        self.channel.currentIndexChanged.connect(self._contact_timer.start)
        self.started.dateTimeChanged.connect(self._contact_timer.start)
        self._contact_timer.start()

    def _check_contact_rules(self) -> None:
        draft = self.draft()
        day = self.taskman.clock.local(draft.started_at).date()
        Op(
            lambda ws: ws.contact_rules.check(draft.hcp_id, draft.channel, day), parent=self
        ).success(self._show_contact_rules).run(self.taskman)

    def _show_contact_rules(self, check: ContactCheck) -> None:
        self._contact_check = check
        self.contact_hint.setText(" ".join(check.sentences))
        self.contact_hint.setVisible(bool(check.sentences))

    def record_problems(self) -> list[RecordProblem]:
        """What stops this call from being submitted now (the server's rules too)."""
        return submission_problems(self.draft(), now=self.taskman.clock.now())

    def _update_record_hints(self, *_args: object) -> None:
        self.record_hints.show(self.record_problems(), missing_too=self._tried_submit)

    def _check_overlaps(self) -> None:
        draft, exclude = self.draft(), self.note.id if self.note else None
        Op(lambda ws: ws.calls.overlapping(draft, exclude), parent=self).success(
            self._show_overlaps
        ).run(self.taskman)

    def _show_overlaps(self, notes: list[CallNote]) -> None:
        self.record_hints.warnings.pop("start", None)
        if notes:
            self.record_hints.warnings["start"] = overlap_warning(notes, self.taskman.clock.local)
        self._update_record_hints()

    def _findings_changed(self) -> None:
        reason = blocking_reason(self.checks.blocking())
        self.submit_button.setEnabled(reason is None and not self.read_only and not self.is_copy)
        self.submit_button.setToolTip(reason or "")
        if reason is None and self.error.text().startswith(NOT_SUBMITTED):
            self.error.setText("")

    def _ready_to_submit(self) -> bool:
        """True when nothing stops a submit; otherwise say what to fix, next to each
        field and under the form, and submit nothing."""
        self._tried_submit = True
        if self.checks.checker is not None:
            self.checks.run()  # the text as it is now, not as of the last pause
        problems = self.record_problems()
        self.record_hints.show(problems, missing_too=True)
        reasons = [p.message for p in problems]
        blocking = blocking_reason(self.checks.blocking())
        if blocking is not None:
            reasons.append(blocking)
        refusal = self._contact_check.refusal if self._contact_check else None
        if refusal is not None:  # the core refuses it too (CallService)
            reasons.append(refusal)
        if reasons:
            self.error.setText(f"{NOT_SUBMITTED} {' '.join(reasons)}")
            return False
        return True

    # -- adverse events --------------------------------------------------------------
    def report_adverse_event(self, _findings: object = None) -> None:
        """Save the note, then open a report drafted from it (or its unsent draft)."""
        if self.read_only:
            if self.note is not None:
                self._open_ae_report(self.note, again=True)
            return
        draft, note_id, reporter = self.draft(), self.note_id, self.hcp.display_name

        def work(ws: Workspace) -> Changed[tuple[CallNote, AdverseEventReport | None]]:
            saved = ws.calls.save_draft(note_id, draft)
            report = ws.adverse_events.report_for_note(saved.value, reporter, again=True)
            return Changed((saved.value, report), saved.changes)

        def saved(result: Changed[tuple[CallNote, AdverseEventReport | None]]) -> None:
            self.note, report = result.value
            self._show_ae_form(report)

        Op(work, parent=self).success(saved).run(self.taskman)

    def _open_ae_report(self, note: CallNote, *, again: bool) -> None:
        reporter = self.hcp.display_name
        Op(
            lambda ws: ws.adverse_events.report_for_note(note, reporter, again=again),
            parent=self,
        ).success(self._show_ae_form).run(self.taskman)

    def _show_ae_form(self, report: AdverseEventReport | None) -> None:
        if report is None:
            return  # already sent for this note
        parent = self if self.isVisible() else self.parentWidget()
        self.ae_dialog = AdverseEventDialog(self.taskman, report, parent=parent)
        self.ae_dialog.open()

    # -- the draft -----------------------------------------------------------------
    def draft(self) -> CallDraft:
        started = self.taskman.clock.local(cast(datetime, self.started.dateTime().toPython()))
        follow_ups: tuple[FollowUp, ...] = ()
        if self.follow_up.text().strip():
            follow_ups = (
                FollowUp(
                    self.follow_up.text().strip(), cast(date, self.follow_up_due.date().toPython())
                ),
            )
        outcome, sentiment = self.outcome.currentData(), self.sentiment.currentData()
        products = checked_values(self.products)
        # messages ticked earlier under a product still ticked stay chosen while hidden
        kept = {m.id for m in self.messages if m.product in products} & self._chosen_messages
        return CallDraft(
            hcp_id=self.hcp.id,
            channel=Channel(self.channel.currentData()),
            started_at=started,
            duration_minutes=self.duration.value(),
            products=tuple(products),
            key_messages=tuple(sorted(set(checked_values(self.key_messages)) | kept)),
            attendees=tuple(a.strip() for a in self.attendees.text().split(",") if a.strip()),
            outcome=Outcome(outcome) if outcome else None,
            sentiment=Sentiment(sentiment) if sentiment else None,
            insights=self.insights.toPlainText(),
            follow_ups=follow_ups,
            suggestion_id=self.suggestion.id
            if self.suggestion is not None
            else (self.note.suggestion_id if self.note else None),
        )

    def save_if_dirty(self) -> None:
        if self._dirty and not self.read_only:
            self.save_now()

    def save_now(self) -> None:
        if self.read_only:
            return
        draft, note_id = self.draft(), self.note_id
        self._dirty = False
        self.status.setText("Saving…")

        def saved(result: Changed[CallNote]) -> None:
            note = self.note = result.value
            self.error.setText("")
            self.status.setText(f"Draft saved {self.taskman.clock.local_now():%H:%M:%S}")
            emit(self.saved, note)

        def failed(exc: BaseException) -> None:
            self._dirty = True  # try again at the next tick
            if isinstance(exc, FieldrepError):
                self.error.setText(f"Draft not saved yet: {exc}")
                self.status.setText("")
            else:
                show_error(self, exc)

        Op(lambda ws: ws.calls.save_draft(note_id, draft), parent=self).success(saved).failure(
            failed
        ).run(self.taskman)

    def submit(self) -> None:
        if self.is_copy:  # Ctrl+Enter too (the core would refuse it as well)
            self.error.setText(CONFLICT_COPY_NOT_SUBMITTED)
            return
        if self.read_only or not self._ready_to_submit():
            return
        self._autosave.stop()
        draft, note_id = self.draft(), self.note_id
        self._dirty = False
        self.submit_button.setEnabled(False)
        self.status.setText("Submitting…")

        def done(result: Changed[CallNote]) -> None:
            note = self.note = result.value
            self.read_only = True
            emit(self.submitted, note)
            if self.checks.of_family(Family.ADVERSE_EVENT):
                self._open_ae_report(note, again=False)  # not yet reported: now
            self.accept()

        def failed(exc: BaseException) -> None:
            self.submit_button.setEnabled(True)
            self._dirty = True
            self._autosave.start()
            self.status.setText("")
            text = message_for(exc)
            if isinstance(exc, FieldrepError):
                self.error.setText(text or "")
            else:
                show_error(self, exc)

        Op(lambda ws: ws.calls.submit(note_id, draft), parent=self).success(done).failure(
            failed
        ).run(self.taskman)

    # -- closing keeps the draft -----------------------------------------------------
    def reject(self) -> None:
        """Esc, Close and the window's close button all end here: keep what was typed."""
        self._autosave.stop()
        if self._dirty and not self.read_only:
            self.save_now()  # queued on the worker; it completes after the window closes
        super().reject()
