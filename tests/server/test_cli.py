"""The admin CLI: users, CSV imports (line-numbered errors, all or nothing), assignments,
the demo seed, devices and revocation. Run in-process through `main()`."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sync_server import db
from sync_server.cli import main
from sync_server.models import CallNote, ChangeLogEntry, Hcp, User
from tests.server.world import PASSWORD, Api

HEADER = "id,external_id,name,specialty,tier,decile,latitude,longitude,consent_visit,territory_id\n"
GOOD = "a1,E1,Dr One,Cardiology,A,9,42.1,-71.1,1,T-EAST\n"


def _run(database_url: str, *args: str) -> int:
    return main(["--database-url", database_url, *args])


def _count(database_url: str, model: type) -> int:  # type: ignore[type-arg]
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        count = int(session.execute(select(func.count()).select_from(model)).scalar_one())
    engine.dispose()
    return count


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDREP_PASSWORD", PASSWORD)


def test_import_reports_every_bad_row_with_its_line_and_imports_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "hcps.csv"
    csv.write_text(
        HEADER
        + GOOD
        + "a2,E2,,Cardiology,A,9,42.1,-71.1,1,T-EAST\n"  # line 3: no name
        + 'a3,E3,"Dr Three,\nJr",Oncology,Z,9,42.1,-71.1,1,T-EAST\n'  # line 4-5: bad tier
        + "a4,E4,Dr Four,Oncology,B,eleven,42.1,-71.1,1,T-EAST\n"  # line 6: decile
        + "a1,E5,Dr Dup,Oncology,B,3,42.1,-71.1,maybe,T-EAST\n"  # line 7: consent
        + "a6,E6,Dr Six,Oncology,B,3,142.1,-71.1,1,T-EAST\n"  # line 8: latitude
        + "a1,E7,Dr Dup,Oncology,B,3,42.1,-71.1,1,T-EAST\n",  # line 9: duplicate id
        encoding="utf-8",
    )
    assert _run(database_url, "create-territory", "T-EAST") == 0
    assert _run(database_url, "import-hcps", str(csv)) == 1
    err = capsys.readouterr().err.splitlines()
    lines = [e.split(":")[0] for e in err if e.startswith("line ")]
    assert lines == ["line 3", "line 4", "line 6", "line 7", "line 8", "line 9"]
    assert "name" in err[0] and "tier" in err[1] and "decile" in err[2]
    assert "consent_visit" in err[3] and "latitude" in err[4] and "also on line 2" in err[5]
    assert err[-1].startswith("error: nothing imported: 6 bad row(s)")
    assert _count(database_url, Hcp) == 0
    assert _count(database_url, ChangeLogEntry) == 0

    assert _run(database_url, "import-hcps", str(csv), "--skip-bad-rows") == 0
    assert _count(database_url, Hcp) == 1


def test_import_with_a_column_mapping(database_url: str, tmp_path: Path) -> None:
    csv = tmp_path / "crm.csv"
    csv.write_text("HCP Code,Full Name,Region\nX1,Dr Mapped,T-EAST\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"HCP Code": "external_id", "Full Name": "name"}),
                       encoding="utf-8")  # fmt: skip
    assert _run(database_url, "create-territory", "T-EAST") == 0
    assert _run(database_url, "import-hcps", str(csv), "--mapping", str(mapping),
                "--territory-from", "Region") == 0  # fmt: skip
    assert _count(database_url, Hcp) == 1


def test_import_without_a_required_column_says_which(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("id,name\n1,Dr X\n", encoding="utf-8")
    assert _run(database_url, "import-hcps", str(csv)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'external_id'" in err[0] and "--mapping" in err[0]


def test_assignments_file_moves_hcps_all_or_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "hcps.csv"
    csv.write_text(HEADER + GOOD + GOOD.replace("a1,E1", "a2,E2"), encoding="utf-8")
    for territory in ("T-EAST", "T-WEST"):
        assert _run(database_url, "create-territory", territory) == 0
    assert _run(database_url, "import-hcps", str(csv)) == 0
    moves = tmp_path / "moves.csv"
    moves.write_text("hcp_id,territory_id\na1,T-WEST\nnope,T-WEST\n", encoding="utf-8")
    assert _run(database_url, "assign", "--file", str(moves)) == 1
    assert "line 3: no HCP with id 'nope'" in capsys.readouterr().err
    moves.write_text("hcp_id,territory_id\na1,T-WEST\na2,T-WEST\n", encoding="utf-8")
    assert _run(database_url, "assign", "--file", str(moves)) == 0
    assert _run(database_url, "assign", "--hcp", "a1", "--territory", "T-EAST") == 0
    assert "Moved 1 HCP(s)." in capsys.readouterr().out


def test_a_dry_run_of_one_hcps_move_says_what_it_would_do_and_moves_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`assign --hcp X --territory T --dry-run` moved the HCP for real (and, being a dry
    run, left no audit row)."""
    csv = tmp_path / "hcps.csv"
    csv.write_text(HEADER + GOOD, encoding="utf-8")
    for territory in ("T-EAST", "T-WEST"):
        assert _run(database_url, "create-territory", territory) == 0
    assert _run(database_url, "import-hcps", str(csv)) == 0
    logged = _count(database_url, ChangeLogEntry)
    capsys.readouterr()
    assert _run(database_url, "assign", "--hcp", "a1", "--territory", "T-WEST", "--dry-run") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Would move 1 HCP(s).",
        "Dry run: nothing was written.",
    ]
    assert _count(database_url, ChangeLogEntry) == logged
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        assert session.get(Hcp, "a1").territory_id == "T-EAST"  # type: ignore[union-attr]
    engine.dispose()
    assert _run(database_url, "assign", "--hcp", "a1", "--territory", "T-WEST") == 0
    assert "Moved 1 HCP(s)." in capsys.readouterr().out  # the real one still moves it


