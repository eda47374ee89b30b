"""`fieldrep`: parse arguments, run one command inside one error boundary.

Errors a user can act on print one line on stderr and exit 1; anything unexpected is
logged with its traceback to the data directory's log and reported in one line too.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from fieldrep import __version__
from fieldrep.cli import nba_commands, search_commands, sync_commands, workspace_commands
from fieldrep.cli.context import CommandContext
from fieldrep.domain.errors import FieldrepError
from fieldrep.logging_setup import configure_logging
from fieldrep.paths import default_data_dir, demo_data_dir
from fieldrep.selftest import WindowCheck, run_checks

log = logging.getLogger("fieldrep.cli")

COMMAND_MODULES = [workspace_commands, search_commands, sync_commands, nba_commands]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldrep",
        description="Fieldrep: plan visits, log calls and sync, offline first. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"fieldrep {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (encrypted store, search, rules, suggestions, window) "
        "in a throwaway workspace; one line per check, exit 1 on any failure",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="workspace folder (default: $FIELDREP_DATA_DIR or the platform's user data dir)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the demo workspace (created with the demo territory on first use)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def resolve_data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir is not None:
        return Path(args.data_dir).expanduser()
    return demo_data_dir() if args.demo else default_data_dir()


OpenApp = Callable[[Path, bool], int]


def self_test(window_check: WindowCheck | None) -> int:
    """Print one line per check of `fieldrep.selftest`; 0 when all pass."""
    failed = total = 0
    for result in run_checks(window_check):
        print(result.line(), flush=True)
        failed += not result.ok
        total += 1
    print("self-test passed" if not failed else f"self-test FAILED: {failed} of {total} checks")
    return 1 if failed else 0


def main(
    argv: Sequence[str] | None = None,
    *,
    open_app: OpenApp | None = None,
    window_check: WindowCheck | None = None,
) -> int:
    """Run one command; with none, hand over to `open_app` (the desktop window).

    `window_check` is the UI's part of `--self-test`, given by the composition root.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:  # before logging: a self-test leaves nothing in the data folder
        return self_test(window_check)
    data_dir = resolve_data_dir(args)
    configure_logging(data_dir)
    if args.command is None:
        if open_app is None:
            parser.print_help()
            return 0
        return open_app(data_dir, args.demo)
    ctx = CommandContext(args=args, data_dir=data_dir)
    try:
        return int(args.handler(ctx))
    except FieldrepError as exc:
        print(f"fieldrep: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (`| head`) went away: not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("fieldrep: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        log.exception("command %s failed", args.command)
        print(
            f"fieldrep: unexpected error ({type(exc).__name__}: {exc}); "
            f"details are in {data_dir / 'logs'}",
            file=sys.stderr,
        )
        return 1
