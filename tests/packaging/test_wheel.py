"""A plain (non-editable) install carries everything the programs read at run time.

docs/deploy.md installs the server with `pip install '.[server]'` into /opt; a stranger
who did so found `seed-demo` failing on a missing resources/demo/hcps.csv and the app's
self-test missing its stylesheet: the wheel held only the Python packages. This builds
the wheel, unpacks it away from the source tree and runs the installed copy.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("fieldrep-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def tracked_resources() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", "resources"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return {name for name in listed if not name.endswith(".py")}


def test_the_wheel_carries_every_resource_file(unpacked_wheel: Path) -> None:
    missing = {name for name in tracked_resources() if not (unpacked_wheel / name).is_file()}
    assert not missing, f"not in the wheel: {sorted(missing)}"


def run_installed(site: Path, code: str, cwd: Path) -> str:
    """Run `code` with the unpacked wheel first on the path (not the source tree)."""
    prelude = f"import sys; sys.path.insert(0, {str(site)!r}); "
    env = {**os.environ, "PYTHONSAFEPATH": "1", "FIELDREP_PASSWORD": "wheel-test-pass-1"}
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,  # the assertion below shows stderr
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_installed_server_loads_the_demo_and_finds_its_resources(
    unpacked_wheel: Path, tmp_path: Path
) -> None:
    where = run_installed(
        unpacked_wheel,
        "import fieldrep, sync_server; from fieldrep.paths import resources_dir; "
        "print(fieldrep.__file__); print(sync_server.__file__); print(resources_dir())",
        tmp_path,
    ).split()
    assert all(path.startswith(str(unpacked_wheel)) for path in where), where
    assert (Path(where[2]) / "ui" / "style.qss").is_file()
    url = f"sqlite:///{tmp_path / 'server.db'}"
    for command in ("init-db", "seed-demo"):
        out = run_installed(
            unpacked_wheel,
            f"from sync_server.cli import main; sys.exit(main(['--database-url', {url!r}, "
            f"{command!r}]))",
            tmp_path,
        )
    assert "Demo loaded" in out
