"""The HCP page's history shows an HCP's calls by its former rep (realigned here) beside
the rep's own, newest first, so the page agrees with the contact rules that count them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import HCP_CONTACT_FIELDS, Change, Entity, Op
from fieldrep.ui.main_window import DETAIL, MainWindow
from tests.pinned_clock import today
from tests.ui.conftest import WAIT_MS

SHOTS = Path("/tmp/fieldrep-shots")


def test_the_former_reps_calls_show_in_the_history(qtbot: QtBot, window: MainWindow) -> None:
    ws = window.workspace
    hcp = ws.hcps.all()[7]
    day = today() - timedelta(days=2)
    data = {
        "hcp_id": hcp.id, "author": "jsmith", "channel": "visit",
        "started_at": f"{day}T14:30:00+00:00", "duration_minutes": 25, "outcome": "positive",
        "products": ["Cardiovex"], "key_messages": [],
    }  # fmt: skip
    assert set(data) == set(HCP_CONTACT_FIELDS)
    with ws.store.write() as conn:
        change = Change(seq=1, entity=Entity.HCP_CONTACT, entity_id="N-1", op=Op.CREATE,
                        version=1, data=data)  # fmt: skip
        apply_page(conn, [change])
    with qtbot.waitSignal(window.detail.loaded, timeout=WAIT_MS):
        window.open_hcp(hcp.id)
    assert window.pages.currentIndex() == DETAIL
    text = window.detail.history.toPlainText()
    assert "by jsmith, before this HCP came to your territory" in text
    assert "Outcome: positive" in text and "Products: Cardiovex" in text
    assert window.detail.history.isVisible()
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "hcp-page-former-rep-contact.png"))
