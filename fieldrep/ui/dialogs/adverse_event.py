"""The adverse-event report form: prefilled from the call note, checked for the four
elements of a valid report, with its reporting deadline counting down.

"Send to Drug Safety" stores the report as sent and queues it ahead of every other
change (the sync controller syncs at once when it can); "Keep as draft" leaves it on
the laptop, where Today shows it with the time left.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldrep.compliance.adverse_events import SEXES, remaining_text
from fieldrep.domain.changes import Changed
from fieldrep.domain.errors import FieldrepError
from fieldrep.services.adverse_events import AdverseEventReport, AdverseEventService
from fieldrep.ui.errors import message_for, show_error
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager

COUNTDOWN_MS = 30_000


class AdverseEventDialog(QDialog):
    sent = Signal(object)  # AdverseEventReport, once queued for Drug Safety

    def __init__(
        self, taskman: TaskManager, report: AdverseEventReport, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("adverse_event")
        self.setWindowTitle("Report a possible adverse event")
        self.setMinimumWidth(560)
        self.taskman = taskman
        self._report = report
        self.reporter = QLineEdit(report.reporter)
        self.initials = QLineEdit(report.patient_initials, placeholderText="e.g. M.L. (no names)")
        self.age = QLineEdit(report.patient_age, placeholderText="years")
        self.sex = QComboBox()
        for sex in SEXES:
            self.sex.addItem(sex.capitalize(), sex)
        self.sex.setCurrentIndex(max(self.sex.findData(report.patient_sex), 0))
        self.product = QLineEdit(report.product)
        self.onset = QLineEdit(report.onset, placeholderText="e.g. two weeks after starting")
        self.event_text = QPlainTextEdit(report.event)
        self.event_text.setTabChangesFocus(True)
        self.deadline = QLabel("")
        self.deadline.setObjectName("subtitle")
        self.missing = QLabel("")
        self.missing.setObjectName("error")
        self.missing.setWordWrap(True)

        patient = QHBoxLayout()
        patient.addWidget(QLabel("Initials"))
        patient.addWidget(self.initials)
        patient.addWidget(QLabel("Age"))
        patient.addWidget(self.age)
        patient.addWidget(QLabel("Sex"))
        patient.addWidget(self.sex)
        form = QFormLayout()
        form.addRow("&Reporter (HCP)", self.reporter)
        form.addRow("&Patient", patient)
        form.addRow("Suspect &product", self.product)
        form.addRow("&Event", self.event_text)
        form.addRow("Started (&when)", self.onset)

        self.send_button = QPushButton("Send to Drug Safety")
        self.send_button.setObjectName("primary")
        self.draft_button = QPushButton("Keep as draft")
        for b in (self.send_button, self.draft_button):
            b.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.deadline)
        layout.addWidget(
            QLabel(
                "Report every possible adverse event or product complaint you hear of, even "
                "if unsure it is related. Patient: initials, age and sex only."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.missing)
        layout.addLayout(buttons)

        self.send_button.clicked.connect(self.send)
        self.draft_button.clicked.connect(self.keep_draft)
        for editor in (self.reporter, self.initials, self.age, self.product):
            editor.textChanged.connect(self._check)
        self.event_text.textChanged.connect(self._check)
        self.sex.currentIndexChanged.connect(self._check)
        self._countdown = QTimer(self, interval=COUNTDOWN_MS)
        self._countdown.timeout.connect(self._show_deadline)
        self._countdown.start()
        self._show_deadline()
        self._check()

    def report(self) -> AdverseEventReport:
        return replace(
            self._report,
            reporter=self.reporter.text().strip(),
            patient_initials=self.initials.text().strip(),
            patient_age=self.age.text().strip(),
            patient_sex=self.sex.currentData(),
            product=self.product.text().strip(),
            event=self.event_text.toPlainText().strip(),
            onset=self.onset.text().strip(),
        )

    def _show_deadline(self) -> None:
        due = self.taskman.clock.local(self._report.deadline_at)
        left = remaining_text(self._report.deadline_at, self.taskman.clock.now())
        self.deadline.setText(f"Due to Drug Safety by {due:%a %d %b %H:%M} ({left})")

    def _check(self, *_args: object) -> bool:
        problems = AdverseEventService.problems(self.report())
        self.missing.setText(" ".join(p.message for p in problems))
        self.send_button.setToolTip(self.missing.text())
        return not problems

    def send(self) -> None:
        if not self._check():
            return
        report = self.report()
        self.send_button.setEnabled(False)

        def done(result: Changed[AdverseEventReport]) -> None:
            sent = result.value
            self._report = sent
            emit(self.sent, sent)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.send_button.setEnabled(True)
            if isinstance(exc, FieldrepError):
                self.missing.setText(message_for(exc) or str(exc))
            else:
                show_error(self, exc)

        Op(lambda ws: ws.adverse_events.submit(report), parent=self).success(done).failure(
            failed
        ).run(self.taskman)

    def keep_draft(self) -> None:
        report = self.report()
        Op(lambda ws: ws.adverse_events.save_draft(report), parent=self).success(
            lambda _r: self.accept()
        ).run(self.taskman)
