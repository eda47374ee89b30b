"""The monthly routine end to end, on a real server with real encrypted devices: load a
5,000-row national file, align it into three territories, sync two reps, refresh the
file (3 % changed, 1 % new), realign 50 HCPs, prune; then a brand-new device of each rep
syncs completely, every device holds exactly its territory and no field became empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.server.imports import hcp_data, live_api, run
from tests.server.npi_file import (
    NPI,
    npi_rows,
    refreshed,
    write_alignment,
    write_mapping,
    write_rows,
)
from tests.sync.servers import SERVER_PASSWORD

TERRITORIES = ("EAST", "CENTRAL", "WEST")
REPS = {"rep-east": "EAST", "rep-west": "WEST"}
COMPARED = ("name", "specialty", "address", "city", "postcode", "npi")


def _device(folder: Path, url: str, username: str) -> Workspace:
    ws = Workspace.open(folder, passphrase=PASSPHRASE)
    ws.sync.login(url, username, SERVER_PASSWORD)
    return ws


def _holdings(ws: Workspace) -> dict[str, tuple[Any, ...]]:
    return {h.id: tuple(getattr(h, f) for f in COMPARED) for h in ws.hcps.all()}


def test_a_monthly_refresh_and_realignment_loses_nothing_and_leaves_no_ghost(
    database_url: str, tmp_path: Path, server_bin: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("FIELDREP_PASSWORD", SERVER_PASSWORD)
    for territory in TERRITORIES:
        assert run(database_url, "create-territory", territory) == 0
    for rep, territory in REPS.items():
        assert run(database_url, "create-user", "--username", rep, "--role", "rep",
                   "--territory", territory) == 0  # fmt: skip
    mapping = str(write_mapping(tmp_path / "npi-mapping.json"))
    rows = npi_rows(5000)
    first = write_rows(tmp_path / "npi-2026-10.csv", rows)
    assert run(database_url, "import-hcps", str(first), "--mapping", mapping) == 0
    assert "new 5000, updated 0, unchanged 0, moved 0" in capsys.readouterr().out
    npis = [r[NPI] for r in rows]
    alignment = [(n, TERRITORIES[i % 3]) for i, n in enumerate(npis)]
    assert run(database_url, "assign", str(write_alignment(tmp_path / "align.csv", alignment))) == 0
    assert "moved 5000" in capsys.readouterr().out

    with live_api(server_bin, database_url, tmp_path / "server.log") as api:
        url = str(api.http.base_url)
        old = {rep: _device(tmp_path / f"{rep}-old", url, rep) for rep in REPS}
        for ws in old.values():
            ws.sync.run()
        assert [len(_holdings(ws)) for ws in old.values()] == [1667, 1666]

        # Next month: 3 % of the providers moved practice, 1 % are new.
        rows2, changed, new = refreshed(rows, changed=0.03, new=0.01)
        second = write_rows(tmp_path / "npi-2026-11.csv", rows2)
        assert run(database_url, "import-hcps", str(second), "--mapping", mapping,
                   "--dry-run") == 0  # fmt: skip
        preview = capsys.readouterr().out
        assert "new 50, updated 150, unchanged 4850, moved 0" in preview
        assert "values becoming empty: none" in preview
        assert run(database_url, "import-hcps", str(second), "--mapping", mapping) == 0
        assert capsys.readouterr().out.splitlines()[1] == preview.splitlines()[1]
        # Realign 50 HCPs (EAST <-> WEST and into CENTRAL) and place the 50 new ones.
        moves = [(n, "WEST") for n in npis[0:75:3][:25]] + [
            (n, "CENTRAL") for n in npis[2:75:3][:25]
        ]
        placed = [(n, TERRITORIES[i % 3]) for i, n in enumerate(new)]
        realign = write_alignment(tmp_path / "realign.csv", moves + placed)
        assert run(database_url, "assign", str(realign)) == 0
        assert "moved 100, unchanged 0" in capsys.readouterr().out
        for ws in old.values():
            ws.sync.run()
        assert run(database_url, "prune", "--retention-days", "0") == 0

        fresh = {rep: _device(tmp_path / f"{rep}-new", url, rep) for rep in REPS}
        for ws in [*fresh.values(), *old.values()]:
            report = ws.sync.run()
            assert not report.full_resync or ws in old.values()

        stored = hcp_data(database_url)
        for rep, territory in REPS.items():
            expected = {
                i: tuple(d.get(f) for f in COMPARED)
                for i, d in stored.items()
                if d["_territory"] == territory
            }
            for ws in (old[rep], fresh[rep]):
                assert _holdings(ws) == expected  # exactly its territory, same values
        for ws in [*old.values(), *fresh.values()]:
            ws.close()
    # No field became empty: every HCP has every field the file fills.
    assert len(stored) == 5050
    assert all(d[f] for d in stored.values() for f in COMPARED)
    assert {n for n in changed if stored[n]["address"].startswith("1")} == set(changed)
