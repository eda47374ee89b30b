"""A conflict copy on the desktop (the stranger's two-laptop run): Today names it among
the drafts, and its call log says what it is and will not submit it, so one visit is
never on record twice."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.services.calls import CONFLICT_COPY_NOT_SUBMITTED
from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.ui.dialogs.call_log import CallLogDialog
from fieldrep.ui.main_window import MainWindow
from tests.pinned_clock import local_now
from tests.ui.conftest import WAIT_MS, idle


def test_a_conflict_copy_is_named_on_today_and_its_call_log_will_not_submit_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[0]
    draft = CallDraft(hcp_id=hcp.id, channel=Channel.VISIT, started_at=local_now(),
                      insights="Laptop 1's words.", outcome=Outcome.NEUTRAL)  # fmt: skip
    original = ws.calls.log(draft)
    data = {
        "hcp_id": hcp.id, "author": original.author, "channel": "visit",
        "started_at": original.started_at.isoformat(), "duration_minutes": 20,
        "status": "draft", "products": [], "key_messages": [], "attendees": [],
        "outcome": "neutral", "sentiment": None, "insights": "Laptop 2's words.",
        "follow_ups": [], "suggestion_id": None, "submitted_at": None,
        "conflict_of": original.id,
    }  # fmt: skip
    with ws.store.write() as conn:  # as the server's copy arrives in a pull
        copy = Change(seq=10**9, entity=Entity.CALL_NOTE, entity_id="copy-1", op=Op.CREATE,
                      version=1, data=data)  # fmt: skip
        assert apply_page(conn, [copy]).conflict_copies == ["copy-1"]
    window.today.reload()
    qtbot.waitUntil(lambda: window.today.draft_list.count() == 2, timeout=WAIT_MS)
    rows = [window.today.draft_list.item(i).text() for i in range(2)]
    assert sum(r.startswith("Conflict copy · ") for r in rows) == 1, rows

    note = ws.calls.get("copy-1")
    dialog = CallLogDialog(window.taskman, hcp, ws.messages.usable(), note=note, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    idle(qtbot, window)
    assert dialog.error.text() == CONFLICT_COPY_NOT_SUBMITTED
    assert not dialog.submit_button.isEnabled()
    dialog.error.setText("")
    dialog.submit()  # Ctrl+Enter ends here too: refused, and the dialog says why
    idle(qtbot, window)
    assert ws.calls.get("copy-1").status.value == "draft"
    assert dialog.error.text() == CONFLICT_COPY_NOT_SUBMITTED
    dialog._dirty = False
    dialog.reject()
