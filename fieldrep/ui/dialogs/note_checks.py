"""The call log's checks as the rep types: compliance findings highlighted in the note
and listed beside it, and what the record still lacks shown next to each field.

The checker (compiled from the synced rules and products) is fetched once on the worker;
each check then runs on the UI thread after a short pause in typing (a 2,000-character
note checks in a few milliseconds, tests/perf/bench_compliance.py), so typing is never
held up by a round trip to the worker.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldrep.compliance.call_record import RecordProblem
from fieldrep.compliance.checker import NoteChecker
from fieldrep.compliance.findings import Family, Finding
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.widgets.common import WrappingLabel

DEBOUNCE_MS = 150
BLOCK_COLOUR = QColor(198, 40, 40, 70)
WARN_COLOUR = QColor(230, 150, 0, 80)


def _qt_position(text: str, index: int) -> int:
    """A Python string offset as a Qt document position (Qt counts UTF-16 units, so an
    emoji before a finding shifts it by one)."""
    return len(text[:index].encode("utf-16-le")) // 2


class RecordHints:
    """One small label under each form row that can be incomplete: empty until there is
    something to fix, then the sentence that says what."""

    ROWS = {"started_at": "start", "duration_minutes": "start", "products": "products",
            "outcome": "outcome"}  # fmt: skip

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        for row in dict.fromkeys(self.ROWS.values()):
            label = WrappingLabel("")  # all its lines, at 1024 px too
            label.setObjectName("error")
            # Hidden, it keeps its line: the form does not jump as a hint comes and goes.
            policy = label.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            label.setSizePolicy(policy)
            label.hide()
            self.labels[row] = label
        self.warnings: dict[str, str] = {}

    def show(self, problems: list[RecordProblem], *, missing_too: bool) -> None:
        """Problems next to their fields; missing products/outcome only once the rep has
        tried to submit (an empty new form is not an error yet)."""
        texts: dict[str, list[str]] = {row: [] for row in self.labels}
        for problem in problems:
            if problem.field in ("products", "outcome") and not missing_too:
                continue
            texts[self.ROWS.get(problem.field, "start")].append(problem.message)
        for row, warning in self.warnings.items():
            texts[row].append(warning)
        for row, label in self.labels.items():
            label.setText(" ".join(texts[row]))
            label.setVisible(bool(texts[row]))


class NoteChecks(QObject):
    """Findings in the insights box: highlighted, listed with their explanation, and
    offered fixes (redact patient details; report a possible adverse event)."""

    changed = Signal()  # after every check
    report_requested = Signal(object)  # list[Finding]: possible adverse events

    def __init__(self, editor: QPlainTextEdit, taskman: TaskManager, parent: QObject) -> None:
        super().__init__(parent)
        self.editor = editor
        self.taskman = taskman
        self.checker: NoteChecker | None = None
        self.findings: list[Finding] = []
        self.list = QListWidget()
        self.list.setObjectName("findings")
        self.list.setWordWrap(True)
        self.list.setMinimumWidth(200)
        self.list.setMaximumWidth(260)
        self.list.hide()
        self.redact_button = QPushButton("Redact patient details")
        self.redact_button.setObjectName("redact")
        self.report_button = QPushButton("Report adverse event…")
        self.report_button.setObjectName("report_ae")
        for button in (self.redact_button, self.report_button):
            button.setAutoDefault(False)
            button.hide()
        self.redact_button.clicked.connect(self.redact)
        self.report_button.clicked.connect(
            lambda: emit(self.report_requested, self.of_family(Family.ADVERSE_EVENT))
        )
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run)
        editor.textChanged.connect(self._timer.start)

    def row(self) -> QWidget:
        """The insights box with the findings beside it (one form row)."""
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.list, 1)
        side.addWidget(self.redact_button)
        side.addWidget(self.report_button)
        box = QHBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.editor, 1)
        box.addLayout(side)
        widget = QWidget()
        widget.setLayout(box)
        return widget

    def load(self) -> None:
        """Fetch the checker on the worker; the first check runs when it arrives."""
        Op(lambda ws: ws.compliance.checker(), parent=self.editor).success(self._loaded).run(
            self.taskman
        )

    def _loaded(self, checker: NoteChecker) -> None:
        self.checker = checker
        self.run()

    @property
    def pending(self) -> bool:
        """A check is due (typing paused less than DEBOUNCE_MS ago) or the checker is
        still loading."""
        return self._timer.isActive() or self.checker is None

    def run(self) -> None:
        self._timer.stop()
        if self.checker is None:
            return
        self.findings = self.checker.check(self.editor.toPlainText())
        self._highlight()
        self._fill_list()
        emit(self.changed)

    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def of_family(self, family: Family) -> list[Finding]:
        return [f for f in self.findings if f.family is family]

    def _highlight(self) -> None:
        text = self.editor.toPlainText()
        selections = []
        for finding in self.findings:
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(BLOCK_COLOUR if finding.blocking else WARN_COLOUR)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setToolTip(finding.explanation)
            selection.format = fmt
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(_qt_position(text, finding.start))
            cursor.setPosition(_qt_position(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def _fill_list(self) -> None:
        self.list.clear()
        for finding in self.findings:
            mark = "Blocks submit" if finding.blocking else "Check"
            item = QListWidgetItem(
                f"{mark} · {finding.family.label}: “{finding.text}”\n{finding.explanation}"
                + (f"\n{finding.fix}" if finding.fix else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, (finding.start, finding.end))
            item.setToolTip(finding.explanation)
            self.list.addItem(item)
        self.list.setVisible(bool(self.findings))
        self.redact_button.setVisible(any(f.replacement for f in self.findings))
        self.report_button.setVisible(bool(self.of_family(Family.ADVERSE_EVENT)))

    def redact(self) -> None:
        """Replace each redactable finding (patient details) in place, last first so the
        earlier offsets still hold; one undo step."""
        text = self.editor.toPlainText()
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()
        for finding in sorted(self.findings, key=lambda f: f.start, reverse=True):
            if finding.replacement is None:
                continue
            cursor.setPosition(_qt_position(text, finding.start))
            cursor.setPosition(_qt_position(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(finding.replacement)
        cursor.endEditBlock()
        self.run()
