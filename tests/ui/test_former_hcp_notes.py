"""A call about an HCP realigned to another territory, on the old rep's desktop: Today
still lists the draft, its call log opens with the HCP's last known name and says the
HCP has left the territory, and it submits; the HCP list no longer shows the HCP, and
the HCP page last opened says the HCP left instead of raising an error at each sync."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.changes import Changes
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.ui import errors
from fieldrep.ui.main_window import TODAY, MainWindow
from fieldrep.ui.pages.hcp_detail import GONE_NOTICE
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


def test_the_hcp_page_last_opened_says_the_hcp_left_instead_of_an_error_at_each_sync(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The HCP page reloads on every change, shown or not: after a sync realigned the HCP
    last opened, each sync and each autosave raised "No HCP with id ..." in a box."""
    ws = window.workspace
    hcp, other = ws.hcps.all()[:2]
    ws.calls.log(
        CallDraft(hcp_id=hcp.id, channel=Channel.VISIT, started_at=local_now(),
                  insights="Left samples.", outcome=Outcome.POSITIVE, products=("Cardiovex",)),
        submit=True,
    )  # fmt: skip
    window.open_hcp(hcp.id)
    qtbot.waitUntil(lambda: window.detail.data is not None, timeout=WAIT_MS)
    window.go(TODAY)
    shown: list[str] = []
    errors.reporter.shown.connect(shown.append)
    try:
        with ws.store.write() as conn:
            tombstone = Change(seq=10**9, entity=Entity.HCP, entity_id=hcp.id, op=Op.DELETE,
                               version=hcp.version + 1, data=None)  # fmt: skip
            apply_page(conn, [tombstone], now=ws.clock.now())
        for _ in range(3):  # three syncs
            window.taskman.notify(Changes(sync=True, hcps=True, calls=True))
            idle(qtbot, window)
        assert shown == []
        page = window.detail
        assert page.subtitle.text() == GONE_NOTICE
        assert hcp.display_name in page.name.text()
        assert not page.log_button.isEnabled() and not page.plan_button.isEnabled()
        assert "no longer in your territory" in page.nba_text.text()  # no stale suggestion
        window.open_hcp(other.id)  # another HCP: the page works as before
        qtbot.waitUntil(lambda: window.detail.name.text() == other.display_name, timeout=WAIT_MS)
        assert page.log_button.isEnabled()
        assert shown == []
    finally:
        errors.reporter.shown.disconnect(shown.append)
