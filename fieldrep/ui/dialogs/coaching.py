"""The manager's coaching dialogs: a comment (on a call note, on a rep's week, or
general) and a field-coaching visit with a few rated skills.

Both only collect what the manager typed; the window sends it through
`ws.coaching.leave` / `ws.coaching.record_field_visit` on the worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldrep.services.coaching import MAX_COMMENT_CHARS, RATINGS, SKILLS

NOT_RATED = "not rated"
DATE_FORMAT = "ddd dd MMM yyyy"  # Qt's spelling of the app's "%a %d %b %Y"


@dataclass(frozen=True)
class CoachingInput:
    """What the manager entered, read on the UI thread and handed to the worker."""

    text: str
    day: date | None = None
    skills: dict[str, int] = field(default_factory=dict)


RATING_WORDS = {1: "needs work", 2: "developing", 3: "competent", 4: "strong", 5: "role model"}


class _TextDialog(QDialog):
    def __init__(self, heading: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.resize(520, 340)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(prompt)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.send_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText("Send to the rep")
        self.send_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._check)
        self.layout_ = QVBoxLayout(self)

    def _check(self) -> None:
        text = self.text.toPlainText().strip()
        self.send_button.setEnabled(0 < len(text) <= MAX_COMMENT_CHARS)

    def comment(self) -> str:
        return self.text.toPlainText().strip()

    def values(self) -> CoachingInput:
        return CoachingInput(self.comment())


class CommentDialog(_TextDialog):
    """A comment for `rep` about `subject` ("the call with DR SMITH on Tue 24 Nov",
    "the week of 23 Nov")."""

    def __init__(self, rep: str, subject: str, parent: QWidget | None = None) -> None:
        super().__init__(
            f"Coaching comment for {rep}",
            "What went well, what to try next time…",
            parent,
        )
        about = QLabel(f"About {subject}. {rep} sees it after their next sync.")
        about.setWordWrap(True)
        self.layout_.addWidget(about)
        self.layout_.addWidget(self.text, 1)
        self.layout_.addWidget(self.buttons)


class FieldVisitDialog(_TextDialog):
    """A field-coaching visit: the day, a rating per skill (any left "not rated"), and
    what to work on."""

    def __init__(self, rep: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(
            f"Field-coaching visit with {rep}",
            "What to keep doing and what to work on before the next visit…",
            parent,
        )
        form = QFormLayout()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(DATE_FORMAT)  # as elsewhere: "Mon 07 Dec 2026"
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow("Day of the visit", self.day)
        self.ratings: dict[str, QComboBox] = {}
        for skill in SKILLS:
            combo = QComboBox()
            combo.addItem(NOT_RATED, None)
            for rating in RATINGS:
                combo.addItem(f"{rating} · {RATING_WORDS[rating]}", rating)
            combo.currentIndexChanged.connect(self._check)
            self.ratings[skill] = combo
            form.addRow(skill, combo)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.text, 1)
        self.layout_.addWidget(self.buttons)
        self.resize(520, 560)

    def _check(self) -> None:
        super()._check()
        if not self.skills():
            self.send_button.setEnabled(False)

    def skills(self) -> dict[str, int]:
        return {
            skill: int(combo.currentData())
            for skill, combo in self.ratings.items()
            if combo.currentData() is not None
        }

    def visit_day(self) -> date:
        day: date = self.day.date().toPython()  # type: ignore[assignment]
        return day

    def values(self) -> CoachingInput:
        return CoachingInput(self.comment(), self.visit_day(), self.skills())
