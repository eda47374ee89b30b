"""Call history import: historical interactions become submitted call notes, once per
source row however often the file is loaded, reach the rep's devices through the feed
and count as contacts for the suggestion engine; bad rows refuse the file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from fieldrep.workspace import Workspace
from sync_server.services.callers import utcnow
from tests.conftest import PASSPHRASE
from tests.server.imports import fingerprint, live_api, run, write
from tests.server.world import PASSWORD

MAPPING = {
    "fields": {
        "source_id": "Call ID",
        "started_at": "Date",
        "hcp_id": "HCP",
        "channel": {"column": "Type", "otherwise": "error",
                    "values": {"Face to face": "visit", "Phone": "phone", "Video": "remote"}},
        "author": "Rep",
        "products": "Products",
        "outcome": {"column": "Result", "values": {"Good": "positive", "OK": "neutral"}},
    }
}  # fmt: skip


def _files(tmp_path: Path, rows: list[str]) -> tuple[Path, Path]:
    csv = write(tmp_path / "calls.csv", "Call ID,Date,HCP,Type,Rep,Products,Result\n"
                + "".join(r + "\n" for r in rows))  # fmt: skip
    return csv, write(tmp_path / "calls-mapping.json", json.dumps(MAPPING))


def test_call_history_is_imported_once_and_reaches_the_reps_device_as_contacts(
    database_url: str, world: None, tmp_path: Path, server_bin: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    day = utcnow().date() - timedelta(days=10)
    csv, mapping = _files(tmp_path, [
        f"C-1,{day},h-n1,Face to face,rep1,Cardiozen;Renalix,Good",
        f"C-2,{day - timedelta(days=30)}T09:30,h-n1,Phone,rep1,,OK",
        f"C-3,{day},h-s1,Video,rep2,Cardiozen,",
    ])  # fmt: skip
    assert run(database_url, "import-calls", str(csv), "--mapping", str(mapping)) == 0
    assert "new 3, already imported 0" in capsys.readouterr().out
    after_first = fingerprint(database_url)
    assert run(database_url, "import-calls", str(csv), "--mapping", str(mapping)) == 0
    assert "new 0, already imported 3" in capsys.readouterr().out
    assert fingerprint(database_url) == after_first

    with live_api(server_bin, database_url, tmp_path / "server.log") as api:
        ws = Workspace.open(tmp_path / "rep1-laptop", passphrase=PASSPHRASE)
        try:
            ws.sync.login(str(api.http.base_url), "rep1", PASSWORD)
            ws.sync.run()
            notes = sorted((n.channel.value, n.products, n.is_locked) for n in ws.calls.all())
            assert notes == [("phone", (), True), ("visit", ("Cardiozen", "Renalix"), True)]
            territory = ws.suggestions.territory(utcnow().date())
            row = territory.hcp_ids.index("h-n1")
            assert territory.history.contacts[row].sum() == 2
            assert territory.history.last_ordinal[row].max() == day.toordinal()
        finally:
            ws.close()


def test_a_call_file_with_bad_rows_is_refused_and_writes_nothing(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv, mapping = _files(tmp_path, [
        "C-1,2026-03-04,h-n1,Face to face,rep1,,Good",
        "C-2,2026-03-04,h-nope,Phone,rep1,,",
        "C-3,2026-03-04,h-n1,Phone,rep_1,,",
        "C-4,04/03/2026,h-n1,Phone,rep1,,",
        "C-5,2026-03-04,h-n1,Fax,rep1,,",
        "C-1,2026-03-04,h-n1,Face to face,rep1,,Good",
    ])  # fmt: skip
    before = fingerprint(database_url)
    assert run(database_url, "import-calls", str(csv), "--mapping", str(mapping)) == 1
    err = capsys.readouterr().err
    assert "line 3: HCP: no HCP 'h-nope'" in err
    assert "line 4: Rep: no user 'rep_1' (did you mean 'rep1'?)" in err
    assert "line 5: Date: '04/03/2026' is not a date like 2026-03-04" in err
    assert "line 6: Type: 'Fax' is not one of the mapping's values" in err
    assert "line 7: the same call as line 2" in err
    assert fingerprint(database_url) == before


def test_a_call_import_dry_run_writes_nothing_and_skip_bad_rows_loads_the_good_ones(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv, mapping = _files(tmp_path, [
        "C-1,2026-03-04,h-n1,Face to face,rep1,,Good",
        "C-2,2026-03-04,h-nope,Phone,rep1,,",
    ])  # fmt: skip
    before = fingerprint(database_url)
    args = ("import-calls", str(csv), "--mapping", str(mapping), "--skip-bad-rows")
    assert run(database_url, *args, "--dry-run") == 0
    assert "new 1, already imported 0, bad 1" in capsys.readouterr().out
    assert fingerprint(database_url) == before
    assert run(database_url, *args) == 0
    assert fingerprint(database_url)["counts"]["call_notes"] == 1
