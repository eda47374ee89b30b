"""A call about an HCP realigned to another territory, on the old rep's desktop: Today
still lists the draft, its call log opens with the HCP's last known name and says the
HCP has left the territory, and it submits; the HCP list no longer shows the HCP."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.ui import errors
from fieldrep.ui.main_window import MainWindow
from tests.pinned_clock import local_now
from tests.ui.conftest import WAIT_MS, idle

SCREENSHOT = "/tmp/former_hcp.png"


def test_a_draft_about_a_realigned_hcp_opens_from_today_with_a_notice_and_submits(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[0]
    draft = ws.calls.log(
        CallDraft(hcp_id=hcp.id, channel=Channel.PHONE, started_at=local_now(),
                  insights="Asked for the renal dosing study.", outcome=Outcome.NEUTRAL)
    )  # fmt: skip
    with ws.store.write() as conn:  # the admin realigned it: the pull's tombstone
        tombstone = Change(seq=10**9, entity=Entity.HCP, entity_id=hcp.id, op=Op.DELETE,
                           version=hcp.version + 1, data=None)  # fmt: skip
        apply_page(conn, [tombstone], now=ws.clock.now())
    shown: list[str] = []  # any error dialog at all, not only unexpected ones
    errors.reporter.shown.connect(shown.append)
    try:
        window.hcps.reload()
        window.today.reload()
        drafts = window.today.draft_list
        label = f"{hcp.display_name} (no longer in your territory)"
        qtbot.waitUntil(
            lambda: any(label in drafts.item(i).text() for i in range(drafts.count())),
            timeout=WAIT_MS,
        )
        (item,) = [drafts.item(i) for i in range(drafts.count()) if label in drafts.item(i).text()]
        drafts.itemActivated.emit(item)  # what Enter or a double click on it does
        qtbot.waitUntil(lambda: window.call_dialog is not None, timeout=WAIT_MS)
        dialog = window.call_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
        idle(qtbot, window)
        assert dialog.note is not None and dialog.note.id == draft.id
        assert hcp.display_name in dialog.header.text()
        assert dialog.notice.isVisible()
        assert "no longer in your territory" in dialog.notice.text()
        assert dialog.insights.toPlainText() == "Asked for the renal dosing study."
        assert dialog.grab().save(SCREENSHOT)
        assert hcp.id not in {h.id for h in window.hcps.model.rows()}

        dialog.submit()
        qtbot.waitUntil(lambda: ws.calls.get(draft.id).status.value == "submitted", timeout=WAIT_MS)
        idle(qtbot, window)
        assert shown == []
    finally:
        errors.reporter.shown.disconnect(shown.append)
