"""The status bar's sync corner: online/offline, pending changes, last sync, Sync now,
and while a sync runs its progress and a Cancel button."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from fieldrep.clock import Clock
from fieldrep.ui.signals import emit
from fieldrep.ui.sync_controller import SyncStatusView


def _ago(iso: str | None, now: datetime) -> str:
    """How long ago `iso` was, on the wall of `now` (aware, in the user's zone)."""
    if not iso:
        return "never"
    try:
        when = datetime.fromisoformat(iso).astimezone(now.tzinfo)
    except ValueError:
        return iso
    minutes = int((now - when).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 24 * 60:
        return (
            when.strftime("today %H:%M")
            if when.date() == now.date()
            else when.strftime("%d %b %H:%M")
        )
    return when.strftime("%d %b %H:%M")


def describe(view: SyncStatusView, now: datetime) -> tuple[str, str, str]:
    """(state, pending, last sync) texts; pure, so it is unit-tested. Signed out, no
    "Last sync": nothing syncs until the rep signs in again."""
    status = view.status
    if status.signed_out:
        state = "Signed out"
    elif not view.configured:
        state = "Local only"
    elif view.running:
        state = "Syncing…"
    elif view.online is False:
        state = "Offline"
    elif view.online is True:
        state = "Online"
    else:
        state = "Not synced yet"
    pending = f"{status.pending_records} pending"
    if status.to_review:
        pending += f" · {status.to_review} to review"
    if status.signed_out:
        return state, pending, ""
    return state, pending, f"Last sync: {_ago(status.last_sync, now)}"


# "Last sync: just now" must not stay on screen for an hour: the text is redrawn this often.
AGO_REFRESH_MS = 30_000


def progress_text(label: str, fraction: float) -> str:
    """What the progress bar says: the engine's step, and how far when it knows.

    The engine reports a step and a fraction, not row counts, so no count is shown."""
    if fraction < 0:
        return f"{label}…"
    return f"{label}… {fraction:.0%}" if fraction < 1 else label


class SyncStatusWidget(QWidget):
    sync_clicked = Signal()
    sign_in_clicked = Signal()  # the button reads "Sign in…" while signed out
    cancel_clicked = Signal()
    inbox_clicked = Signal()

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.state = QLabel("…")
        self.state.setObjectName("sync_state")
        self.pending = QLabel("")
        self.pending.setObjectName("sync_pending")
        self.last = QLabel("")
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setMaximumWidth(360)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("sync_cancel")
        self.cancel_button.setToolTip(
            "Stop this sync; what has arrived is kept and the next sync carries on from there"
        )
        self.cancel_button.hide()
        self.button = QPushButton("Sync now")
        self.button.setObjectName("sync_now")
        self.button.setToolTip("Sync now (F5)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for w in (
            self.error,
            self.state,
            self.pending,
            self.last,
            self.bar,
            self.cancel_button,
            self.button,
        ):
            layout.addWidget(w)
        self.button.clicked.connect(self._button_clicked)
        self.cancel_button.clicked.connect(self._cancel_clicked)
        self._view: SyncStatusView | None = None
        self._ago_timer = QTimer(self, interval=AGO_REFRESH_MS)
        self._ago_timer.timeout.connect(self.refresh_last_sync)
        self._ago_timer.start()

    def refresh_last_sync(self) -> None:
        """Redraw "Last sync: ..." against the clock as it is now."""
        if self._view is not None:
            self.last.setText(describe(self._view, self.clock.local_now())[2])

    def _button_clicked(self) -> None:
        signed_out = self._view is not None and self._view.status.signed_out
        emit(self.sign_in_clicked if signed_out else self.sync_clicked)

    def _cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)  # until the worker has stopped
        self.cancel_button.setText("Cancelling…")
        emit(self.cancel_clicked)

    def show_status(self, view: SyncStatusView) -> None:
        self._view = view
        state, pending, last = describe(view, self.clock.local_now())
        self.state.setText(state)
        self.state.setProperty("state", state.split()[0].lower())
        self.state.style().polish(self.state)
        self.pending.setText(pending)
        self.pending.setToolTip(
            f"{view.status.pending_mutations} change(s) in the outbox for "
            f"{view.status.pending_records} record(s)"
        )
        self.last.setText(last)
        error = view.status.last_error or ""
        metrics = self.error.fontMetrics()
        self.error.setText(
            metrics.elidedText(error, Qt.TextElideMode.ElideRight, 340) if error else ""
        )
        self.error.setToolTip(error)
        if view.status.signed_out:
            self.button.setText("Sign in…")
            self.button.setToolTip("Sign in again to sync (File > Sign in…)")
            self.button.setEnabled(True)
        else:
            self.button.setText("Sync now")
            self.button.setToolTip("Send your changes and fetch the latest now (F5)")
            self.button.setEnabled(view.configured and not view.running)
        if view.running:
            self.cancel_button.show()
        else:
            self.bar.hide()
            self.cancel_button.hide()
            self.cancel_button.setEnabled(True)
            self.cancel_button.setText("Cancel")

    def show_progress(self, label: str, fraction: float) -> None:
        self.bar.show()
        self.cancel_button.show()
        if fraction < 0:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))
        text = progress_text(label, fraction)
        self.bar.setFormat(text)
        self.bar.setToolTip(text)
