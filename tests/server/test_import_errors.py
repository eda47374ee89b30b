"""Whole-file and row errors an admin can act on (issue 10, item 5): delimiters, encodings,
ragged rows, the admin's column names and the editor's line numbers, postcodes per
country, ids Excel has changed, empty files. Every refusal writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.server.imports import fingerprint, hcp_data, run, write


@pytest.fixture(autouse=True)
def _territory(database_url: str) -> None:
    assert run(database_url, "create-territory", "T1") == 0


def _import(database_url: str, path: Path, *args: str) -> int:
    return run(database_url, "import-hcps", str(path), "--default-territory", "T1", *args)


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_semicolon_tab_and_pipe_files_are_read_without_being_told(
    database_url: str, tmp_path: Path, delimiter: str
) -> None:
    rows = [["external_id", "name", "city"], ["E1", "Dr One", "Köln"], ["E2", "Dr Two", "Bonn"]]
    csv = write(tmp_path / "hcps.csv", "".join(delimiter.join(r) + "\n" for r in rows))
    assert _import(database_url, csv) == 0
    assert hcp_data(database_url)["E1"]["city"] == "Köln"


def test_a_wrong_delimiter_is_explained(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "hcps.csv", "external_id;name\nE1;Dr One\n")
    before = fingerprint(database_url)
    assert _import(database_url, csv, "--delimiter", ",") == 1
    err = capsys.readouterr().err
    assert "looks semicolon-separated" in err and "--delimiter ';'" in err
    assert fingerprint(database_url) == before


def test_a_latin1_file_is_named_with_the_fix(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "hcps.csv", "external_id,name\nE1,Dr One\nE2,Dr Müller\n", "latin-1")
    before = fingerprint(database_url)
    assert _import(database_url, csv) == 1
    err = capsys.readouterr().err
    assert "hcps.csv is not UTF-8: line 3" in err and "CSV UTF-8" in err
    assert "--encoding cp1252" in err
    assert fingerprint(database_url) == before
    assert _import(database_url, csv, "--encoding", "cp1252") == 0
    assert hcp_data(database_url)["E2"]["name"] == "Dr Müller"


def test_a_row_with_an_extra_field_is_one_bad_row_that_skip_bad_rows_leaves_out(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path / "hcps.csv", "external_id,name\nE1,Dr One\nE2,Dr Two, Jr\nE3,Dr 3\n")
    before = fingerprint(database_url)
    assert _import(database_url, csv) == 1
    assert "line 3: 3 fields where the header has 2" in capsys.readouterr().err
    assert fingerprint(database_url) == before
    assert _import(database_url, csv, "--skip-bad-rows") == 0
    assert sorted(hcp_data(database_url)) == ["E1", "E3"]


def test_reasons_name_the_admins_column_and_lines_survive_empty_rows(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(
        tmp_path / "hcps.csv",
        "Code,Full name,ZIP,Decile\nE1,Dr One,02139,3\n,,,\n\nE2,Dr Two,5O314,4\n"
        "E3,Dr Three,2139,x\n",
    )
    mapping = write(
        tmp_path / "m.json",
        json.dumps(
            {
                "country": "US",
                "fields": {
                    "external_id": "Code",
                    "name": "Full name",
                    "postcode": "ZIP",
                    "decile": "Decile",
                },
            }
        ),
    )
    before = fingerprint(database_url)
    assert _import(database_url, csv, "--mapping", str(mapping)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("line 5: ZIP: '5O314' is not 5 digits") and "O for 0" in err[0]
    assert err[1].startswith("line 6: ZIP: '2139'") and "leading zero" in err[1]
    assert fingerprint(database_url) == before


@pytest.mark.parametrize(
    "case",
    [
        ("US", "021391234", "02139-1234", "1234"),
        ("DE", "50667", "50667", "5066"),
        ("FR", "75008", "75008", "7500A"),
        ("UK", "sw1a1aa", "SW1A 1AA", "SW1A"),
    ],
    ids=["US", "DE", "FR", "UK"],
)
def test_postcodes_are_checked_for_the_country(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    case: tuple[str, str, str, str],
) -> None:  # fmt: skip
    country, good, stored, bad = case
    csv = write(tmp_path / "hcps.csv", f"external_id,name,postcode\nE1,Dr One,{bad}\n")
    before = fingerprint(database_url)
    assert _import(database_url, csv, "--country", country) == 1
    assert f"line 2: postcode: '{bad}' is not" in capsys.readouterr().err
    assert fingerprint(database_url) == before
    csv = write(tmp_path / "hcps.csv", f"external_id,name,postcode\nE1,Dr One,{good}\n")
    assert _import(database_url, csv, "--country", country) == 0
    assert hcp_data(database_url)["E1"]["postcode"] == stored


@pytest.mark.parametrize("mangled", ["130.0", "1.23457E+09", '="0123"'])
def test_ids_excel_has_changed_are_refused(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], mangled: str
) -> None:
    csv = write(
        tmp_path / "hcps.csv",
        f'external_id,name\n"{mangled.replace(chr(34), 2 * chr(34))}",Dr One\n',
    )
    before = fingerprint(database_url)
    assert _import(database_url, csv) == 1
    assert "looks changed by Excel" in capsys.readouterr().err
    assert fingerprint(database_url) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "is empty: nothing to import"),
     ("external_id,name\n", "has a header but no rows: nothing to import"),
     ("external_id,name\n,,\n", "has a header but no rows"),
     ("external_id,name,name\nE1,A,B\n", "names 'name' twice (columns 2 and 3)")],
)  # fmt: skip
def test_empty_and_header_only_files_are_refused_in_a_sentence(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
    message: str,
) -> None:  # fmt: skip
    csv = write(tmp_path / "hcps.csv", text)
    before = fingerprint(database_url)
    assert _import(database_url, csv) == 1
    err = capsys.readouterr().err
    assert message in err and "Imported" not in err
    assert fingerprint(database_url) == before
