"""On a day a quiet period covers, Today and Suggestions say so instead of "check back
after the next sync" (the built-in contact rules apply until the company loads its own:
docs/admin.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from fieldrep.clock import Clock
from fieldrep.demo import import_demo
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.pinned_clock import today
from tests.ui.conftest import WAIT_MS, open_window

NEW_YORK = ZoneInfo("America/New_York")
SAID = "Quiet period (year-end holidays) until 1 Jan: no suggestions."


@pytest.fixture
def new_years_eve(tmp_path: Path) -> Iterator[Workspace]:
    wall = datetime(2026, 12, 31, 10, 0, tzinfo=NEW_YORK)
    ws = Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE, clock=Clock.frozen(wall, NEW_YORK))
    import_demo(ws)
    yield ws
    ws.close()


def test_today_and_suggestions_name_the_quiet_period(
    qtbot: QtBot, new_years_eve: Workspace
) -> None:
    window = open_window(qtbot, new_years_eve)
    try:
        qtbot.waitUntil(lambda: window.today.data is not None, timeout=WAIT_MS)
        assert window.today.data is not None and not window.today.data.suggestions
        qtbot.waitUntil(lambda: window.today.suggestion_empty.text() == SAID, timeout=WAIT_MS)
        window.suggestions.reload()
        qtbot.waitUntil(lambda: window.suggestions.empty.text() == SAID, timeout=WAIT_MS)
    finally:
        window.close()


def test_no_quiet_note_on_an_ordinary_day(demo_workspace: Workspace) -> None:
    agenda = demo_workspace.today.agenda(today())
    assert agenda.quiet_note == "" and agenda.suggestions
    assert demo_workspace.suggestion_list.daily(today()).quiet_note == ""
