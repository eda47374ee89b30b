"""`python -m fieldrep` and the `fieldrep` console script.

The composition root: the CLI stays free of Qt, and the desktop window is imported
only when no command is given.
"""

from __future__ import annotations

import sys
from pathlib import Path


def open_desktop_app(data_dir: Path, demo: bool) -> int:
    from fieldrep.ui.app import run_app

    return run_app(data_dir, demo=demo)


def main() -> None:
    from fieldrep.cli.main import main as cli_main

    sys.exit(cli_main(open_app=open_desktop_app))


if __name__ == "__main__":
    main()
