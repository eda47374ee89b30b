"""`GET /reports/team` and `fieldrep-server report team` give the hand-computed figures
of the fixture team (tests/reports/team_fixture.py), on SQLite and PostgreSQL; a manager
sees only their own team, a rep nothing, an admin any manager's team; after the admin
realigns HCPs between the team's reps, coverage and silence follow the HCPs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from fieldrep.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync_server import db
from sync_server.config import Settings
from sync_server.services.hcps import assign
from tests.reports import team_fixture as fx
from tests.reports.team_server import seed_team
from tests.reports.test_known_answers import assert_known_answers
from tests.server.world import Api, Device

PERIOD = {"from": fx.START.isoformat(), "to": fx.END.isoformat()}


@pytest.fixture
def team(settings: Settings, app_client: TestClient) -> Api:
    api = Api(app_client)
    seed_team(settings.database_url, api)
    return api


def _get(device: Device, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {device.token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    return device.http.get("/api/v1/reports/team", params={**PERIOD, **params}, headers=headers)


def test_the_endpoint_gives_the_manager_the_hand_computed_figures(team: Api) -> None:
    manager = team.login(fx.MANAGER, "MGR-LAPTOP")
    response = _get(manager)
    assert response.status_code == 200, response.text
    assert_known_answers(response.json())


def test_the_endpoint_writes_csv_and_xlsx(team: Api) -> None:
    manager = team.login(fx.MANAGER, "MGR-LAPTOP")
    as_csv = _get(manager, format="csv")
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    weekly = as_csv.text.split("# summary")[0].split("\n", 1)[1]
    rows = list(csv.DictReader(io.StringIO(weekly.strip())))
    assert {(r["rep"], r["week"], r["calls"]) for r in rows} == {
        (fx.ALVAREZ, "2026-W47", "6"), (fx.ALVAREZ, "2026-W48", "2"),
        (fx.BRANDT, "2026-W47", "1"), (fx.BRANDT, "2026-W48", "2"),
    }  # fmt: skip
    as_xlsx = _get(manager, format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    summary = list(book["summary"].iter_rows(values_only=True))
    header = list(summary[0])
    alvarez = dict(zip(header, next(r for r in summary if r[0] == fx.ALVAREZ), strict=True))
    assert (alvarez["calls"], alvarez["attainment"]) == (8, pytest.approx(0.7))


def test_a_manager_sees_nothing_of_another_team(team: Api) -> None:
    other = team.login(fx.OTHER_MANAGER, "OTHER-LAPTOP")
    mine = _get(other).json()
    assert mine["reps"] == [fx.ZED]
    assert {r["rep"] for r in mine["weekly"]} == {fx.ZED}
    assert mine["totals"]["calls"] == 1  # z1 only
    assert _get(other, manager=fx.MANAGER).status_code == 403
    assert _get(other, reps=fx.ALVAREZ).status_code == 403


def test_a_rep_cannot_call_the_endpoint(team: Api) -> None:
    rep = team.login(fx.ALVAREZ, "REP-ALVAREZ-LAPTOP")  # the same device: a new session
    response = _get(rep)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_an_admin_names_the_manager_whose_team_to_see(team: Api) -> None:
    admin = team.login("ADMIN-OPS", "OPS-LAPTOP")
    assert _get(admin).status_code == 422  # which team?
    assert _get(admin, manager=fx.ALVAREZ).status_code == 422  # not a manager
    assert_known_answers(_get(admin, manager=fx.MANAGER).json())


def test_a_period_that_ends_before_it_starts_is_refused(team: Api) -> None:
    manager = team.login(fx.MANAGER, "MGR-LAPTOP")
    response = manager.http.get(
        "/api/v1/reports/team",
        params={"from": "2026-12-31", "to": "2026-12-01"},
        headers={"Authorization": f"Bearer {manager.token}"},
    )
    assert response.status_code == 422
    assert "before it starts" in response.json()["message"]


def _cli(server_bin: str, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [server_bin, "--database-url", database_url, "report", "team", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_cli_gives_the_hand_computed_figures(
    team: Api, settings: Settings, server_bin: str, tmp_path: Path
) -> None:
    del team
    url = settings.database_url
    period = ["--from", PERIOD["from"], "--to", PERIOD["to"]]
    done = _cli(server_bin, url, "--manager", fx.MANAGER, *period, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert_known_answers(json.loads(done.stdout))
    other = _cli(server_bin, url, "--manager", fx.OTHER_MANAGER, *period, "--format", "json")
    assert json.loads(other.stdout)["reps"] == [fx.ZED]
    target = tmp_path / "TEAM REPORT.xlsx"
    xlsx = _cli(server_bin, url, "--manager", fx.MANAGER, *period, "--format", "xlsx",
                "--output", str(target))  # fmt: skip
    assert xlsx.returncode == 0, xlsx.stderr
    book = openpyxl.load_workbook(target)
    assert [c.value for c in book["weekly"][1]][:4] == ["rep", "week", "week_start", "calls"]
    no_file = _cli(server_bin, url, "--manager", fx.MANAGER, *period, "--format", "xlsx")
    assert no_file.returncode != 0 and "--output" in no_file.stderr
    rep = _cli(server_bin, url, "--manager", fx.ALVAREZ, *period)
    assert rep.returncode != 0 and "not a manager" in rep.stderr


def _realign(database_url: str, moves: list[tuple[str, str]]) -> None:
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        assert assign(session, assignments=moves) == len(moves)
    engine.dispose()


def test_after_a_realignment_coverage_and_silence_follow_the_hcps(
    team: Api, settings: Settings, server_bin: str
) -> None:
    # The admin moves H1 (tier A, ALVAREZ's calls c1-c7) to BRANDT's T-SOUTH and H8
    # (tier B, a target of the B-tier line, BRANDT's call b5 on 10 September) to T-NORTH.
    _realign(settings.database_url, [("H1", "T-SOUTH"), ("H8", "T-NORTH")])
    report = _get(team.login(fx.MANAGER, "MGR-LAPTOP")).json()
    summary = {r["rep"]: r for r in report["summary"]}
    alvarez, brandt = summary[fx.ALVAREZ], summary[fx.BRANDT]
    # ALVAREZ's calls on H1 happened (8 calls, 2 HCPs reached) but his A-tier HCP now is
    # H2 alone, never called: 0 of 1 (the old figure was 1 of 1 by counting H1).
    assert (alvarez["calls"], alvarez["hcps_reached"]) == (8, 2)
    assert (alvarez["top_tier_reached"], alvarez["top_tier_hcps"]) == (0, 1)
    assert alvarez["top_tier_coverage"] == 0.0
    assert (brandt["top_tier_reached"], brandt["top_tier_hcps"]) == (1, 2)  # H5 of H5, H1
    assert (report["totals"]["top_tier_reached"], report["totals"]["top_tier_hcps"]) == (1, 3)
    silent = {
        (r["rep"], r["hcp_id"]): (r["last_contact"], r["last_contact_by"], r["days_since"])
        for r in report["silent"]
    }
    # H1: ALVAREZ saw it on the as-of day, so BRANDT's list does not name it. H8: nobody
    # for 76 days; the last contact was BRANDT's, before it moved to ALVAREZ.
    assert silent == {
        (fx.ALVAREZ, "H2"): (None, None, None),
        (fx.ALVAREZ, "H8"): ("2026-09-10", fx.BRANDT, 76),
    }
    period = ["--from", PERIOD["from"], "--to", PERIOD["to"]]
    done = _cli(server_bin, settings.database_url, "--manager", fx.MANAGER, *period)
    assert done.returncode == 0, done.stderr
    block = done.stdout.split("# silent\n", 1)[1].split("\n\n", 1)[0]
    rows = {r["hcp_id"]: r for r in csv.DictReader(io.StringIO(block))}
    assert (rows["H8"]["last_contact_by"], rows["H2"]["last_contact_by"]) == (fx.BRANDT, "")
