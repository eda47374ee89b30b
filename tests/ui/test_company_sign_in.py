"""A company that is not the demo, end to end: its admin loads its own HCP file (upper-case
names, taxonomy specialties, no consents, deciles, tiers or coordinates) and its own
products, messages, segments and rules on a real `fieldrep-server`; a rep and a manager
sign in through the welcome form on fresh laptops and open every screen. Nothing of the
demo's catalogue may show, no error dialog may appear, and a message Legal withdraws
disappears from the rep's suggestions and call log at the next sync."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldrep.ui.app import first_run
from fieldrep.ui.main_window import HCPS, PLANNER, SUGGESTIONS, TODAY, MainWindow
from fieldrep.workspace import Workspace
from tests.sync.servers import SERVER_PASSWORD, ServerProcess
from tests.ui.conftest import WAIT_MS, open_window
from tests.ui.test_first_run import DialogAnswerer, choose_passphrase, sign_in

TERRITORY = "CHI-WEST"
SPECIALTIES = [
    "Allopathic & Osteopathic Physicians/Internal Medicine/Nephrology",
    "NEPHROLOGY",
    "Allopathic & Osteopathic Physicians/Dermatology",
]
PRODUCTS = [{"id": "renalix", "name": "Renalix", "indications": ["anaemia of CKD"]}]
MESSAGES = [
    {"id": "RNX-EFF-1", "product": "Renalix", "title": "Renalix lifts haemoglobin in CKD",
     "theme": "efficacy", "specialties": ["Nephrology"], "channels": ["visit", "remote"]},
    {"id": "RNX-SAF-1", "product": "Renalix", "title": "Renalix: no dose change on dialysis",
     "theme": "safety", "specialties": ["Nephrology"], "channels": ["visit", "remote"]},
]  # fmt: skip
SEGMENTS = [
    {"id": "pragmatist", "name": "Pragmatist", "tone": "Short, practical",
     "evidence_type": "Real-world data", "preferred_channels": ["visit"],
     "tips": ["Lead with what changes on Monday"]},
    {"id": "remote_first", "name": "Remote first", "preferred_channels": ["remote"]},
]  # fmt: skip
RULES = {"monthly_cap": 3, "min_gap_days": {"visit": 10}, "needs_message": ["email"]}
DEMO_TITLES = {m["title"] for m in json.loads(Path("resources/messages.json").read_text())}


def company_file(path: Path, n: int = 60) -> Path:
    lines = ["external_id,name,specialty,organisation,city"]
    for i in range(n):
        surname = ["O'BRIEN", "SMITH-JONES", "NGUYEN"][i % 3]
        lines.append(f"{1_500_000_000 + i},{surname} MARY {i},{SPECIALTIES[i % 3]},,CHICAGO")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Its module fixture starts a server of its own: one worker runs the module, so the
# server is set up once (split over both workers it was set up twice, ~19 s each).
pytestmark = pytest.mark.xdist_group("company-server")


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The company's own server: its HCPs, users and catalogues, no demo anywhere."""
    server = ServerProcess(tmp_path_factory.mktemp("company"))
    folder = server.workdir
    server.admin("init-db")
    server.admin("create-territory", TERRITORY, "--name", "Chicago west")
    server.admin("create-user", "--username", "mgr", "--role", "manager")
    server.admin(
        "create-user", "--username", "ana", "--role", "rep", "--territory", TERRITORY,
        "--manager", "mgr",
    )  # fmt: skip
    server.admin(
        "import-hcps", str(company_file(folder / "hcps.csv")), "--default-territory", TERRITORY
    )
    for kind, content in [
        ("products", PRODUCTS), ("messages", MESSAGES), ("segments", SEGMENTS),
        ("contact_rules", RULES),
    ]:  # fmt: skip
        path = folder / f"{kind}.json"
        path.write_text(json.dumps(content), encoding="utf-8")
        server.admin("load-catalogue", kind, str(path))
    server.start()
    yield server
    server.stop()


def sign_in_fresh(server: ServerProcess, data_dir: Path, username: str) -> Workspace:
    answerer = DialogAnswerer([sign_in(server.url, username, SERVER_PASSWORD), choose_passphrase])
    try:
        ws, is_demo = first_run(data_dir)
    finally:
        answerer.stop()
    assert not answerer.errors, answerer.errors
    assert ws is not None and not is_demo
    assert ws.messages.all() == []  # nothing bundled: the catalogue comes from the server
    return ws


def synced(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.sync_status.state.text() == "Online", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.taskman.pending == 0, timeout=WAIT_MS)


def visit_every_screen(qtbot: QtBot, window: MainWindow, shots: Path) -> None:
    for page, name in [(TODAY, "today"), (HCPS, "hcps"), (SUGGESTIONS, "suggestions")]:
        window.go(page)
        qtbot.wait(50)
        window.grab().save(str(shots / f"{name}.png"))
    first = window.hcps.model.rows()[0]
    window.open_hcp(first.id)
    qtbot.waitUntil(lambda: window.detail.data is not None, timeout=WAIT_MS)
    window.grab().save(str(shots / "hcp.png"))
    window.go(PLANNER)
    qtbot.waitUntil(lambda: window.planner.is_showing(window.planner.monday), timeout=WAIT_MS)
    window.grab().save(str(shots / "planner.png"))


