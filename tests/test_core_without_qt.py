"""Every module outside fieldrep/ui/ imports on a machine without PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import fieldrep

SCRIPT = """
import importlib, sys

class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is not installed here")
        return None

sys.meta_path.insert(0, NoQt())
for name in sys.argv[1:]:
    importlib.import_module(name)
assert not any(m.startswith("PySide6") for m in sys.modules)
print(len(sys.argv) - 1)
"""


def core_modules() -> list[str]:
    root = Path(fieldrep.__file__).parent
    names = []
    for info in pkgutil.walk_packages([str(root)], prefix="fieldrep."):
        if info.name.startswith("fieldrep.ui") or info.name == "fieldrep.__main__":
            continue
        names.append(info.name)
    return names


def test_every_core_module_imports_without_pyside6() -> None:
    modules = core_modules()
    assert "fieldrep.workspace" in modules and "fieldrep.store.engine" in modules
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) == len(modules)


def test_the_window_really_needs_pyside6() -> None:
    """The blocker works: importing the UI without PySide6 fails."""
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "fieldrep.ui.app"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "PySide6 is not installed" in result.stderr
