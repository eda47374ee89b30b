"""The window's lock: after idle time, on Ctrl+L, and when the organisation's device
policy says the laptop has been offline too long.

The passphrase is checked on the worker (scrypt and opening SQLCipher take a moment), so
the lock screen never freezes the window; the policy is read there too. The window
keeps its menus, actions and pages; this module only decides when to lock and unlock.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

from fieldrep.security import keys
from fieldrep.store.engine import verify_key
from fieldrep.sync.protocol import DevicePolicy
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op
from fieldrep.ui.widgets.lock_screen import LockScreen
from fieldrep.workspace import Workspace

if TYPE_CHECKING:
    from fieldrep.ui.main_window import MainWindow

IDLE_CHECK_MS = 15_000


class IdleWatcher(QObject):
    """Notes the time of the last keyboard or mouse input anywhere in the app."""

    INPUT = {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    }

    def __init__(self) -> None:
        super().__init__()
        self.last_input = time.monotonic()

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in self.INPUT:
            self.last_input = time.monotonic()
        return False


def passphrase_opens(workspace: Workspace, passphrase: str) -> bool:
    """Runs on the worker: whether `passphrase` opens this workspace's database."""
    try:
        key = keys.existing_key(workspace.data_dir, passphrase=passphrase)
        verify_key(Workspace.database_path(workspace.data_dir), key)
    except Exception:  # any failure to open is "not this passphrase"
        return False
    return True


def needs_passphrase(workspace: Workspace) -> bool:
    info = keys.KeyInfo.load(workspace.data_dir)
    return info is not None and info.mode == "passphrase"


class WindowLock(QObject):
    def __init__(self, window: MainWindow, app: QObject) -> None:
        super().__init__(window)
        self._window = window
        self._app = app
        self.screen = LockScreen(needs_passphrase(window.workspace))
        self.screen.passphrase_entered.connect(self._check_passphrase)
        self.screen.unlocked.connect(self.unlock)
        self._idle = IdleWatcher()
        app.installEventFilter(self._idle)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check_idle)
        self.overdue_days: int | None = None  # past the organisation's days offline

    # -- idle --------------------------------------------------------------------------
    def set_idle_lock(self, minutes: float) -> None:
        """Lock after `minutes` without input (0 = never). The check runs four times per
        period, at most every 15 s, so the lock comes at most a quarter period late."""
        self._window.settings.idle_lock_minutes = minutes
        if minutes <= 0:
            self._timer.stop()
            return
        self._timer.setInterval(int(min(IDLE_CHECK_MS, max(50.0, minutes * 15_000))))
        self._timer.start()

    def _check_idle(self) -> None:
        minutes = self._window.settings.idle_lock_minutes
        if (
            minutes
            and not self.is_locked
            and time.monotonic() - self._idle.last_input > minutes * 60
        ):
            self.lock(idle=True)

    # -- locking -----------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self._window.root.currentWidget() is self.screen

    def lock(self, idle: bool = False) -> None:
        window = self._window
        if window.call_dialog is not None and window.call_dialog.isVisible():
            window.call_dialog.reject()  # keeps the draft
        window.menuBar().setEnabled(False)
        for action in window.actions_by_name.values():
            action.setEnabled(action.objectName() == "quit")
        window.root.setCurrentWidget(self.screen)
        self.screen.prepare(idle=idle)
        emit(window.locked_changed, True)

    def _check_passphrase(self, passphrase: str) -> None:
        workspace = self._window.workspace
        Op(lambda _ws: passphrase_opens(workspace, passphrase), parent=self.screen).success(
            self.screen.checked
        ).run(self._window.taskman)

    def unlock(self) -> None:
        window = self._window
        if self.overdue_days is not None:  # the organisation requires a sync first
            self.screen.error.setText("Not yet: a sync must succeed first. Trying now...")
            window.sync.request_sync()
            return
        window.menuBar().setEnabled(True)
        for action in window.actions_by_name.values():
            action.setEnabled(True)
        self._idle.last_input = time.monotonic()
        window.root.setCurrentIndex(0)
        emit(window.locked_changed, False)

    # -- the organisation's device policy ------------------------------------------------
    def check_device_policy(self) -> None:
        """Read the policy the server sent (off the UI thread) and apply it: the idle
        lock is at most the organisation's; past its days offline the app locks until a
        sync succeeds."""

        def read(ws: Workspace) -> tuple[int | None, DevicePolicy]:
            return ws.sync.days_overdue(), ws.sync.device_policy()

        Op(read, parent=self._window).success(self._apply_device_policy).run(self._window.taskman)

    def _apply_device_policy(self, result: tuple[int | None, DevicePolicy]) -> None:
        days, policy = result
        org_minutes = policy.idle_lock_minutes
        mine = self._window.settings.idle_lock_minutes
        if org_minutes and (not mine or mine > org_minutes):
            self.set_idle_lock(org_minutes)
        was_overdue, self.overdue_days = self.overdue_days, days
        if days is not None:
            if not self.is_locked:
                self.lock()
            self.screen.note.setText(
                f"Fieldrep has not synced for {days} days; your organisation allows "
                f"{policy.max_offline_days}.\nConnect to the network: it unlocks after a sync."
            )
            self._window.sync.request_sync()
        elif was_overdue is not None and self.is_locked:
            self.screen.note.setText("Synced. Unlock to continue.")

    def close(self) -> None:
        self._timer.stop()
        self._app.removeEventFilter(self._idle)
