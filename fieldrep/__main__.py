"""`python -m fieldrep` and the `fieldrep` console script.

The composition root: the CLI stays free of Qt, and the desktop window is imported
only when no command is given.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldrep.workspace import Workspace


def open_desktop_app(data_dir: Path, demo: bool) -> int:
    from fieldrep.ui.app import run_app

    return run_app(data_dir, demo=demo)


def check_desktop_window(workspace: Workspace) -> str:
    from fieldrep.ui.selftest import check_main_window

    return check_main_window(workspace)


def main() -> None:
    from fieldrep.cli.main import main as cli_main

    sys.exit(cli_main(open_app=open_desktop_app, window_check=check_desktop_window))


if __name__ == "__main__":
    main()
