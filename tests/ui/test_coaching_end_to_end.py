"""Coaching end to end on a real `fieldrep-server`, with a company's own data (upper-case
names, no consents, no demo): a rep submits calls from their laptop; their manager signs
in through the welcome form into a fresh data folder, gets the team view, filters, drills
rep -> HCP -> call note and comments on it; after both laptops sync, the rep sees the
comment on Today and acknowledges it (one action); after the next syncs the manager's
Coaching page shows it acknowledged. Another manager's rep never sees any of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome, Sentiment
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.team.actions import DRILL
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now
from tests.sync.servers import ServerProcess
from tests.ui.conftest import WAIT_MS, open_window
from tests.ui.test_company_sign_in import PRODUCTS, company_file, sign_in_fresh
from tests.ui.test_team_view import open_desk

TERRITORY, OTHER_TERRITORY = "CHI-WEST", "CHI-EAST"
MANAGER, REP, OUTSIDER, OTHER_MANAGER = "kim", "ana", "bo", "lee"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("coaching"))
    server.admin("init-db")
    for territory in (TERRITORY, OTHER_TERRITORY):
        server.admin("create-territory", territory, "--name", territory.title())
    for manager in (MANAGER, OTHER_MANAGER):
        server.admin("create-user", "--username", manager, "--role", "manager")
    for rep, territory, manager in ((REP, TERRITORY, MANAGER),
                                    (OUTSIDER, OTHER_TERRITORY, OTHER_MANAGER)):  # fmt: skip
        server.admin(
            "create-user", "--username", rep, "--role", "rep", "--territory", territory,
            "--manager", manager,
        )  # fmt: skip
    hcps = company_file(server.workdir / "hcps.csv", n=30)
    server.admin("import-hcps", str(hcps), "--default-territory", TERRITORY)
    products = server.workdir / "products.json"
    products.write_text(json.dumps(PRODUCTS), encoding="utf-8")
    server.admin("load-catalogue", "products", str(products))
    server.start()
    yield server
    server.stop()


def sync(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS):
        window.sync.request_sync()
    qtbot.waitUntil(lambda: window.taskman.pending == 0, timeout=WAIT_MS)


def submit_calls(ws: Workspace) -> list[str]:
    """Three submitted calls with two HCPs, this week and last."""
    hcps = ws.hcps.all()[:2]
    ids = []
    for days_ago, hcp, channel in ((1, hcps[0], Channel.VISIT), (3, hcps[0], Channel.REMOTE),
                                   (8, hcps[1], Channel.PHONE)):  # fmt: skip
        note = ws.calls.log(
            CallDraft(
                hcp_id=hcp.id,
                channel=channel,
                started_at=local_now() - timedelta(days=days_ago),
                insights=f"Discussed dialysis patients with {hcp.name}.",
                outcome=Outcome.POSITIVE,
                sentiment=Sentiment.POSITIVE,
                products=("Renalix",),
            ),  # fmt: skip
            submit=True,
        )
        ids.append(getattr(note, "value", note).id)
    return ids


def test_the_manager_comments_the_rep_acknowledges_and_the_manager_sees_it(
    qtbot: QtBot, server: ServerProcess, tmp_path: Path
) -> None:
    rep_ws = sign_in_fresh(server, tmp_path / "ana-laptop", REP)
    rep_window = open_window(qtbot, rep_ws)
    manager_ws = outsider_ws = None
    manager_window = None
    try:
        sync(qtbot, rep_window)
        notes = submit_calls(rep_ws)
        sync(qtbot, rep_window)
        assert rep_ws.status().pending_mutations == 0

        manager_ws = sign_in_fresh(server, tmp_path / "kim-laptop", MANAGER)
        assert manager_ws.is_manager
        manager_window = open_desk(qtbot, manager_ws, (1366, 768))
        desk = manager_window.team_desk
        assert desk is not None
        dashboard = desk.dashboard
        qtbot.waitUntil(
            lambda: dashboard.view is not None and dashboard.view.report.totals.calls == 3,
            timeout=WAIT_MS,
        )  # the last four weeks: all three calls
        with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
            dashboard.set_filters(period="This week")  # Mon 23 - Wed 25 Nov: Tuesday's call
        assert dashboard.view.report.totals.calls == 1
        with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
            dashboard.set_filters(rep=REP, period="Last 13 weeks")
        assert dashboard.view.report.totals.calls == 3
        assert [r.rep for r in dashboard.rep_model.rows()] == [REP]

        with qtbot.waitSignal(dashboard.drilled, timeout=WAIT_MS):
            dashboard.drill_to_rep(REP)
        assert dashboard.stack.currentIndex() == DRILL
        with qtbot.waitSignal(dashboard.note_shown, timeout=WAIT_MS):
            dashboard.drill.table.selectRow(0)  # the HCP with two calls comes first
        note = dashboard.drill.note.note
        assert note.id in notes and note.author == REP
        dashboard.comment_on_note("Good probing on dialysis; bring the renal data next time.")
        with qtbot.waitSignal(dashboard.note_shown, timeout=WAIT_MS):
            dashboard.coaching_dialog.accept()
        sync(qtbot, manager_window)
        assert manager_ws.status().pending_mutations == 0
        assert manager_ws.status().rejected == 0

        # The rep's laptop: the comment arrives on Today; one action acknowledges it.
        sync(qtbot, rep_window)
        card = rep_window.today.coaching
        qtbot.waitUntil(lambda: card.isVisible() and card.list.count() == 1, timeout=WAIT_MS)
        assert "bring the renal data" in card.list.item(0).text()
        rep_window.open_hcp(note.hcp_id)  # and on the HCP page, under that HCP's calls
        qtbot.waitUntil(lambda: rep_window.detail.coaching.list.count() == 1, timeout=WAIT_MS)
        rep_window.go(0)
        card.list.setCurrentRow(0)
        assert card.ack_button.isEnabled()
        card.ack_button.click()
        qtbot.waitUntil(lambda: not card.isVisible(), timeout=WAIT_MS)
        sync(qtbot, rep_window)
        assert rep_ws.status().pending_mutations == 0 and rep_ws.status().rejected == 0

        # The manager sees it acknowledged after their next sync.
        sync(qtbot, manager_window)
        manager_window.go(1)
        page = desk.coaching
        qtbot.waitUntil(
            lambda: bool(page.model.rows()) and page.model.rows()[0].comment.acknowledged,
            timeout=WAIT_MS,
        )
        assert "1 acknowledged" in page.summary.text()
        manager_window.grab().save(str(tmp_path / "coaching-page.png"))

        # Another manager's rep received nothing of it.
        outsider_ws = Workspace.open(tmp_path / "bo-laptop", passphrase="outsider laptop 1")
        outsider_ws.sync.login(server.url, OUTSIDER, "server-test-password-1")
        outsider_ws.sync.run()
        assert outsider_ws.coaching.recent() == []
    finally:
        for window in (manager_window, rep_window):
            if window is not None:
                window.close()
        for ws in (manager_ws, rep_ws, outsider_ws):
            if ws is not None:
                ws.close()
