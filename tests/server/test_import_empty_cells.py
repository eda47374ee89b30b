"""An empty optional cell in an HCP file means "not given": a new HCP takes the documented
default, an existing one keeps its value, for the fields that have no empty value (tier,
decile, patient volume, do-not-contact, consents). A cell that is really wrong says
what it held; the summary counts only rows that would be imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.imports import fingerprint, hcp_data, run, write

# A national-file style export: upper-case names, no decile or consent columns.
FILE = (
    "external_id,name,city,postcode,tier,do_not_contact\n"
    "1000000001,DR ANNE SMITH,BOSTON,02139,A,1\n"
    "1000000002,DR BOB JONES,BOSTON,02139,,\n"
    "1000000003,DR CARL WHITE,BOSTON,02139,b,0\n"
)


def test_empty_optional_cells_give_a_new_hcp_the_defaults(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "hcps.csv", FILE)
    assert run(database_url, "import-hcps", str(csv), "--country", "US") == 0
    stored = hcp_data(database_url)
    jones = stored["1000000002"]
    assert (jones["name"], jones["tier"], jones["decile"]) == ("DR BOB JONES", "C", 5)
    assert (jones["do_not_contact"], jones["consents"]) == (False, {})
    assert stored["1000000003"]["tier"] == "B"  # a tier in either case
    out = capsys.readouterr().out
    assert "new 3, updated 0, unchanged 0, moved 0" in out
    assert "3 new HCP(s) have no territory yet" in out


def test_empty_optional_cells_keep_an_existing_hcps_values(
    database_url: str, tmp_path: Path
) -> None:
    assert run(database_url, "import-hcps", str(write(tmp_path / "a.csv", FILE))) == 0
    consent = "external_id,name,consent_visit\n1000000001,DR ANNE SMITH,1\n"
    assert run(database_url, "import-hcps", str(write(tmp_path / "b.csv", consent))) == 0
    refresh = "external_id,name,tier,do_not_contact,consent_visit\n1000000001,DR A SMITH,,,\n"
    assert run(database_url, "import-hcps", str(write(tmp_path / "c.csv", refresh))) == 0
    smith = hcp_data(database_url)["1000000001"]
    assert (smith["name"], smith["tier"], smith["do_not_contact"]) == ("DR A SMITH", "A", True)
    assert smith["consents"] == {"visit": True}


def test_a_bad_cell_says_what_it_held_and_is_not_counted_as_new(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(
        tmp_path / "hcps.csv",
        FILE + "1000000004,DR DANA GREEN,BOSTON,02139,X,0\n"
        "1000000005,,BOSTON,02139,D,0\n"
        "1000000006,DR EVE BLACK,BOSTON,02139,D,0\n",
    )
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv), "--country", "US") == 1
    captured = capsys.readouterr()
    assert "line 5: tier: 'X' is not one of A, B, C, D" in captured.err
    assert "line 6: name: empty" in captured.err
    assert "new 4, updated 0, unchanged 0, moved 0, bad 2" in captured.out
    assert "4 new HCP(s) have no territory yet" in captured.out
    assert fingerprint(database_url) == before
