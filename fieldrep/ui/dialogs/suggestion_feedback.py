"""Say why a suggestion is wrong (dismiss with a reason), or not now (snooze until)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from fieldrep.domain.enums import DismissReason

REASON_LABELS = {
    DismissReason.WRONG_CHANNEL: "Wrong channel for this HCP",
    DismissReason.WRONG_MESSAGE: "Wrong message",
    DismissReason.WRONG_TIMING: "Wrong timing",
    DismissReason.ALREADY_PLANNED: "Already planned",
    DismissReason.HCP_UNAVAILABLE: "HCP unavailable",
    DismissReason.NOT_RELEVANT: "Not relevant",
    DismissReason.OTHER: "Other",
}


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class DismissDialog(QDialog):
    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dismiss suggestion")
        self.reason = QComboBox()
        self.reason.setObjectName("dismiss_reason")
        for reason, text in REASON_LABELS.items():
            self.reason.addItem(text, reason.value)
        self.comment = QLineEdit(placeholderText="Optional: anything the model should know")
        form = QFormLayout(self)
        label = QLabel(what)
        label.setWordWrap(True)
        form.addRow(label)
        form.addRow("&Why", self.reason)
        form.addRow("&Comment", self.comment)
        form.addRow(_buttons(self, "Dismiss"))

    def values(self) -> tuple[DismissReason, str]:
        return DismissReason(self.reason.currentData()), self.comment.text().strip()


class SnoozeDialog(QDialog):
    def __init__(self, what: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze suggestion")
        default = today + timedelta(days=7)
        self.until = QDateEdit(QDate(default.year, default.month, default.day))
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("ddd dd MMM yyyy")
        tomorrow = today + timedelta(days=1)
        self.until.setMinimumDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        form = QFormLayout(self)
        label = QLabel(what)
        label.setWordWrap(True)
        form.addRow(label)
        form.addRow("&Until", self.until)
        form.addRow(_buttons(self, "Snooze"))

    def value(self) -> date:
        return cast(date, self.until.date().toPython())
