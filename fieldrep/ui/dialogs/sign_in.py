"""First run (sign in to a server, or open the demo) and the passphrase prompt."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.errors import FieldrepError
from fieldrep.security.keys import MIN_PASSPHRASE_CHARS
from fieldrep.sync.errors import SignInRequiredError


def sign_in_message(exc: FieldrepError) -> str:
    """What the sign-in form shows: the server's own words when it refused the sign-in
    (the rep is already in the form, so the core's "what to do next" would not help)."""
    if isinstance(exc, SignInRequiredError) and exc.server_detail:
        return exc.server_detail
    return str(exc)


class PassphraseDialog(QDialog):
    """Asks for the workspace passphrase; `new` asks twice and checks the length."""

    def __init__(self, new: bool, error: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new = new
        self.setWindowTitle("Fieldrep — " + ("choose a passphrase" if new else "unlock"))
        intro = QLabel(
            "No system keychain is available here, so your workspace is encrypted with a "
            f"passphrase. Choose one of at least {MIN_PASSPHRASE_CHARS} characters; it cannot "
            "be recovered, but your data can always be synced down again."
            if new
            else "Enter the passphrase of this workspace."
        )
        intro.setWordWrap(True)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("passphrase")
        self.confirm = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel(error)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock" if not new else "Set")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("&Passphrase", self.passphrase)
        if new:
            form.addRow("&Repeat", self.confirm)
        else:
            self.confirm.hide()
        form.addRow(self.error)
        form.addRow(buttons)
        self.setMinimumWidth(420)

    def _check(self) -> None:
        text = self.passphrase.text()
        if self.new and len(text) < MIN_PASSPHRASE_CHARS:
            self.error.setText(f"Use at least {MIN_PASSPHRASE_CHARS} characters.")
            return
        if self.new and text != self.confirm.text():
            self.error.setText("The two passphrases differ.")
            return
        if not text:
            self.error.setText("Enter the passphrase.")
            return
        self.accept()

    def value(self) -> str:
        return self.passphrase.text()


class WelcomeDialog(QDialog):
    """First run: sign in to the company's sync server, or try the demo territory.

    File > Sign in… opens the same form with `again=True`: prefilled with the server and
    user the workspace belongs to, and without the demo (a workspace is one rep's)."""

    SIGN_IN, DEMO = 1, 2

    def __init__(
        self,
        parent: QWidget | None = None,
        error: str = "",
        server: str = "",
        username: str = "",
        *,
        again: bool = False,
    ) -> None:
        """`server` and `username` prefill the form (after a refused sign-in, or when
        signing in again)."""
        super().__init__(parent)
        self.setWindowTitle("Sign in to Fieldrep" if again else "Welcome to Fieldrep")
        self.choice = 0
        heading = QLabel("Sign in again" if again else "Welcome to Fieldrep")
        heading.setObjectName("title")
        intro = QLabel(
            "Sign in to sync this laptop again. Your data stayed here; changes made while "
            "you were signed out are sent at the first sync."
            if again
            else "Sign in with the account your sales operations team gave you. Your HCPs, "
            "plans and history download once; after that everything works offline."
        )
        intro.setWordWrap(True)
        self.server = QLineEdit(server, placeholderText="https://fieldrep.example.com")
        self.username = QLineEdit(username)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel(error)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        sign_in = QPushButton("Sign in")
        sign_in.setObjectName("primary")
        self.sign_in_button = sign_in
        self.busy = False
        group = QGroupBox("Sign in to a server")
        form = QFormLayout(group)
        form.addRow("&Server", self.server)
        form.addRow("&User", self.username)
        form.addRow("&Password", self.password)
        form.addRow(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        # Signing in again is a choice from a working window: it can be put off (Esc did,
        # with no button saying so). The first run has the demo as its other way.
        self.cancel_button = QPushButton("Not now")
        self.cancel_button.setVisible(again)
        self.cancel_button.clicked.connect(self.reject)
        row.addWidget(self.cancel_button)
        row.addWidget(sign_in)
        form.addRow(row)
        demo = QPushButton("Open the demo workspace")
        self.demo_button = demo
        demo_note = QLabel(
            "400 HCPs north of Boston with 18 months of history; nothing leaves this laptop."
        )
        demo_note.setObjectName("muted")
        demo_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(group)
        layout.addWidget(demo, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(demo_note)
        demo.setVisible(not again)
        demo_note.setVisible(not again)
        sign_in.clicked.connect(self._sign_in)
        demo.clicked.connect(self._demo)
        self.setMinimumWidth(480)
        # Enter anywhere in the form signs in. Only a button already in the dialog can
        # be its default (set before, Enter did nothing: a stranger's keyboard-only run).
        for button in (demo, self.cancel_button):
            button.setAutoDefault(False)
        sign_in.setDefault(True)
        if server and username:
            self.password.setFocus()  # a refused sign-in: only the password is retyped

    def show_signing_in(self) -> None:
        """Shown again, modal and inert, while the sign-in runs off the UI thread: the
        form stays visible (so the rep sees what is being tried) but cannot be changed,
        sent twice or closed until the server answers or the client times out."""
        self.busy = True
        for w in (self.server, self.username, self.password, self.sign_in_button,
                  self.cancel_button):  # fmt: skip
            w.setEnabled(False)
        self.demo_button.setEnabled(False)
        self.sign_in_button.setText("Signing in…")
        self.error.setText(f"Signing in to {self.server.text().strip()}…")
        self.setModal(True)
        self.show()

    def done_signing_in(self) -> None:
        self.busy = False
        self.hide()

    def reject(self) -> None:
        if not self.busy:  # Esc or the close box while the server is being asked: wait
            super().reject()

    def _sign_in(self) -> None:
        if not (
            self.server.text().strip() and self.username.text().strip() and self.password.text()
        ):
            self.error.setText("Fill in the server address, your user name and password.")
            return
        self.choice = self.SIGN_IN
        self.accept()

    def _demo(self) -> None:
        self.choice = self.DEMO
        self.accept()

    def credentials(self) -> tuple[str, str, str]:
        return self.server.text().strip(), self.username.text().strip(), self.password.text()
