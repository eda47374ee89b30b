"""Every path the app uses, in one place, with an environment override."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Fieldrep"
DATA_DIR_ENV = "FIELDREP_DATA_DIR"
DATABASE_FILENAME = "workspace.db"
KEY_INFO_FILENAME = "keyinfo.json"


def default_data_dir() -> Path:
    """`FIELDREP_DATA_DIR` if set, else the platform's user data directory."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def demo_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo"


def resources_dir() -> Path:
    """The `resources/` folder, beside the package or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
