"""Discarding a draft call from a list of drafts (Today's "Calls left in draft"): the
Delete key or the context menu, after a confirmation. A rep who opened the call log only
to read a warning was left with a draft that synced to every laptop and could not be
let go."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QListWidget, QMessageBox

from fieldrep.ui.taskman import Op, TaskManager


def discard_text(label: str) -> str:
    return (
        f"Discard the draft call “{label}”? It is deleted on this laptop and, at the next "
        "sync, on your other laptops; it cannot be undone."
    )


def add_discard_action(drafts: QListWidget, taskman: TaskManager) -> QAction:
    """Delete (or the context menu's "Discard draft…") on the current item, whose
    UserRole holds the note's id."""
    action = QAction("Discard draft…", drafts)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    drafts.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    drafts.addAction(action)

    def confirm() -> None:
        item = drafts.currentItem()
        if item is None:
            return
        note_id = str(item.data(Qt.ItemDataRole.UserRole))
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Discard draft",
            discard_text(item.text()),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            drafts,
        )
        box.setObjectName("discardDraft")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Discard:
                Op(lambda ws: ws.calls.discard_draft(note_id), parent=drafts).run(taskman)

        box.finished.connect(answered)
        box.open()

    action.triggered.connect(confirm)
    return action
