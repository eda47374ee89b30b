"""Cycle-plan goals: the admin loads a CSV or JSON file (checked whole, every problem with
its row, nothing half-loaded, a dry run writes nothing); each rep's devices receive the
cycles that apply to them, each manager's those of the team with the roster, at the next
sync; another team's manager receives none of them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sync_server import db
from sync_server.config import Settings
from sync_server.errors import Invalid
from sync_server.services import goals
from tests.reports import team_fixture as fx
from tests.reports.team_server import seed_users_and_hcps
from tests.server.world import Api, Device

HEADER = "cycle,name,start,end,reps,territories,tier,decile,segment,channel,contacts,cap\n"
FIRST_HALF = (
    f"H1-2027,First half 2027,2027-01-01,2027-06-30,{fx.ALVAREZ},,A,,,visit,6,8\n"
    f"H1-2027,First half 2027,2027-01-01,2027-06-30,{fx.ALVAREZ},,,8-10,,,4,\n"
)


@pytest.fixture
def team(settings: Settings) -> str:
    seed_users_and_hcps(settings.database_url)
    return settings.database_url


def _parse(url: str, text: str, name: str = "goals.csv") -> list[goals.GoalCycle]:
    engine = db.make_engine(url)
    with db.session_factory(engine)() as session:
        try:
            return goals.parse_file(text, file_name=name, known=goals.known(session))
        finally:
            engine.dispose()


def _load(url: str, text: str, name: str = "goals.csv") -> goals.LoadResult:
    engine = db.make_engine(url)
    with db.transaction(db.session_factory(engine)) as session:
        result = goals.load(session, _parse(url, text, name), by="test")
    engine.dispose()
    return result


def _stored(url: str) -> list[str]:
    engine = db.make_engine(url)
    with db.session_factory(engine)() as session:
        ids = [c.id for c in goals.all_cycles(session)]
    engine.dispose()
    return ids


def test_a_csv_file_loads_whole_and_again_changes_nothing(team: str) -> None:
    result = _load(team, fx.GOALS_CSV + FIRST_HALF)
    assert (result.cycles, result.new, result.lines) == (2, 2, 5)
    assert result.reps == 3  # C-Q4 applies to every rep (ZED too); H1-2027 to ALVAREZ
    again = _load(team, fx.GOALS_CSV)
    assert (again.new, again.changed, again.unchanged, again.written) == (0, 0, 1, False)
    assert _stored(team) == ["C-Q4", "H1-2027"]


def test_a_json_file_holds_the_same_rows(team: str) -> None:
    rows = [
        {"cycle": "Q1", "name": "Q1 2027", "start": "2027-01-01", "end": "2027-03-31",
         "territories": ["T-SOUTH"], "tier": "B", "channel": "phone", "contacts": 2, "cap": 3},
    ]  # fmt: skip
    [cycle] = _parse(team, json.dumps(rows, indent=2), "GOALS.JSON")
    assert cycle.territories == ("T-SOUTH",) and cycle.goals[0].cap == 3
    assert cycle.applies_to(fx.BRANDT, {"T-SOUTH"}) and not cycle.applies_to(fx.ALVAREZ, set())


def test_every_problem_is_reported_with_its_row_and_nothing_is_loaded(team: str) -> None:
    bad = HEADER + (
        "Q1,Q1,2027-01-01,2027-03-31,REP-ALVARES,,A,,,visit,3,2\n"  # typo; cap below goal
        "Q1,Q1 again,2027-01-01,2027-03-31,REP-ALVARES,,B,,,fax,2,\n"  # header differs; fax
        "Q2,Q2,2027-06-30,2027-04-01,,T-NOWHERE,A,11,,,0,\n"  # upside down; decile 11; 0
        "Q3,Q3,2027-07-01,2027-09-30,,,A,,,visit,3,\n"
        "Q3,Q3,2027-07-01,2027-09-30,,,A,,,visit,3,\n"  # the same line twice
    )
    with pytest.raises(Invalid) as refused:
        _parse(team, bad)
    problems = str(refused.value)
    for expected in (
        "line 2: cap 2 is below contacts 3",
        "line 3: cycle Q1: name differ(s) from line 2",
        "line 3: channel:",
        "line 4: decile_min:",
        "line 4: contacts:",
        "line 6: the same goal line is already on line 5",
        "line 2: rep 'REP-ALVARES' is not on the server (did you mean 'REP-ALVAREZ'?)",
        "line 4: territory 'T-NOWHERE' is not on the server",
        "line 4: cycle Q2 ends (2027-04-01) before it starts",
    ):
        assert expected in problems, (expected, problems)
    assert _stored(team) == []


def test_unknown_and_missing_columns_are_named(team: str) -> None:
    with pytest.raises(Invalid, match=r"missing column\(s\) contacts"):
        _parse(team, "cycle,name,start,end,tier,contact\nQ1,Q1,2027-01-01,2027-03-31,A,3\n")
    with pytest.raises(Invalid, match="did you mean 'contacts'"):
        _parse(team, "cycle,name,start,end,contacts,contact\nQ1,Q1,2027-01-01,2027-03-31,3,3\n")


def _cli(server_bin: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [server_bin, "--database-url", url, *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_admin_loads_lists_exports_and_removes_goals_from_the_command_line(
    team: str, server_bin: str, tmp_path: Path
) -> None:
    path = tmp_path / "Q4 GOALS.csv"
    path.write_text(fx.GOALS_CSV, encoding="utf-8")
    dry = _cli(server_bin, team, "load-goals", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: 1 cycle(s): 1 new" in dry.stdout and _stored(team) == []
    done = _cli(server_bin, team, "load-goals", str(path))
    assert "Loaded goals: 1 cycle(s): 1 new, 0 changed, 0 unchanged; 3 goal line(s)" in done.stdout
    assert (
        "C-Q4  Q4 2026  2026-10-01..2026-12-31  3 line(s)  every rep"
        in _cli(server_bin, team, "goals").stdout
    )
    exported = tmp_path / "again.csv"
    _cli(server_bin, team, "export-goals", "--output", str(exported))
    assert exported.read_text(encoding="utf-8") == fx.GOALS_CSV  # round trip
    broken = tmp_path / "broken.csv"
    broken.write_text(fx.GOALS_CSV.replace(",visit,3,4", ",visit,3,two"), encoding="utf-8")
    refused = _cli(server_bin, team, "load-goals", str(broken))
    assert refused.returncode == 1 and "line 2: cap:" in refused.stderr
    assert "nothing loaded" in refused.stderr
    assert _cli(server_bin, team, "remove-goals", "C-Q4").returncode == 0
    assert _stored(team) == []
    missing = _cli(server_bin, team, "remove-goals", "C-Q5")
    assert missing.returncode == 1 and "did you mean" not in missing.stderr


def _goals_document(device: Device) -> dict[str, object] | None:
    assert device.handshake().status_code == 200
    device.sync_down()
    return device.records.get(("catalogue", "goals"))


def test_goals_reach_the_reps_and_managers_concerned_through_sync(
    team: str, app_client: TestClient
) -> None:
    _load(team, fx.GOALS_CSV + FIRST_HALF)
    api = Api(app_client)
    alvarez = _goals_document(api.login(fx.ALVAREZ, "A-LAPTOP"))
    brandt = _goals_document(api.login(fx.BRANDT, "B-LAPTOP"))
    manager = _goals_document(api.login(fx.MANAGER, "M-LAPTOP"))
    other = _goals_document(api.login(fx.OTHER_MANAGER, "O-LAPTOP"))
    assert alvarez is not None and brandt is not None and manager is not None
    assert other is not None

    def cycles(doc: dict[str, object]) -> list[str]:
        return [c["id"] for c in doc["cycles"]]  # type: ignore[attr-defined,index]

    def team_of(doc: dict[str, object]) -> list[str]:
        return [m["username"] for m in doc["team"]]  # type: ignore[attr-defined,index]

    assert cycles(alvarez) == ["C-Q4", "H1-2027"] and team_of(alvarez) == [fx.ALVAREZ]
    assert cycles(brandt) == ["C-Q4"] and team_of(brandt) == [fx.BRANDT]
    assert cycles(manager) == ["C-Q4", "H1-2027"]
    assert team_of(manager) == [fx.ALVAREZ, fx.BRANDT]
    assert cycles(other) == ["C-Q4"] and team_of(other) == [fx.ZED]  # nothing of ALVAREZ's


def test_a_device_gets_a_new_goals_document_only_when_it_changed(
    team: str, app_client: TestClient
) -> None:
    _load(team, fx.GOALS_CSV)
    rep = Api(app_client).login(fx.ALVAREZ, "A-LAPTOP")
    first = _goals_document(rep)
    assert first is not None and first["version"] == 1
    assert rep.handshake().status_code == 200
    assert [c for c in rep.sync_down() if c["entity"] == "catalogue"] == []  # unchanged
    _load(team, HEADER + FIRST_HALF)
    again = _goals_document(rep)
    assert again is not None and again["version"] == 2


def test_a_rep_who_changes_team_moves_to_the_new_managers_goals_at_their_next_sync(
    team: str, app_client: TestClient
) -> None:
    from sqlalchemy import update

    from sync_server.models import User

    _load(team, fx.GOALS_CSV)
    api = Api(app_client)
    old_manager = api.login(fx.MANAGER, "M-LAPTOP")
    new_manager = api.login(fx.OTHER_MANAGER, "O-LAPTOP")
    assert _goals_document(old_manager)["team"] == [  # type: ignore[index]
        {"username": fx.ALVAREZ, "territories": ["T-NORTH"]},
        {"username": fx.BRANDT, "territories": ["T-SOUTH"]},
    ]
    _goals_document(new_manager)
    engine = db.make_engine(team)
    with db.transaction(db.session_factory(engine)) as session:
        session.execute(
            update(User).where(User.username == fx.BRANDT).values(manager_username=fx.OTHER_MANAGER)
        )
    engine.dispose()
    # Each call looks the team up again: no new login needed.
    old_doc = _goals_document(old_manager)
    new_doc = _goals_document(new_manager)
    assert old_doc is not None and new_doc is not None
    assert [m["username"] for m in old_doc["team"]] == [fx.ALVAREZ]  # type: ignore[index]
    assert [m["username"] for m in new_doc["team"]] == [fx.BRANDT, fx.ZED]  # type: ignore[index]
    assert old_doc["version"] == 2


def test_a_spreadsheets_semicolons_and_crlf_lines_are_read_too(team: str) -> None:
    text = "\ufeff" + fx.GOALS_CSV.replace(",", ";").replace("\n", "\r\n")
    [cycle] = _parse(team, text, "Q4 GOALS (Excel).CSV")
    assert cycle.id == "C-Q4" and [g.cap for g in cycle.goals] == [4, 1, None]
