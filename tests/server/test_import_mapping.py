"""Mapping files say what they do: a mistake in one is refused before any row is read,
and never blanks a field (issue 10, finding 2); joins, constants, value maps and case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.server.imports import fingerprint, hcp_data, live_api, run, write

FILE = (
    "id,external_id,Name,Speciality,Town,Addr1,Addr2,territory_id\n"
    "h-n1,EXT-h-n1,Dr h-n1,Oncology,Salem,2 High St,,T-NORTH\n"
    "h-n2,EXT-h-n2,Dr h-n2,Oncology,Salem,3 High St,,T-NORTH\n"
)


def _mapping(tmp_path: Path, spec: object) -> str:
    return str(write(tmp_path / "mapping.json", json.dumps(spec)))


def test_a_mapping_to_an_unknown_field_is_refused_and_blanks_nothing(
    database_url: str, world: None, tmp_path: Path, server_bin: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    csv = write(tmp_path / "hcps.csv", FILE)
    mapping = _mapping(tmp_path, {"id": "id", "external_id": "external_id", "Name": "name",
                                  "Speciality": "speciality", "Town": "city"})  # fmt: skip
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv), "--mapping", mapping) == 1
    err = capsys.readouterr().err
    assert "'speciality' is not a field Fieldrep knows (did you mean 'specialty'?)" in err
    assert fingerprint(database_url) == before
    with live_api(server_bin, database_url, tmp_path / "server.log") as api:
        device = api.login("rep1")
        device.sync_down()
        assert device.records[("hcp", "h-n1")]["specialty"] == "Cardiology"


def test_a_mapping_from_a_missing_column_is_refused_naming_it(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "hcps.csv", FILE)
    mapping = _mapping(tmp_path, {"id": "id", "external_id": "external_id", "Name": "name",
                                  "Speciality": "specialty", "City": "city"})  # fmt: skip
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv), "--mapping", mapping) == 1
    err = capsys.readouterr().err
    assert "hcps.csv has no column 'City'" in err and "Town" in err
    assert fingerprint(database_url) == before
    assert hcp_data(database_url)["h-n1"]["city"] == "Boston"


@pytest.mark.parametrize(
    "spec",
    [
        {"id": "id", "external_id": "external_id", "Name": "name",
         "Addr1": "address", "Addr2": "address"},
        '{"fields": {"id": "id", "external_id": "external_id", "name": "Name",'
        ' "address": "Addr1", "address": "Addr2"}}',
    ],
    ids=["flat", "fields"],
)  # fmt: skip
def test_two_sources_for_one_field_are_refused(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    spec: object,
) -> None:  # fmt: skip
    csv = write(tmp_path / "hcps.csv", FILE)
    path = tmp_path / "mapping.json"
    path.write_text(spec if isinstance(spec, str) else json.dumps(spec), encoding="utf-8")
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv), "--mapping", str(path)) == 1
    err = capsys.readouterr().err
    assert "address" in err and ("both map to" in err or "twice" in err)
    assert fingerprint(database_url) == before
    assert hcp_data(database_url)["h-n1"]["address"] == "1 Main St"


def test_a_mapping_joins_columns_sets_constants_maps_values_and_title_cases(
    database_url: str, world: None, tmp_path: Path
) -> None:
    csv = write(
        tmp_path / "npi.csv",
        "NPI,FIRST,LAST,Taxonomy,Line 1,Line 2,ZIP\n"
        "1234567890,MARY,O'BRIEN,Allopathic & Osteopathic Physicians/Internal Medicine/"
        "Cardiovascular Disease,1 ELM ST,SUITE 2,021011234\n"
        "1234567891,JOHN,SMITH,Allopathic & Osteopathic Physicians/Family Medicine,"
        "5 OAK AVE,,02139\n",
    )
    taxonomy = "Allopathic & Osteopathic Physicians/Internal Medicine/Cardiovascular Disease"
    mapping = _mapping(tmp_path, {
        "country": "US",
        "required": ["postcode"],
        "fields": {
            "external_id": "NPI", "npi": "NPI",
            "name": {"join": ["FIRST", "LAST"], "case": "title"},
            "address": {"join": ["Line 1", "Line 2"], "separator": ", ", "case": "title"},
            "specialty": {"column": "Taxonomy", "values": {taxonomy: "Cardiology"},
                          "otherwise": "blank"},
            "postcode": "ZIP",
            "tier": {"value": "B"},
        },
    })  # fmt: skip
    assert run(database_url, "create-territory", "T-NEW") == 0
    assert run(database_url, "import-hcps", str(csv), "--mapping", mapping,
               "--default-territory", "T-NEW") == 0  # fmt: skip
    mary, john = hcp_data(database_url)["1234567890"], hcp_data(database_url)["1234567891"]
    assert (mary["name"], mary["address"]) == ("Mary O'Brien", "1 Elm St, Suite 2")
    assert (mary["specialty"], mary["postcode"], mary["tier"]) == ("Cardiology", "02101-1234", "B")
    assert (john["address"], john["specialty"], john["_territory"]) == ("5 Oak Ave", "", "T-NEW")


def test_a_required_field_left_empty_is_a_bad_row_naming_the_column(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "npi.csv", "NPI,Name,ZIP\n111,Dr A,02139\n222,Dr B,\n")
    mapping = _mapping(tmp_path, {"required": ["postcode"], "fields": {
        "external_id": "NPI", "name": "Name", "postcode": "ZIP"}})  # fmt: skip
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv), "--mapping", mapping) == 1
    assert "line 3: ZIP is empty (the mapping requires it)" in capsys.readouterr().err
    assert fingerprint(database_url) == before


def test_mapping_a_territory_column_in_a_master_file_says_how_to_realign_instead(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "hcps.csv", FILE)
    fields = {"id": "id", "external_id": "external_id", "name": "Name",
              "territory_id": "territory_id"}  # fmt: skip
    mapping = _mapping(tmp_path, {"fields": fields})
    before = fingerprint(database_url)
    assert run(database_url, "import-hcps", str(csv), "--mapping", mapping) == 1
    assert "territories are not master data" in capsys.readouterr().err
    assert fingerprint(database_url) == before
