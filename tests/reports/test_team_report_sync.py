"""End to end through a real server on 127.0.0.1: the reps' devices push, the manager's
laptop syncs (read-only: the team's HCPs, submitted notes, plans, feedback, confirmed
segments, goals with the roster) and its encrypted workspace gives the hand-computed
figures; offline afterwards. A rep's laptop gets its own goals and pace for Today."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fieldrep.reports.export import as_json
from fieldrep.reports.team import TeamFilter
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.reports import team_fixture as fx
from tests.reports.team_server import load_goals, push_rep_records, seed_users_and_hcps
from tests.reports.test_known_answers import assert_known_answers
from tests.server.world import PASSWORD, Api
from tests.sync.servers import ServerProcess


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("team-server")).start()
    try:
        seed_users_and_hcps(server.database_url)
        load_goals(server.database_url)
        with httpx.Client(base_url=server.url, timeout=30) as http:
            push_rep_records(Api(http))
        yield server
    finally:
        server.stop()


def _laptop(tmp_path: Path, server: ServerProcess, username: str) -> Workspace:
    ws = Workspace.open(tmp_path / username, passphrase=PASSPHRASE)
    ws.sync.login(server.url, username, PASSWORD)
    report = ws.sync.run()
    assert report.pulled > 0 and report.rejected == 0
    return ws


def test_the_managers_synced_workspace_gives_the_hand_computed_figures(
    team_server: ServerProcess, tmp_path: Path
) -> None:
    with _laptop(tmp_path, team_server, fx.MANAGER) as ws:
        ids = {n.id for n in ws.calls.all()}
        assert "d1" not in ids  # a draft stays with its rep
        assert "z1" not in ids and "H7" not in {h.id for h in ws.hcps.all()}  # another team
        goals = ws.reports.goals()
        assert goals is not None
        assert [m.username for m in goals.team] == [fx.ALVAREZ, fx.BRANDT]
        assert [c.id for c in goals.cycles] == ["C-Q4"]
        team_server.stop()  # offline from here: the figures come from the laptop alone
        try:
            assert_known_answers(as_json(ws.reports.team(TeamFilter(fx.START, fx.END))))
        finally:
            team_server.start()


def test_a_rep_sees_their_own_goals_and_pace(team_server: ServerProcess, tmp_path: Path) -> None:
    with _laptop(tmp_path, team_server, fx.BRANDT) as ws:
        goals = ws.reports.goals()
        assert goals is not None and [m.username for m in goals.team] == [fx.BRANDT]
        lines = ws.reports.rep_attainment(fx.END)
        # H5: 2 of 3 visits and 0 of 1 e-mail; H6 and H8: 1 of 4 contacts.
        assert [line.sentence() for line in lines] == [
            "A-tier: 50 % of the cycle done, 61 % of the time gone",
            "B-tier: 25 % of the cycle done, 61 % of the time gone",
        ]
        assert not lines[0].on_pace
