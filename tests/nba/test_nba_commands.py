"""`fieldrep suggest`, `fieldrep feedback` and `fieldrep segments` as a script uses them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from fieldrep.nba.config import NbaConfig
from tests.cli.test_workspace_commands import fieldrep
from tests.pinned_clock import today

FIELDS = {
    "id",
    "hcp_id",
    "channel",
    "message_id",
    "message_title",
    "due",
    "expires",
    "score",
    "reasons",
    "exploratory",
}


def working_day() -> str:
    """Today, or the first day after a company quiet period that covers today."""
    day = today()
    for period in NbaConfig().quiet_periods:
        if period.covers(day):
            day = period.end + timedelta(days=1)
    return day.isoformat()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("nba-cli") / "ws"
    assert fieldrep(data_dir, "import-demo").returncode == 0
    return data_dir


def test_suggest_json_then_dismiss_by_id_changes_that_hcps_suggestion(demo_dir: Path) -> None:
    listed = fieldrep(demo_dir, "suggest", "--limit", "5", "--json", "--date", working_day())
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert len(items) == 5 and FIELDS <= set(items[0])
    first = items[0]

    done = fieldrep(demo_dir, "feedback", first["id"], "--dismiss", "wrong_channel")
    assert done.returncode == 0, done.stderr
    assert "Dismissed (wrong_channel)" in done.stdout

    one = fieldrep(demo_dir, "suggest", "--hcp", first["hcp_id"], "--json", "--date", working_day())
    assert json.loads(one.stdout)[0]["channel"] != first["channel"]


def test_feedback_refuses_unknown_ids_and_reasons(demo_dir: Path) -> None:
    bad = fieldrep(demo_dir, "feedback", "not-an-id", "--accept")
    assert bad.returncode == 1 and "not a suggestion id" in bad.stderr
    item = json.loads(
        fieldrep(demo_dir, "suggest", "--limit", "1", "--json", "--date", working_day()).stdout
    )[0]
    wrong = fieldrep(demo_dir, "feedback", item["id"], "--dismiss", "boring")
    assert wrong.returncode == 1 and "wrong_channel" in wrong.stderr


def test_segments_json_gives_weights_confidence_and_evidence(demo_dir: Path) -> None:
    result = fieldrep(demo_dir, "segments", "--hcp", "hcp-00001", "--json")
    assert result.returncode == 0, result.stderr
    hint = json.loads(result.stdout)
    assert abs(sum(hint["weights"].values()) - 1) < 0.01
    assert 0 < hint["confidence"] <= 1 and hint["evidence"] and len(hint["top"]) == 2


def test_suggest_in_a_quiet_period_says_so_as_today_does(demo_dir: Path) -> None:
    """It said "every channel is blocked by a rule" where Today names the quiet period."""
    period = NbaConfig().quiet_periods[-1]
    result = fieldrep(demo_dir, "suggest", "--date", period.start.isoformat())
    assert result.returncode == 0, result.stderr
    end = period.end
    assert f"Quiet period ({period.label}) until {end.day} {end:%b}: no suggestions." in (
        result.stdout
    )
    assert "every channel is blocked" not in result.stdout
