"""Commands that talk to the sync server: login, sync, rejected."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import asdict

from fieldrep.cli.context import CommandContext, print_json
from fieldrep.domain.errors import FieldrepError
from fieldrep.sync.client import check_server_url
from fieldrep.sync.engine import PULL_PAGE
from fieldrep.sync.errors import DeviceRevokedError
from fieldrep.sync.protocol import MAX_PUSH_BATCH
from fieldrep.tasks import Progress

PASSWORD_ENV = "FIELDREP_PASSWORD"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("login", help="sign this device in to a sync server")
    p.add_argument("--server", required=True, help="server URL, e.g. http://127.0.0.1:8000")
    p.add_argument("--username", required=True)
    p.set_defaults(handler=cmd_login)

    p = commands.add_parser("logout", help="sign this device out (the server forgets its token)")
    p.set_defaults(handler=cmd_logout)

    p = commands.add_parser("sync", help="send local changes and receive the server's")
    p.add_argument("--json", action="store_true", help="print the sync report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument("--page-size", type=int, default=PULL_PAGE, help="changes per pulled page")
    p.add_argument("--push-batch", type=int, default=MAX_PUSH_BATCH, help="mutations per push")
    p.set_defaults(handler=cmd_sync)

    p = commands.add_parser("rejected", help="changes the server rejected, with reasons")
    p.add_argument("--discard", type=int, metavar="SEQ", help="drop one rejected change")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_rejected)


def _password(username: str) -> str:
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise FieldrepError(f"No password: set {PASSWORD_ENV} or run this in a terminal.")
    return getpass.getpass(f"Password for {username}: ")


def cmd_login(ctx: CommandContext) -> int:
    # Before the workspace exists: a typo in the address must not leave one behind.
    server, username = check_server_url(ctx.args.server), ctx.args.username
    password = _password(username)
    with ctx.open_workspace(create=True) as ws:
        response = ws.sync.sign_in(server, username, password)
    territories = ", ".join(response.territories) or "no territory yet"
    print(f"Signed in to {server} as {response.username} ({response.role}; {territories}).")
    print("Run 'fieldrep sync' to bring your territory to this device.")
    return 0


def cmd_logout(ctx: CommandContext) -> int:
    with ctx.open_workspace() as ws:
        if not ws.sync.is_configured():
            print("This workspace is not signed in.")
            return 0
        confirmed = ws.sync.logout()
    if confirmed:
        print("Signed out: the server has forgotten this device's token. Local data is kept.")
    else:
        print(
            "Signed out on this device; the server could not be reached, so its copy of the "
            "token stays valid until it expires (or an administrator ends your sessions)."
        )
    return 0


def _progress_printer(quiet: bool) -> Progress:
    last = [""]

    def show(phase: str, fraction: float) -> None:
        if quiet or phase == last[0]:
            return
        last[0] = phase
        print(f"{phase} ({fraction:.0%})", file=sys.stderr)

    return show


def cmd_sync(ctx: CommandContext) -> int:
    ws = ctx.open_workspace()
    try:
        report = ws.sync.run(
            progress=_progress_printer(ctx.args.quiet or ctx.args.json),
            page_size=ctx.args.page_size,
            push_batch=ctx.args.push_batch,
        )
    except DeviceRevokedError as exc:
        print(f"fieldrep: {exc}", file=sys.stderr)
        ws.sync.wipe_revoked_device(announce=lambda line: print(line, file=sys.stderr))
        print("fieldrep: local data removed.", file=sys.stderr)
        return 2
    finally:
        ws.close()
    if ctx.args.json:
        print_json(report.as_dict())
        return 0
    print(report.summary())
    for line in report.rejections:
        print(f"  rejected: {line}")
    if report.rejections:
        print("  See 'fieldrep rejected' to review or discard them.")
    return 0


def cmd_rejected(ctx: CommandContext) -> int:
    with ctx.open_workspace() as ws:
        if ctx.args.discard is not None:
            ws.discard_rejected(ctx.args.discard)
        entries = ws.rejected_mutations()
    if ctx.args.json:
        print_json([asdict(e) for e in entries])
        return 0
    if not entries:
        print("No rejected changes.")
    for e in entries:
        print(f"{e.seq}: {e.op} {e.entity} {e.entity_id} ({e.created_at}): {e.reason}")
    return 0
