"""Refreshing HCP master data keeps the alignment and every value the file does not
carry (issue 10, finding 3); dry run and the blanking guard show before anything is
written; territories come from a file only when the admin asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.imports import fingerprint, hcp_data, live_api, run, write

# The master file as the admin first loaded it: territories included.
MASTER = (
    "id,external_id,name,specialty,city,territory_id\n"
    "h-n1,EXT-h-n1,Dr h-n1,Cardiology,Boston,T-NORTH\n"
    "h-n2,EXT-h-n2,Dr h-n2,Cardiology,Boston,T-NORTH\n"
)


def test_reimporting_the_master_file_keeps_the_alignment_made_since(
    database_url: str, world: None, tmp_path: Path, server_bin: str
) -> None:
    assert run(database_url, "assign", "--hcp", "h-n1", "--territory", "T-SOUTH") == 0
    csv = write(tmp_path / "master.csv", MASTER.replace("Dr h-n1", "Dr H. N. One"))
    assert run(database_url, "import-hcps", str(csv)) == 0
    stored = hcp_data(database_url)["h-n1"]
    assert (stored["_territory"], stored["name"]) == ("T-SOUTH", "Dr H. N. One")
    with live_api(server_bin, database_url, tmp_path / "server.log") as api:
        north, south = api.login("rep1"), api.login("rep2")
        north.sync_down()
        south.sync_down()
        assert "h-n1" not in north.ids("hcp") and "h-n1" in south.ids("hcp")
        assert south.records[("hcp", "h-n1")]["name"] == "Dr H. N. One"


def test_a_file_without_territories_refreshes_existing_hcps_and_keeps_unmapped_values(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "refresh.csv", "id,external_id,name,city\nh-n1,EXT-h-n1,Dr A,Salem\n")
    assert run(database_url, "import-hcps", str(csv)) == 0
    stored = hcp_data(database_url)["h-n1"]
    assert (stored["name"], stored["city"], stored["_territory"]) == ("Dr A", "Salem", "T-NORTH")
    # Not in the file, so kept: specialty, decile, consents, coordinates.
    assert (stored["specialty"], stored["decile"], stored["consents"]) == (
        "Cardiology", 8, {"visit": True},
    )  # fmt: skip
    assert stored["latitude"] == 42.3
    out = capsys.readouterr().out
    assert "new 0, updated 1, unchanged 0, moved 0" in out
    assert "stored HCPs not in this file: 5 (kept; an import never deletes)" in out


def test_territory_from_realigns_and_default_territory_places_only_new_hcps(
    database_url: str, world: None, tmp_path: Path
) -> None:
    csv = write(
        tmp_path / "crm.csv",
        "id,external_id,name,Region\nh-n1,EXT-h-n1,Dr h-n1,T-WEST\nnew-1,N1,Dr New,T-WEST\n",
    )
    assert run(database_url, "import-hcps", str(csv), "--default-territory", "T-SOUTH") == 0
    stored = hcp_data(database_url)
    assert (stored["h-n1"]["_territory"], stored["new-1"]["_territory"]) == ("T-NORTH", "T-SOUTH")
    assert run(database_url, "import-hcps", str(csv), "--territory-from", "Region") == 0
    stored = hcp_data(database_url)
    assert (stored["h-n1"]["_territory"], stored["new-1"]["_territory"]) == ("T-WEST", "T-WEST")


def test_new_hcps_with_no_territory_wait_unassigned_and_no_rep_sees_them(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "new.csv", "external_id,name\nN1,Dr New\n")
    assert run(database_url, "import-hcps", str(csv)) == 0
    assert "1 new HCP(s) have no territory yet" in capsys.readouterr().out
    assert hcp_data(database_url)["N1"]["_territory"] == "UNASSIGNED"


def test_an_import_that_would_blank_a_field_for_many_hcps_is_refused_unless_allowed(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(
        tmp_path / "blank.csv",
        "id,external_id,name,city\nh-n1,EXT-h-n1,Dr h-n1,\nh-n2,EXT-h-n2,Dr h-n2,\n",
    )
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv)) == 1
    captured = capsys.readouterr()
    assert "values becoming empty: city 2 (100.0%)" in captured.out
    assert "it would empty city (2 of 2, 100%)" in captured.err
    assert "--allow-blanking city" in captured.err
    assert fingerprint(database_url) == before
    assert run(database_url, "import-hcps", str(csv), "--allow-blanking", "city") == 0
    assert hcp_data(database_url)["h-n1"]["city"] == ""


def test_a_dry_run_prints_the_summary_and_writes_nothing(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(
        tmp_path / "dry.csv",
        "id,external_id,name,city,Region\n"
        "h-n1,EXT-h-n1,Dr h-n1,Salem,T-SOUTH\nh-n2,EXT-h-n2,Dr h-n2,Boston,T-NORTH\n"
        "n-9,N9,Dr Nine,Boston,T-NORTH\n",
    )
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv), "--territory-from", "Region",
               "--dry-run") == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "new 1, updated 0, unchanged 1, moved 1" in out
    assert "Dry run: nothing was written." in out
    assert fingerprint(database_url) == before


def test_a_territory_column_naming_an_unknown_territory_is_refused_with_a_suggestion(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "typo.csv", "external_id,name,territory_id\nN1,Dr New,T-NROTH\n")
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv)) == 1
    assert "no territory 'T-NROTH' (did you mean 'T-NORTH'?)" in capsys.readouterr().err
    assert run(database_url, "import-hcps", str(csv), "--default-territory", "T-SOTH") == 1
    assert "No territory 'T-SOTH' (did you mean 'T-SOUTH'?)" in capsys.readouterr().err
    assert fingerprint(database_url) == before


def test_a_territory_column_is_not_said_to_place_hcps_when_none_is_new(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stranger's re-import said the column "gave new HCPs their territory" with no
    new HCP in the file."""
    csv = write(tmp_path / "master.csv", MASTER)
    assert run(database_url, "import-hcps", str(csv)) == 0
    out = capsys.readouterr().out
    assert "'territory_id' was not used: no HCP is new" in out
    assert "gave new HCPs their territory" not in out
    fresh = write(
        tmp_path / "new.csv", MASTER + "h-x9,EXT-h-x9,Dr h-x9,Cardiology,Boston,T-NORTH\n"
    )
    assert run(database_url, "import-hcps", str(fresh)) == 0
    assert "'territory_id' gave new HCPs their territory" in capsys.readouterr().out
