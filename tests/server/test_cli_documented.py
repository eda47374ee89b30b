"""Every `fieldrep-server` command is documented in docs/server.md, and the data
commands in the admin's guide too (a new command without docs fails here)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sync_server.cli import build_parser

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def test_every_server_command_is_in_the_server_docs() -> None:
    text = (DOCS / "server.md").read_text(encoding="utf-8")
    assert [c for c in _commands() if f"| `{c}" not in text] == []


def test_the_admins_data_commands_are_in_the_admins_guide() -> None:
    text = (DOCS / "admin.md").read_text(encoding="utf-8")
    data = ["create-territory", "territories", "import-hcps", "assign", "import-calls", "prune"]
    assert [c for c in data if f"fieldrep-server {c}" not in text] == []
