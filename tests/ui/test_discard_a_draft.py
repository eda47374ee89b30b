"""A draft call can be let go from Today's "Calls left in draft" (Delete or the context
menu, after a confirmation): a stranger who opened the call log only to read a warning
was left with a draft that synced to every laptop, with no way to discard it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel
from fieldrep.domain.errors import NotFoundError
from fieldrep.ui.main_window import TODAY, MainWindow
from tests.pinned_clock import local_now
from tests.ui.conftest import WAIT_MS, idle


def _draft_item(window: MainWindow, note_id: str) -> int:
    items = window.today.draft_list
    return next(
        row for row in range(items.count())
        if items.item(row).data(Qt.ItemDataRole.UserRole) == note_id
    )  # fmt: skip


def _answer(qtbot: QtBot, window: MainWindow, button: QMessageBox.StandardButton) -> None:
    def shown() -> QMessageBox | None:
        boxes = window.today.draft_list.findChildren(QMessageBox, "discardDraft")
        return next((b for b in boxes if b.isVisible()), None)

    qtbot.waitUntil(lambda: shown() is not None, timeout=WAIT_MS)
    box = shown()
    assert box is not None and "cannot be undone" in box.text()
    box.button(button).click()


def test_delete_on_a_draft_discards_it_after_asking(qtbot: QtBot, window: MainWindow) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[14]
    note = ws.calls.log(CallDraft(hcp.id, Channel.PHONE, local_now() - timedelta(hours=1)))
    window.go(TODAY)
    window.today.reload()
    qtbot.waitUntil(lambda: window.today.draft_list.count() > 0, timeout=WAIT_MS)
    drafts = window.today.draft_list
    drafts.setCurrentRow(_draft_item(window, note.id))
    window.activateWindow()
    drafts.setFocus()
    qtbot.waitUntil(drafts.hasFocus, timeout=WAIT_MS)

    QTest.keyClick(drafts, Qt.Key.Key_Delete)  # asked first: Cancel keeps it
    _answer(qtbot, window, QMessageBox.StandardButton.Cancel)
    idle(qtbot, window)
    assert ws.calls.get(note.id).id == note.id

    drafts.setCurrentRow(_draft_item(window, note.id))  # right-click selects it
    window.today.discard_action.trigger()  # the context menu's "Discard draft…"
    _answer(qtbot, window, QMessageBox.StandardButton.Discard)
    idle(qtbot, window)
    try:
        ws.calls.get(note.id)
        raise AssertionError("the draft is still there")
    except NotFoundError:
        pass
    assert any(m.entity_id == note.id and m.op == "delete" for m in ws.pending_mutations())
    qtbot.waitUntil(
        lambda: all(
            drafts.item(r).data(Qt.ItemDataRole.UserRole) != note.id for r in range(drafts.count())
        ),
        timeout=WAIT_MS,
    )
