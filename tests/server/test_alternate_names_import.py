"""Alternate names come from the master file: one cell, names separated by ";"."""

from __future__ import annotations

from pathlib import Path

from tests.server.imports import hcp_data, run, write


def test_an_alternate_names_column_is_stored_as_a_list_of_names(
    database_url: str, world: None, tmp_path: Path
) -> None:
    csv = write(
        tmp_path / "master.csv",
        "id,external_id,name,alternate_names\n"
        'h-n1,EXT-h-n1,"NGUYEN, LINH","TRAN, LINH; LE, LINH"\n'
        'h-n2,EXT-h-n2,"O\'LOUGHLIN, MARY",\n',
    )
    assert run(database_url, "import-hcps", str(csv)) == 0
    stored = hcp_data(database_url)
    assert stored["h-n1"]["alternate_names"] == ["TRAN, LINH", "LE, LINH"]
    assert stored["h-n2"]["alternate_names"] == []
