"""Plan (or move) a visit: day, time, channel, duration, note."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import cast

from PySide6.QtCore import QDate, QTime, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from fieldrep.domain.enums import Channel
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.widgets.common import WrappingLabel
from fieldrep.usecases.contact_rules import ContactCheck


class PlanVisitDialog(QDialog):
    def __init__(
        self,
        hcp_name: str,
        *,
        today: date,
        day: date | None = None,
        at: time | None = None,
        channel: Channel = Channel.VISIT,
        duration: int = 30,
        moving: bool = False,
        parent: QWidget | None = None,
        hcp_id: str | None = None,
        taskman: TaskManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(("Move visit with " if moving else "Plan visit with ") + hcp_name)
        day = day or today + timedelta(days=1)
        self.day = QDateEdit(QDate(day.year, day.month, day.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd dd MMM yyyy")
        self.timed = QCheckBox("at a set time")
        self.time = QTimeEdit(QTime(9, 0) if at is None else QTime(at.hour, at.minute))
        self.time.setDisplayFormat("HH:mm")
        self.timed.setChecked(at is not None)
        self.time.setEnabled(at is not None)
        self.timed.toggled.connect(self.time.setEnabled)
        self.channel = QComboBox()
        for c in Channel:
            self.channel.addItem(c.label, c.value)
        self.channel.setCurrentIndex(self.channel.findData(channel.value))
        self.channel.setEnabled(not moving)
        self.duration = QSpinBox()
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(" min")
        self.duration.setValue(duration)
        self.duration.setEnabled(not moving)
        self.notes = QLineEdit(placeholderText="Optional note for the visit")
        self.notes.setEnabled(not moving)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Day", self.day)
        form.addRow(self.timed, self.time)
        form.addRow("&Channel", self.channel)
        # The contact rules the visit runs into (consent, do-not-contact, minimum gap,
        # caps, quiet period), in the Next best action panel's words.
        # (a wrapping label that keeps all its lines: "Last face-to-face visit yesterday;
        # the minimum gap is 14 days (allowed again from ...)" was cut after "the")
        self.rules = WrappingLabel("")
        self.rules.setObjectName("error")
        self.rules.setMinimumWidth(360)
        form.addRow("", self.rules)
        form.addRow("D&uration", self.duration)
        form.addRow("&Note", self.notes)
        form.addRow(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._hcp_id, self._taskman = hcp_id, taskman
        self.check: ContactCheck | None = None
        if hcp_id is not None and taskman is not None and not moving:
            self._check_timer = QTimer(self, singleShot=True, interval=150)
            self._check_timer.timeout.connect(self._check_rules)
            self.day.dateChanged.connect(self._check_timer.start)
            self.channel.currentIndexChanged.connect(self._check_timer.start)
            self._check_rules()

    def _check_rules(self) -> None:
        hcp_id, taskman = self._hcp_id, self._taskman
        if hcp_id is None or taskman is None:
            return
        day, _at, channel, *_ = self.values()
        Op(lambda ws: ws.contact_rules.check(hcp_id, channel, day), parent=self).success(
            self._show_rules
        ).run(taskman)

    def _show_rules(self, check: ContactCheck) -> None:
        self.check = check
        self.rules.setText(" ".join(check.sentences))
        # Refused in the core too (PlanService); the button says so before the rep tries.
        self.ok_button.setEnabled(check.refusal is None)
        self.ok_button.setToolTip(check.refusal or "")

    def values(self) -> tuple[date, time | None, Channel, int, str]:
        at = cast(time, self.time.time().toPython()) if self.timed.isChecked() else None
        return (
            cast(date, self.day.date().toPython()),
            at,
            Channel(self.channel.currentData()),
            self.duration.value(),
            self.notes.text().strip(),
        )
