"""What every command gets: the parsed arguments and a way to open the workspace."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldrep.workspace import Workspace


def prompt_passphrase(new: bool) -> str | None:
    """Ask on the terminal; never when stdin is not one (scripts use FIELDREP_PASSPHRASE)."""
    if not sys.stdin.isatty():
        return None
    if not new:
        return getpass.getpass("Workspace passphrase: ")
    first = getpass.getpass("Choose a passphrase for this workspace: ")
    if first != getpass.getpass("Repeat it: "):
        return None
    return first


@dataclass
class CommandContext:
    args: argparse.Namespace
    data_dir: Path

    def open_workspace(self, *, create: bool = False) -> Workspace:
        return Workspace.open(self.data_dir, prompt=prompt_passphrase, create=create)


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))