def test_create_user_checks_roles_and_managers(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(database_url, "create-user", "--username", "boss", "--role", "manager") == 0
    for territory in ("T1", "T2"):
        assert _run(database_url, "create-territory", territory) == 0
    assert _run(database_url, "create-user", "--username", "r1", "--role", "rep",
                "--territory", "T1", "--territory", "T2", "--manager", "boss") == 0  # fmt: skip
    capsys.readouterr()
    assert (
        _run(database_url, "create-user", "--username", "r2", "--role", "rep", "--manager", "r1")
        == 1
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: 'r1' is not a manager; create the manager first."]
    assert _run(database_url, "create-user", "--username", "r1", "--role", "rep") == 1
    assert _count(database_url, User) == 2


def test_seed_demo_is_fast_idempotent_and_matches_the_demo_csv(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FIELDREP_PASSWORD")
    started = time.perf_counter()
    assert _run(database_url, "seed-demo") == 0
    # The < 5 s target is measured in tests/perf; here only a pathological slowdown fails.
    assert time.perf_counter() - started < 20
    out = capsys.readouterr().out
    assert "800 HCPs" in out and "6210 call notes" in out
    assert "password (shown once)" in out
    assert _run(database_url, "seed-demo") == 0
    assert "password" not in capsys.readouterr().out  # users exist: nothing new to show
    assert _count(database_url, CallNote) == 6210
    assert _count(database_url, Hcp) == 800


def test_devices_lists_syncs_and_revoke_device_revokes(
    database_url: str, capsys: pytest.CaptureFixture[str], api: Api
) -> None:
    device = api.login("rep1", "laptop-7")
    device.handshake()
    device.send("call_note", "n1", hcp_id="h-s1", channel="visit",
                started_at="2026-03-02T10:00:00+00:00", duration_minutes=5)  # fmt: skip
    device.sync_down()
    assert _run(database_url, "devices") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["device", "user", "name", "last_sync"]
    row = next(line for line in out if line.startswith("laptop-7"))
    assert "rep1" in row and "active" in row and "not in your territory" in row
    assert _run(database_url, "revoke-device", "laptop-7") == 0
    assert device.handshake().json()["code"] == "device_revoked"
    assert _run(database_url, "revoke-device", "no-such-device") == 1


def test_an_unreachable_database_is_one_line_and_non_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["--database-url", "postgresql+psycopg://nobody:secret@127.0.0.1:1/x", "devices"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot use the database")
    assert "secret" not in err[0]
