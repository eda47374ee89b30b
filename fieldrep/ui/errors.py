"""The UI's one error boundary.

Errors a rep can act on (FieldrepError) are shown as their message; `Cancelled` is
silent; anything else is logged with its traceback and shown once with where the
details are. Boxes are opened non-blocking (`open()`), so a worker's failure never
stalls the event loop and tests can observe the message through `reporter.shown`.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldrep.domain.errors import FieldrepError
from fieldrep.tasks import Cancelled
from fieldrep.ui.signals import emit

log = logging.getLogger(__name__)


class ErrorReporter(QObject):
    shown = Signal(str)  # the message put in front of the rep

    def __init__(self) -> None:
        super().__init__()
        self.last_message: str | None = None
        self._box: QMessageBox | None = None


reporter = ErrorReporter()


def message_for(exc: BaseException) -> str | None:
    """The text to show for `exc`; None when nothing should be shown."""
    if isinstance(exc, Cancelled):
        return None
    if isinstance(exc, FieldrepError):
        return str(exc)
    return (
        f"Something unexpected went wrong ({type(exc).__name__}). Your work is saved; "
        "the details are in the log file in the data folder's 'logs' directory."
    )


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    text = message_for(exc)
    if text is None:
        return
    if not isinstance(exc, FieldrepError):
        log.error(
            "unexpected error: %s",
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        )
    show_message(parent, text, warning=isinstance(exc, FieldrepError))


def show_message(
    parent: QWidget | None, text: str, *, warning: bool = True, info: bool = False
) -> None:
    """`info` for news that is no problem at all (signed out as asked)."""
    reporter.last_message = text
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Critical
    box = QMessageBox(
        QMessageBox.Icon.Information if info else icon,
        "Fieldrep",
        text,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    reporter._box = box
    box.open()
    emit(reporter.shown, text)


def hold_last_message(before: str | None) -> None:
    """The app is about to end without a window (a workspace that could not be opened):
    say why where it lasts, the log and stderr, and keep a message box shown since
    `before` on screen until the rep closes it. It was opened non-blocking, so the app
    ended before it was ever drawn: a too-short FIELDREP_PASSPHRASE closed the app in
    silence right after sign-in."""
    text = reporter.last_message
    if text is None or text == before:
        return
    log.warning("fieldrep could not open the workspace: %s", text)
    sys.stderr.write(f"fieldrep: {text}\n")
    box = reporter._box
    if box is not None and box.isVisible():
        box.exec()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if isinstance(exc, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    exc.__traceback__ = tb
    show_error(None, exc)


def install_excepthook() -> None:
    """Exceptions escaping a slot on the UI thread reach the same boundary."""
    sys.excepthook = _excepthook
