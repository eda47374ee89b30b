"""The headless CLI: each command as a script would use it, errors as one line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE


def fieldrep(data_dir: Path, *args: str, env: dict[str, str] | None = None):
    full_env = {**os.environ, "FIELDREP_PASSPHRASE": PASSPHRASE, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "fieldrep", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli") / "ws"
    result = fieldrep(data_dir, "import-demo")
    assert result.returncode == 0, result.stderr
    assert "400 HCPs" in result.stdout
    return data_dir


def test_status_json_reports_counts_and_sync_fields(demo_dir: Path) -> None:
    result = fieldrep(demo_dir, "status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["hcps"] == 400
    assert status["call_notes"] > 3000
    assert {"pending_mutations", "last_sync", "rejected"} <= set(status)


def test_log_call_then_status_shows_one_more_pending(demo_dir: Path) -> None:
    before = json.loads(fieldrep(demo_dir, "status", "--json").stdout)["pending_mutations"]
    result = fieldrep(
        demo_dir,
        "log-call",
        "--hcp",
        "hcp-00001",
        "--channel",
        "remote",
        "--text",
        "Discussed titration",
        "--product",
        "Cardiovex",
        "--outcome",
        "positive",
        "--submit",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    note = json.loads(result.stdout)
    assert note["status"] == "submitted" and note["channel"] == "remote"
    after = json.loads(fieldrep(demo_dir, "status", "--json").stdout)["pending_mutations"]
    assert after == before + 1


def test_log_call_stores_a_product_as_the_catalogue_names_it(demo_dir: Path) -> None:
    result = fieldrep(
        demo_dir, "log-call", "--hcp", "hcp-00001", "--channel", "visit",
        "--product", "cardiovex", "--product", "GLUCORA", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["products"] == ["Cardiovex", "Glucora"]


def test_export_hcps_as_csv_and_calls_as_json(demo_dir: Path) -> None:
    hcps = list(csv.DictReader(io.StringIO(fieldrep(demo_dir, "export", "hcps").stdout)))
    assert len(hcps) == 400
    assert {"id", "name", "specialty", "consents"} <= set(hcps[0])
    calls = json.loads(fieldrep(demo_dir, "export", "calls", "--format", "json").stdout)
    assert len(calls) > 3000
    assert {"hcp_id", "channel", "insights", "status"} <= set(calls[0])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["log-call", "--hcp", "hcp-00001", "--channel", "fax"], "Unknown channel 'fax'"),
        (["log-call", "--hcp", "nobody", "--channel", "visit"], "No HCP with id 'nobody'"),
        (
            ["log-call", "--hcp", "hcp-00001", "--channel", "visit", "--product", "Cardiovx"],
            "'Cardiovx' (did you mean 'Cardiovex'?)",
        ),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(
    demo_dir: Path, args: list[str], words: str
) -> None:
    result = fieldrep(demo_dir, *args)
    assert result.returncode == 1
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_status_of_a_missing_workspace_says_what_to_do(tmp_path: Path) -> None:
    result = fieldrep(tmp_path / "empty", "status")
    assert result.returncode == 1
    assert "import-demo" in result.stderr and "login" in result.stderr


def test_no_keychain_and_no_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FIELDREP_PASSPHRASE"}
    result = subprocess.run(
        [sys.executable, "-m", "fieldrep", "--data-dir", str(tmp_path / "ws"), "import-demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert "FIELDREP_PASSPHRASE" in result.stderr
    assert not (tmp_path / "ws" / "workspace.db").exists()


def test_version_and_data_dir_from_environment(tmp_path: Path) -> None:
    version = subprocess.run(
        [sys.executable, "-m", "fieldrep", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("fieldrep ")
    env = {**os.environ, "FIELDREP_PASSPHRASE": PASSPHRASE, "FIELDREP_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "fieldrep", "import-demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "workspace.db").exists()


def test_change_passphrase_then_only_the_new_one_opens(tmp_path: Path) -> None:
    data_dir = tmp_path / "ws"
    assert fieldrep(data_dir, "import-demo").returncode == 0
    new = "a much better passphrase"
    changed = fieldrep(data_dir, "change-passphrase", env={"FIELDREP_NEW_PASSPHRASE": new})
    assert changed.returncode == 0, changed.stderr
    assert fieldrep(data_dir, "status").returncode == 1
    assert fieldrep(data_dir, "status", env={"FIELDREP_PASSPHRASE": new}).returncode == 0


def test_log_call_warns_as_the_call_log_does(tmp_path: Path) -> None:
    """A stranger logged two overlapping visits from the command line without a word,
    where the desktop's call log warns."""
    data_dir = tmp_path / "ws"
    assert fieldrep(data_dir, "import-demo").returncode == 0
    visit = ["log-call", "--hcp", "hcp-00002", "--channel", "visit", "--duration", "30",
             "--product", "Cardiovex", "--outcome", "neutral", "--submit"]  # fmt: skip
    first = fieldrep(data_dir, *visit)
    assert first.returncode == 0, first.stderr
    assert "Overlaps your call" not in first.stderr
    second = fieldrep(data_dir, *visit)
    assert second.returncode == 0, second.stderr
    assert "warning: Overlaps your call of" in second.stderr
    assert "warning: Last face-to-face visit earlier today" in second.stderr
    assert "Logged call" in second.stdout  # a warning, not a refusal
