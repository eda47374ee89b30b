"""Commands on the local workspace: import-demo, status, export, log-call."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from dataclasses import asdict
from datetime import datetime
from enum import Enum
from typing import Any

from fieldrep.cli.context import CommandContext, print_json, prompt_passphrase
from fieldrep.demo import import_demo
from fieldrep.domain.calls import CallDraft, overlap_warning
from fieldrep.domain.enums import Channel, Outcome, parse_enum
from fieldrep.security.keys import KeyUnavailableError

NEW_PASSPHRASE_ENV = "FIELDREP_NEW_PASSPHRASE"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("import-demo", help="load the demo territory into the workspace")
    p.set_defaults(handler=cmd_import_demo)

    p = commands.add_parser("status", help="counts, pending changes and last sync")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_status)

    p = commands.add_parser("export", help="write HCPs or calls to stdout")
    p.add_argument("what", choices=["hcps", "calls"])
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(handler=cmd_export)

    p = commands.add_parser("log-call", help="log a call note (a draft unless --submit)")
    p.add_argument("--hcp", required=True, help="HCP id")
    p.add_argument("--channel", required=True, help=", ".join(c.value for c in Channel))
    p.add_argument("--text", default="", help="insights (free text)")
    p.add_argument("--duration", type=int, default=15, help="minutes (default 15)")
    p.add_argument("--message", action="append", default=[], help="approved message id")
    p.add_argument(
        "--product", action="append", default=[], help="product discussed (needed to submit "
        "a visit or remote call)",
    )  # fmt: skip
    p.add_argument("--outcome", help=", ".join(o.value for o in Outcome) + " (needed to submit)")
    p.add_argument("--submit", action="store_true", help="submit and lock the note")
    p.add_argument("--json", action="store_true", help="print the stored note as JSON")
    p.set_defaults(handler=cmd_log_call)

    p = commands.add_parser(
        "change-passphrase",
        help="re-encrypt the workspace under a new passphrase "
        "(from FIELDREP_NEW_PASSPHRASE or a prompt)",
    )
    p.set_defaults(handler=cmd_change_passphrase)


def cmd_import_demo(ctx: CommandContext) -> int:
    with ctx.open_workspace(create=True) as ws:
        counts = import_demo(ws)
    print(f"Imported the demo territory: {counts['hcps']} HCPs, {counts['call_notes']} calls.")
    return 0


def cmd_status(ctx: CommandContext) -> int:
    with ctx.open_workspace() as ws:
        status = ws.status()
        clock = ws.clock
    if ctx.args.json:
        print_json(status.as_dict())  # instants stay UTC for scripts
    else:
        shown = status.as_dict()
        if status.last_sync:  # a person reads the wall clock
            last = clock.local(datetime.fromisoformat(status.last_sync))
            shown["last_sync"] = f"{last:%Y-%m-%d %H:%M} ({last.tzname()})"
        for key, value in shown.items():
            print(f"{key.replace('_', ' ')}: {value if value is not None else '-'}")
    return 0


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def cmd_export(ctx: CommandContext) -> int:
    with ctx.open_workspace() as ws:
        records = ws.hcps.all() if ctx.args.what == "hcps" else ws.calls.all()
        rows = [{k: _plain(v) for k, v in asdict(r).items()} for r in records]
    if ctx.args.format == "json":
        print_json(rows)
        return 0
    if not rows:
        return 0
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in row.items()}
        )
    return 0


def cmd_log_call(ctx: CommandContext) -> int:
    args = ctx.args
    channel = parse_enum(Channel, args.channel, "channel")
    with ctx.open_workspace() as ws:
        draft = CallDraft(
            hcp_id=args.hcp,
            channel=channel,
            started_at=ws.clock.local_now(),
            duration_minutes=args.duration,
            key_messages=tuple(args.message),
            products=tuple(args.product),
            outcome=parse_enum(Outcome, args.outcome, "outcome") if args.outcome else None,
            insights=args.text,
        )
        # the call log's warnings, which the command line did not give (a stranger
        # logged two overlapping visits, and one in a quiet period, without a word);
        # read before the call is logged, or it would count as its own last contact
        overlap = overlap_warning(ws.calls.overlapping(draft), ws.clock.local)
        warnings = [overlap] if overlap else []
        warnings += ws.contact_rules.check(args.hcp, channel).warnings
        note = ws.calls.log(draft, submit=args.submit)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print_json({k: _plain(v) for k, v in asdict(note).items()})
    else:
        print(f"Logged call {note.id} ({note.status.value}).")
    return 0


def cmd_change_passphrase(ctx: CommandContext) -> int:
    new = os.environ.get(NEW_PASSPHRASE_ENV) or prompt_passphrase(True)
    if not new:
        raise KeyUnavailableError(
            f"Give the new passphrase in {NEW_PASSPHRASE_ENV} or at the prompt "
            "(both entries must match)."
        )
    with ctx.open_workspace() as ws:
        ws.change_passphrase(new)
    print("The workspace is now encrypted under the new passphrase.")
    return 0
