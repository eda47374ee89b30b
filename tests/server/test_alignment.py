"""Alignment is its own file, checked as a whole before anything moves: an HCP named
twice (issue 10, finding 4) or an unknown HCP or territory refuses the file; moves leave
no ghost on any device; territories are never created by a typo."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync_server import db
from sync_server.services.hcps import assign
from tests.server.imports import fingerprint, hcp_data, live_api, run, write


def test_an_hcp_named_twice_in_an_alignment_file_is_refused_with_both_lines(
    database_url: str, world: None, tmp_path: Path, server_bin: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    moves = write(tmp_path / "align.csv", "hcp_id,territory_id\nh-n1,T-SOUTH\nh-n1,T-WEST\n")
    with live_api(server_bin, database_url, tmp_path / "server.log") as api:
        south = api.login("rep2")
        south.sync_down()
        before = fingerprint(database_url)
        assert run(database_url, "assign", str(moves)) == 1
        err = capsys.readouterr().err
        assert "line 3: HCP 'h-n1' is on lines 2 and 3" in err
        assert fingerprint(database_url) == before
        south.sync_down()
        assert "h-n1" not in south.ids("hcp")


def test_an_hcp_moved_twice_in_one_batch_leaves_no_ghost_on_any_device(
    database_url: str, world: None, tmp_path: Path, server_bin: str
) -> None:
    with live_api(server_bin, database_url, tmp_path / "server.log") as api:
        devices = {rep: api.login(rep) for rep in ("rep1", "rep2", "rep3")}
        for device in devices.values():
            device.sync_down()
        engine = db.make_engine(database_url)
        with db.transaction(db.session_factory(engine)) as session:
            assert assign(session, assignments=[("h-n1", "T-SOUTH"), ("h-n1", "T-WEST")]) == 2
        engine.dispose()
        for device in devices.values():
            device.sync_down()
        assert "h-n1" not in devices["rep1"].ids("hcp")
        assert "h-n1" not in devices["rep2"].ids("hcp")  # was the ghost
        assert "h-n1" in devices["rep3"].ids("hcp")


def test_an_alignment_file_is_checked_whole_and_previewed_before_it_moves_anything(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(
        tmp_path / "bad.csv",
        "hcp_id,territory_id\nh-n1,T-SOUTH\nnope,T-SOUTH\nh-n2,T-SOTH\n130.0,T-WEST\n,T-WEST\n",
    )
    before = fingerprint(database_url)
    assert run(database_url, "assign", str(bad)) == 1
    err = capsys.readouterr().err
    assert "line 3: no HCP with id 'nope'" in err
    assert "line 4: no territory 'T-SOTH' (did you mean 'T-SOUTH'?)" in err
    assert "line 5: hcp_id: '130.0' looks changed by Excel" in err
    assert "line 6: hcp_id is empty" in err
    assert "nothing assigned: 4 bad row(s)" in err
    assert fingerprint(database_url) == before

    good = write(tmp_path / "good.csv", "hcp_id,territory_id\nh-n1,T-SOUTH\nh-n2,T-SOUTH\n"
                 "h-n3,T-NORTH\nh-w1,T-SOUTH\n")  # fmt: skip
    assert run(database_url, "assign", str(good), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "moved 3, unchanged 1" in out and "T-NORTH -> T-SOUTH: 2" in out
    assert "T-WEST -> T-SOUTH: 1" in out and "Dry run: nothing was written." in out
    assert fingerprint(database_url) == before
    assert run(database_url, "assign", str(good)) == 0
    assert "moved 3, unchanged 1" in capsys.readouterr().out
    assert hcp_data(database_url)["h-w1"]["_territory"] == "T-SOUTH"


def test_a_mistyped_territory_never_creates_one(
    database_url: str, world: None, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("FIELDREP_PASSWORD", "a-long-password")
    before = fingerprint(database_url)
    assert run(database_url, "assign", "--hcp", "h-n1", "--territory", "T-SOTUH") == 1
    assert "No territory 'T-SOTUH' (did you mean 'T-SOUTH'?)" in capsys.readouterr().err
    assert run(database_url, "create-user", "--username", "rep9", "--role", "rep",
               "--territory", "t-west") == 1  # fmt: skip
    assert "did you mean 'T-WEST'?" in capsys.readouterr().err
    assert run(database_url, "create-user", "--username", "rep9", "--role", "rep",
               "--manager", "manager") == 1  # fmt: skip
    assert "'manager' is not a manager (did you mean 'manager1'?)" in capsys.readouterr().err
    assert fingerprint(database_url) == before
    assert run(database_url, "create-territory", "T-EAST", "--name", "East") == 0
    assert run(database_url, "create-territory", "T-EAST") == 1
    assert run(database_url, "create-user", "--username", "rep9", "--role", "rep",
               "--territory", "T-EAST") == 0  # fmt: skip
    assert run(database_url, "territories") == 0
    assert "T-EAST  East  0 HCP(s)  reps: rep9" in capsys.readouterr().out


def test_an_hcp_id_typed_in_another_case_gets_a_did_you_mean(
    database_url: str, world: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Ids are exact; a stranger typed `acme0005` for ACME0005 and got no hint."""
    before = fingerprint(database_url)
    assert run(database_url, "assign", "--hcp", "H-N1", "--territory", "T-SOUTH") == 1
    assert "No HCP with id 'H-N1' (did you mean 'h-n1'?)." in capsys.readouterr().err
    moves = write(tmp_path / "moves.csv", "hcp_id,territory_id\nH-N2,T-SOUTH\nh-zz,T-SOUTH\n")
    assert run(database_url, "assign", str(moves)) == 1
    err = capsys.readouterr()
    text = err.out + err.err
    assert "no HCP with id 'H-N2' (did you mean 'h-n2'?)" in text
    assert "no HCP with id 'h-zz'" in text and "h-zz' (did you mean" not in text
    assert fingerprint(database_url) == before
