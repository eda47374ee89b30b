"""Follow-up lists (Today, HCP detail) whose items tick off: ticking one marks it done
through the core (`calls.set_follow_up_done`, synced), with Undo in the toast."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.ui.undo import Undoable, UndoStack

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1  # (note id, index of the follow-up in the note)
HINT = "Tick a follow-up (Space) when it is done; Ctrl+Z undoes"


def follow_up_item(text: str, note_id: str, index: int, hcp_id: str = "") -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    item.setData(Qt.ItemDataRole.UserRole, hcp_id)
    item.setData(NOTE_ROLE, (note_id, index))
    item.setToolTip(f"{text}\n{HINT}")
    return item


def tick_to_complete(
    widget: QListWidget, taskman: TaskManager, undo: Callable[[], UndoStack | None]
) -> None:
    """Ticking an item marks its follow-up done (the lists reload on `Changes.calls`)."""
    widget.setToolTip(HINT)
    # Long descriptions wrap in a narrow card instead of scrolling sideways.
    widget.setWordWrap(True)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setResizeMode(QListWidget.ResizeMode.Adjust)

    def changed(item: QListWidgetItem) -> None:
        key = item.data(NOTE_ROLE)
        if not key or item.checkState() != Qt.CheckState.Checked:
            return
        note_id, index = key
        label = f"Follow-up done: {item.text()}"

        def offer(_note: object) -> None:
            stack = undo()
            if stack is not None:
                stack.push(
                    Undoable(label, lambda ws: ws.calls.set_follow_up_done(note_id, index, False))
                )

        Op(lambda ws: ws.calls.set_follow_up_done(note_id, index), parent=widget).success(
            offer
        ).run(taskman)

    widget.itemChanged.connect(changed)
