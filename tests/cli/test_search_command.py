"""`fieldrep search TEXT [--json] [--limit N]`: the HCP list's search from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldrep.domain.hcp import Hcp
from fieldrep.workspace import Workspace
from tests.cli.test_workspace_commands import fieldrep
from tests.conftest import PASSPHRASE

INTERNAL = "Allopathic & Osteopathic Physicians/Internal Medicine"


def _hcp(hcp_id: str, name: str, **fields: object) -> Hcp:
    base: dict[str, object] = {
        "external_id": f"CRM-{hcp_id}",
        "specialty": INTERNAL,
        "organisation": "Salem General Hospital",
        "city": "Salem",
        "territory_id": "T1",
        "title": "Dr.",
    }
    return Hcp(id=hcp_id, name=name, **{**base, **fields})


@pytest.fixture(scope="module")
def names_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("search-cli") / "ws"
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        ws.hcps.upsert_many(
            [
                _hcp("h-oloughlin", "O'LOUGHLIN, MARY", postcode="02139-4307"),
                _hcp("h-smith", "SMITH, JOHN"),
                _hcp("h-smith-jones", "SMITH-JONES, ANNA"),
                _hcp("h-jones", "JONES, SMITH"),
                _hcp("h-nguyen", "NGUYEN, LINH", alternate_names=("TRAN, LINH",)),
            ]
        )
    return data_dir


def test_search_prints_the_best_match_first_and_what_matched(names_dir: Path) -> None:
    result = fieldrep(names_dir, "search", "dr", "o'loughlin")  # words need no quotes
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines == [
        "h-oloughlin  Dr. O'LOUGHLIN, MARY · Allopathic & Osteopathic Physicians/Internal "
        "Medicine · Salem General Hospital, Salem  (surname)"
    ]


def test_search_json_is_in_relevance_order_and_respects_the_limit(names_dir: Path) -> None:
    result = fieldrep(names_dir, "search", "smith", "--json", "--limit", "3")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [(h["id"], h["matched"]) for h in hits] == [
        ("h-smith", "surname"),
        ("h-smith-jones", "surname"),
        ("h-jones", "first name"),
    ]
    assert {"name", "specialty", "city", "last_contact", "open_follow_ups"} <= set(hits[0])

    by_alternate = json.loads(fieldrep(names_dir, "search", "tran", "--json").stdout)
    assert [(h["id"], h["matched"]) for h in by_alternate] == [("h-nguyen", "alternate name")]
    by_postcode = json.loads(fieldrep(names_dir, "search", "02139", "--json").stdout)
    assert [(h["id"], h["matched"]) for h in by_postcode] == [("h-oloughlin", "id or postcode")]


def test_no_match_says_so_and_a_bad_limit_is_refused(names_dir: Path) -> None:
    nothing = fieldrep(names_dir, "search", "zzyzx")
    assert (nothing.returncode, nothing.stdout.strip()) == (0, "No HCPs match 'zzyzx'.")
    assert json.loads(fieldrep(names_dir, "search", "zzyzx", "--json").stdout) == []
    refused = fieldrep(names_dir, "search", "smith", "--limit", "0")
    assert refused.returncode == 2
    assert "--limit: must be 1 or more" in refused.stderr
