"""`fieldrep --self-test` (from a source install; tests/packaging runs it in the bundle)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldrep.cli.main import main as cli_main
from fieldrep.selftest import describe_error
from fieldrep.workspace import Workspace

CHECKS = [
    "install",
    "workspace",
    "demo data",
    "call note",
    "search",
    "rules",
    "suggestions",
    "segments",
    "keychain",
    "window",
]


def test_self_test_prints_one_ok_line_per_check_and_leaves_no_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "rep-data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDREP_DATA_DIR": str(data_dir)}
    env.pop("FIELDREP_PASSPHRASE", None)
    result = subprocess.run(
        [sys.executable, "-m", "fieldrep", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["ok"] * len(CHECKS)
    assert [line[5:17].strip() for line in lines[:-1]] == CHECKS
    assert lines[-1] == "self-test passed"
    assert "Traceback" not in result.stderr
    assert not data_dir.exists()  # nothing written to the rep's own data folder


def test_a_failing_check_is_reported_in_its_line_and_the_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken_window(_ws: Workspace) -> str:
        raise RuntimeError("no platform plugin")

    assert cli_main(["--self-test"], window_check=broken_window) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].startswith("FAIL window") and "RuntimeError: no platform plugin" in lines[-2]
    assert all(line.startswith("ok ") for line in lines[:-2])
    assert lines[-1] == f"self-test FAILED: 1 of {len(CHECKS)} checks"


def test_an_unexpected_error_is_one_line_naming_its_root_cause() -> None:
    """NumPy wraps a broken OpenBLAS in a page of advice; the line shows the cause."""
    cause = ImportError("libopenblas.so: ELF load command address/offset not page-aligned")
    wrapper = ImportError("\n\nIMPORTANT: PLEASE READ THIS FOR ADVICE\n\nmany lines\n")
    wrapper.__cause__ = cause
    assert describe_error(wrapper) == (
        "ImportError: libopenblas.so: ELF load command address/offset not page-aligned"
    )
    assert describe_error(RuntimeError("first\nsecond")) == "RuntimeError: first"
