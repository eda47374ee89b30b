"""Calls about HCPs realigned out of the territory stay reachable: the HCP list says how
many there are and opens them (a stranger's submitted notes about a realigned HCP were
reachable from no page; only `fieldrep export calls` showed them)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.ui.dialogs.former_calls import FormerCallsDialog
from fieldrep.ui.main_window import HCPS, MainWindow
from tests.pinned_clock import local_now
from tests.ui.conftest import WAIT_MS, idle

SHOTS = Path("/tmp/fieldrep-shots")


def test_the_hcp_list_opens_the_calls_about_hcps_that_left(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[12]
    note = ws.calls.log(
        CallDraft(hcp.id, Channel.PHONE, local_now() - timedelta(days=1), 10,
                  products=("Cardiovex",), outcome=Outcome.NEUTRAL, insights="ASKED FOR DATA"),
        submit=True,
    )  # fmt: skip
    assert not window.hcps.former_link.isVisible()
    count = len(ws.calls.for_hcp(hcp.id))  # the demo's history with it, and this call
    with ws.store.write() as conn:  # the admin realigned it; this is the pull's tombstone
        apply_page(conn, [Change(seq=1, entity=Entity.HCP, entity_id=hcp.id, op=Op.DELETE,
                                 version=9)], now=local_now())  # fmt: skip
    window.resize(1024, 640)
    window.go(HCPS)
    window.hcps.reload()
    link = window.hcps.former_link
    qtbot.waitUntil(link.isVisible, timeout=WAIT_MS)
    assert f"{count} calls are about HCPs no longer in your territory" in link.text()
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "hcp-list-former-calls-1024.png"))
    calls = [c for c in window.hcps.data.former_calls if c.note.id == note.id]
    assert [c.hcp_name for c in calls] == [hcp.display_name]
    assert len(window.hcps.data.former_calls) == count

    link.linkActivated.emit("former")  # as a click on the link does
    [dialog] = window.hcps.findChildren(FormerCallsDialog)
    dialog.grab().save(str(SHOTS / "former-calls-dialog.png"))
    row = next(r for r, c in enumerate(dialog._calls) if c.note.id == note.id)
    dialog.table.selectRow(row)
    dialog.open_button.click()
    qtbot.waitUntil(lambda: window.call_dialog is not None, timeout=WAIT_MS)
    assert window.call_dialog is not None and window.call_dialog.note_id == note.id
    window.call_dialog.reject()
    idle(qtbot, window)


def test_the_realignment_summary_stays_in_the_status_bar(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start-up sync's "1 HCP left your territory; 1 planned visit ... removed" was
    gone after 8 s, before a rep opening the laptop looked."""
    from fieldrep.sync.engine import SyncReport

    shown: list[tuple[str, int]] = []
    monkeypatch.setattr(window.statusBar(), "showMessage", lambda t, ms=0: shown.append((t, ms)))
    window._sync_finished(SyncReport(pulled=3))
    window._sync_finished(SyncReport(pulled=3, hcps_left=1, plans_dropped=1))
    assert shown[0][1] == 8000  # an ordinary sync's summary fades
    text, timeout = shown[1]
    assert "1 HCP left your territory (realigned)" in text and timeout == 0
