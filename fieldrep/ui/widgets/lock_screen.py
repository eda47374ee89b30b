"""The lock screen shown over the window after the idle timeout (or Ctrl+L)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from fieldrep.ui.signals import emit


class LockScreen(QWidget):
    """Unlock asks `passphrase_entered(text)`; whoever checks it (on a worker: scrypt and
    opening the database take a moment) answers with `checked(ok)`."""

    unlocked = Signal()
    passphrase_entered = Signal(str)

    def __init__(self, needs_passphrase: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lock_screen")
        self.needs_passphrase = needs_passphrase
        heading = QLabel("Fieldrep is locked")
        heading.setObjectName("title")
        # Two explicit lines, no word wrap: a wrapped label centred in a box layout is
        # given its one-line height and gets cut off.
        self.note = note = QLabel()
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("unlock_passphrase")
        self.passphrase.setMaximumWidth(320)
        self.passphrase.setVisible(needs_passphrase)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.button = button = QPushButton("Unlock")
        button.setObjectName("primary")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for w in (heading, note, self.passphrase, self.error, button):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        button.clicked.connect(self.try_unlock)
        self.passphrase.returnPressed.connect(self.try_unlock)

    def prepare(self, *, idle: bool = True) -> None:
        """`idle`: locked after a period without use (else the rep locked it, Ctrl+L)."""
        why = (
            "Locked after a period without use, to protect HCP and call data."
            if idle
            else "You locked Fieldrep; HCP and call data stay protected."
        )
        self.note.setText(
            why + ("\nEnter your passphrase to continue." if self.needs_passphrase else "")
        )
        self.passphrase.clear()
        self.error.setText("")
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        if not self.needs_passphrase:
            emit(self.unlocked)
            return
        self.button.setEnabled(False)
        self.passphrase.setEnabled(False)
        self.error.setText("Checking…")
        emit(self.passphrase_entered, self.passphrase.text())

    def checked(self, ok: bool) -> None:
        """The answer to `passphrase_entered`."""
        self.button.setEnabled(True)
        self.passphrase.setEnabled(True)
        if not ok:
            self.error.setText("That passphrase does not open this workspace.")
            self.passphrase.setFocus()
            self.passphrase.selectAll()
            return
        self.error.setText("")
        emit(self.unlocked)