def test_a_rep_of_another_company_works_from_the_servers_catalogue_on_every_screen(
    qtbot: QtBot, company: ServerProcess, tmp_path: Path
) -> None:
    ws = sign_in_fresh(company, tmp_path / "laptop", "ana")
    window = open_window(qtbot, ws)
    window.resize(1024, 640)
    try:
        qtbot.waitUntil(lambda: window.hcps.model.rowCount() == 60, timeout=WAIT_MS)
        synced(qtbot, window)
        assert ws.messages.products()[0].name == "Renalix"
        assert ws.suggestions.config.monthly_cap == 3  # the company's rules
        visit_every_screen(qtbot, window, tmp_path)

        qtbot.waitUntil(lambda: bool(window.suggestions.model.rows()), timeout=WAIT_MS)
        rows = window.suggestions.model.rows()
        titles = {s.message_title for s in rows if s.message_title}
        assert titles and titles <= {m["title"] for m in MESSAGES}
        assert not titles & DEMO_TITLES
        # A taxonomy path and an upper-case specialty both match "Nephrology" messages.
        by_id = {h.id: h for h in ws.hcps.all()}
        assert {by_id[s.hcp_id].specialty for s in rows if s.message_id} >= set(SPECIALTIES[:2])

        window.log_call(rows[0].hcp_id)
        qtbot.waitUntil(lambda: window.call_dialog is not None, timeout=WAIT_MS)
        dialog = window.call_dialog
        assert dialog is not None
        products = [dialog.products.item(i).text() for i in range(dialog.products.count())]
        assert products == ["Renalix"]
        dialog.grab().save(str(tmp_path / "call_log.png"))
        dialog.close()

        # Legal pulls a message: after one sync it is gone from the device's choices.
        company.admin("withdraw-message", "RNX-EFF-1")
        with qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS):
            window.sync.request_sync()
        synced(qtbot, window)
        assert [m.id for m in ws.messages.usable()] == ["RNX-SAF-1"]
        assert all(s.message_id != "RNX-EFF-1" for s in ws.suggestions.daily_list(limit=30))
        window.log_call(rows[0].hcp_id)
        qtbot.waitUntil(
            lambda: window.call_dialog is not None and window.call_dialog is not dialog,
            timeout=WAIT_MS,
        )
        assert {m.id for m in window.call_dialog.messages} == {"RNX-SAF-1"}
        window.call_dialog.close()
    finally:
        window.close()
        ws.close()


def test_the_manager_of_that_company_signs_in_and_sees_the_team_without_errors(
    qtbot: QtBot, company: ServerProcess, tmp_path: Path
) -> None:
    """A manager gets the team view (issue 12), not the rep's screens."""
    from tests.ui.test_team_view import open_desk

    ws = sign_in_fresh(company, tmp_path / "manager-laptop", "mgr")
    window = open_desk(qtbot, ws, (1024, 640))
    try:
        synced(qtbot, window)
        assert ws.hcps.count() == 60
        assert [p.name for p in ws.messages.products()] == ["Renalix"]
        desk = window.team_desk
        assert desk is not None and "log_call" not in window.actions_by_name
        qtbot.waitUntil(lambda: desk.dashboard.view is not None, timeout=WAIT_MS)
        for tab in range(desk.dashboard.tabs.count()):
            desk.dashboard.tabs.setCurrentIndex(tab)
            qtbot.wait(50)
            window.grab().save(str(tmp_path / f"team-{tab}.png"))
        for page in (1, 4):  # Coaching, Sync inbox
            window.go(page)
            qtbot.wait(50)
            window.grab().save(str(tmp_path / f"page-{page}.png"))
    finally:
        window.close()
        ws.close()


@pytest.mark.parametrize("segments", [[], SEGMENTS[:1]], ids=["no-catalogue", "one-segment"])
def test_every_screen_works_with_an_empty_catalogue_or_a_single_segment(
    qtbot: QtBot, tmp_path: Path, segments: list[dict[str, object]]
) -> None:
    """HCPs with nothing else: no messages, no products, no rules, no history, no
    consents, no coordinates; at most one segment."""
    from fieldrep.domain.hcp import Hcp
    from fieldrep.sync.protocol import CatalogueDocument, CatalogueKind

    ws = Workspace.open(tmp_path / "bare", passphrase="bare workspace 1")
    ws.hcps.upsert_many(
        Hcp(f"h{i}", f"E{i}", f"DOE, JANE {i}", SPECIALTIES[i % 3], "", "", TERRITORY)
        for i in range(12)
    )
    if segments:
        ws.messages.store_documents(
            [CatalogueDocument(kind=CatalogueKind.SEGMENTS, version=1, items=segments)]
        )
    window = open_window(qtbot, ws)
    try:
        visit_every_screen(qtbot, window, tmp_path)
        window.go(SUGGESTIONS)
        qtbot.waitUntil(lambda: window.suggestions.available, timeout=WAIT_MS)
        window.log_call("h0")
        qtbot.waitUntil(lambda: window.call_dialog is not None, timeout=WAIT_MS)
        assert window.call_dialog.messages == []
        window.call_dialog.close()
        assert ws.segment_hints.for_hcp("h0").top == []
    finally:
        window.close()
        ws.close()
