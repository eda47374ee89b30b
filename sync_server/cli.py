"""`fieldrep-server`: the admin command line (init-db, users, CSV imports, demo, devices,
serve). Errors print one line on stderr and exit non-zero."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from sync_server import db
from sync_server.cli_backup import add_commands as add_backup_commands
from sync_server.cli_catalogues import add_commands as add_catalogue_commands
from sync_server.cli_goals import add_commands as add_goal_commands
from sync_server.cli_imports import ReportingHandler, add_commands
from sync_server.cli_reports import add_commands as add_report_commands
from sync_server.cli_safety import add_commands as add_safety_commands
from sync_server.clock import as_utc
from sync_server.config import (
    DATABASE_URL_ENV,
    LOG_FORMAT_ENV,
    ConfigError,
    Settings,
    default_database_url,
    transaction_pooler_from_env,
)
from sync_server.errors import Invalid, ServerError
from sync_server.security import new_password
from sync_server.services import alignment, audit, auth, changelog, demo, sessions, users
from sync_server.services.callers import ROLES
from sync_server.services.device_report import device_rows
from sync_server.services.login_throttle import prune_login_failures

PASSWORD_ENV = "FIELDREP_PASSWORD"
Handler = Callable[[argparse.Namespace, Engine], int]


def _password(prompt_for: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise Invalid(f"No password: set {PASSWORD_ENV} or run from a terminal to be asked.")
    first = getpass.getpass(f"Password for {prompt_for}: ")
    if getpass.getpass("Repeat it: ") != first:
        raise Invalid("The two passwords differ.")
    return first


def _session(engine: Engine) -> Session:
    return db.session_factory(engine)()


def cmd_init_db(_args: argparse.Namespace, engine: Engine) -> int:
    print(f"Database ready at {make_url(str(engine.url)).render_as_string(hide_password=True)}")
    return 0


def cmd_create_user(args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session:
        for territory in args.territory or []:
            alignment.require_territory(session, territory)  # a typo never makes a new one
    password = _password(args.username)
    with _session(engine) as session, session.begin():
        users.create_user(
            session, username=args.username, role=args.role, password=password,
            territories=args.territory or [], manager=args.manager,
        )  # fmt: skip
    where = f" in {', '.join(args.territory)}" if args.territory else ""
    print(f"Created {args.role} '{args.username}'{where}.")
    return 0


def cmd_create_territory(args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session, session.begin():
        territory = users.create_territory(session, territory_id=args.id, name=args.name or "")
    print(f"Created territory {territory.id} ({territory.name}).")
    return 0


def cmd_territories(_args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session:
        rows = users.territory_rows(session)
    if not rows:
        print("No territories yet: create them with `create-territory`.")
        return 0
    for row in rows:
        print(f"{row.id}  {row.name}  {row.hcps} HCP(s)  reps: {', '.join(row.reps) or '-'}")
    return 0


def _printing(handler: ReportingHandler) -> Handler:
    """A data command whose report is printed: summary on stdout, problems on stderr."""

    def run(args: argparse.Namespace, engine: Engine) -> int:
        report = handler(args, engine)
        for line in report.err:
            print(line, file=sys.stderr)
        for line in report.out:
            print(line)
        return report.code

    return run


def cmd_seed_demo(_args: argparse.Namespace, engine: Engine) -> int:
    started = time.perf_counter()
    password = os.environ.get(PASSWORD_ENV) or new_password()
    with _session(engine) as session, session.begin():
        result = demo.seed_demo(session, password=password)
    seconds = time.perf_counter() - started
    print(
        f"Demo loaded in {seconds:.1f} s: {result['hcps']} HCPs ({result['hcps_created']} new), "
        f"{result['call_notes']} call notes ({result['call_notes_created']} new)."
    )
    if result["users_created"]:
        names = ", ".join(result["users_created"])
        if os.environ.get(PASSWORD_ENV):
            print(f"Created users {names} with the password from {PASSWORD_ENV}.")
        else:
            # Shown once, on purpose: it is stored only as an argon2 hash.
            print(f"Created users {names}; their password (shown once): {password}")
    return 0


def cmd_devices(_args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session:
        rows = device_rows(session)
    if not rows:
        print("No devices have logged in yet.")
        return 0
    headers = list(rows[0])
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in headers]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row[h]).ljust(w) for h, w in zip(headers, widths, strict=True)))
    return 0


def cmd_revoke_device(args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session, session.begin():
        device = auth.revoke_device(session, device_id=args.device_id, actor=_actor())
        owner = device.username
    print(f"Revoked device {args.device_id} of {owner}; it will wipe its data at its next sync.")
    print(f"{owner} can still log in from another device; `disable-user {owner}` stops that.")
    return 0


def _actor() -> str:
    """Who ran an admin command: the operating-system account, for the audit log."""
    try:
        return f"admin-cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "admin-cli"


def cmd_disable_user(args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session, session.begin():
        ended = sessions.disable_user(session, username=args.username, actor=_actor())
    print(f"Disabled '{args.username}': cannot log in; {ended} session(s) ended.")
    return 0


def cmd_enable_user(args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session, session.begin():
        sessions.enable_user(session, username=args.username, actor=_actor())
    print(f"Enabled '{args.username}': they can log in again.")
    return 0


def cmd_reset_password(args: argparse.Namespace, engine: Engine) -> int:
    password = _password(args.username)
    with _session(engine) as session, session.begin():
        ended = sessions.reset_password(
            session, username=args.username, password=password, actor=_actor()
        )
    print(f"New password set for '{args.username}'; {ended} session(s) ended (log in again).")
    return 0


def cmd_sessions(args: argparse.Namespace, engine: Engine) -> int:
    settings = Settings.from_env(args.database_url)
    with _session(engine) as session:
        rows = sessions.sessions_of(session, username=args.username, settings=settings)
    if not rows:
        print(f"'{args.username}' has no open sessions.")
        return 0
    print("device  name  logged in  last used  expires")
    for row in rows:
        print(f"{row.device_id}  {row.device_name or '-'}  {_when(row.logged_in)}  "
              f"{_when(row.last_used)}  {_when(row.expires)}")  # fmt: skip
    return 0


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def cmd_end_sessions(args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session, session.begin():
        ended = sessions.end_sessions(
            session, username=args.username, device_id=args.device, actor=_actor()
        )
    print(f"Ended {ended} session(s) of '{args.username}'; those devices must log in again.")
    return 0


def cmd_audit(args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session:
        rows = audit.events_since(session, args.since)
    for row in rows:
        if args.json:
            print(json.dumps({
                "id": row.id, "at": as_utc(row.at).isoformat(), "actor": row.actor,
                "action": row.action, "target": row.target, "address": row.address,
                "detail": row.detail,
            }))  # fmt: skip
        else:
            print("\t".join([as_utc(row.at).isoformat(), row.actor, row.action, row.target,
                             row.address or "-", row.detail]))  # fmt: skip
    return 0


def _since(text: str) -> datetime:
    """An argparse type: an ISO date or date-time (UTC unless it says otherwise)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date (2026-11-30) or a date-time (2026-11-30T08:00)"
        ) from None
    return as_utc(value)


def cmd_prune(args: argparse.Namespace, engine: Engine) -> int:
    with _session(engine) as session, session.begin():
        removed = changelog.prune(session, retention_days=args.retention_days)
        failures = prune_login_failures(session, Settings.from_env(args.database_url))
    print(f"Pruned {removed} change-log row(s) older than {args.retention_days} days.")
    print(f"Pruned {failures} expired failed-login row(s).")
    return 0


TRUSTED_PROXIES_ENV = "FIELDREP_TRUSTED_PROXIES"
TLS_CERT_ENV = "FIELDREP_TLS_CERT"
TLS_KEY_ENV = "FIELDREP_TLS_KEY"


def cmd_serve(args: argparse.Namespace, engine: Engine) -> int:
    import uvicorn

    from sync_server.app import create_app
    from sync_server.observability import log_config

    engine.dispose()
    # Workers build the app from the environment: hand them the same database and format.
    os.environ[DATABASE_URL_ENV] = args.database_url
    if args.log_format:
        os.environ[LOG_FORMAT_ENV] = args.log_format
    json_lines = os.environ.get(LOG_FORMAT_ENV, "text").lower() == "json"
    # Logins, logouts and refusals are INFO lines: a server always writes them, whatever
    # uvicorn's own --log-level (log_config keeps `sync_server` at INFO).
    logging_config = log_config(json_lines=json_lines, level=args.log_level)
    # One process: build the app here (the schema was migrated above, once, before any
    # worker starts). Several: each worker calls the factory.
    app: Any = "sync_server.app:app_from_env"
    if args.workers == 1:
        app = create_app(args.database_url)
    # The client address (per-address login limit) is the socket's peer unless the admin
    # names the proxies whose X-Forwarded-For may be believed: uvicorn would otherwise
    # trust it from 127.0.0.1 by default, letting any local caller pick its address.
    trusted = os.environ.get(TRUSTED_PROXIES_ENV, "").strip()
    cert = args.tls_cert or os.environ.get(TLS_CERT_ENV) or None
    key = args.tls_key or os.environ.get(TLS_KEY_ENV) or None
    if bool(cert) != bool(key):
        raise Invalid("TLS needs both a certificate and its key (--tls-cert and --tls-key).")
    for path in (cert, key):
        if path and not os.path.isfile(path):
            raise Invalid(f"TLS file {path} does not exist.")
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        ssl_certfile=cert,
        ssl_keyfile=key,
        workers=args.workers,
        factory=args.workers > 1,
        log_config=logging_config,
        # SIGTERM: stop accepting, let in-flight syncs finish (each push is one
        # transaction: it commits and is acknowledged, or was never applied), then exit.
        timeout_graceful_shutdown=args.shutdown_timeout,
        # A spawned worker imports the whole command line (pandas included) before it
        # answers the supervisor's first ping: on a busy machine that takes more than
        # uvicorn's 5 s, and the worker would be killed and respawned forever.
        timeout_worker_healthcheck=60,
    )
    return 0


def _int_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer in [low, high], else a usage error naming the range."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def _engine(database_url: str) -> Engine:
    """The engine, or Invalid naming what is wrong with the URL (never its password)."""
    try:  # through PgBouncer (FIELDREP_DATABASE_POOLER=transaction): no prepared statements
        return db.make_engine(database_url, transaction_pooler=transaction_pooler_from_env())
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise Invalid(
            "not a database URL SQLAlchemy understands; use e.g. sqlite:///fieldrep-server.db "
            "or postgresql+psycopg://user:password@host/db"
        ) from None
    except ImportError as exc:
        where = make_url(database_url).render_as_string(hide_password=True)
        raise Invalid(f"no driver for {where} is installed ({exc.name})") from None


# Admin commands that change data and audit themselves through the services they call
# elsewhere; the others that change data are audited here, after they ran.
SELF_AUDITED = {"revoke-device", "disable-user", "enable-user", "reset-password", "end-sessions"}
READ_ONLY = {"init-db", "territories", "devices", "serve", "sessions", "audit", "catalogues",
             "export-catalogue", "goals", "export-goals", "backup"}  # fmt: skip


NOT_MIGRATED = {"backup"}


def _audit_command(
    args: argparse.Namespace, engine: Engine, code: int, *, refused: bool = False
) -> None:
    """One audit row per data-changing admin command (imports, users, catalogues...):
    what ran, on which files or names, and its exit code. Never a password (those come
    from the environment or a prompt, not from arguments). A `refused` command (it
    raised, so its transaction and any row its service wrote rolled back) gets its row
    here whoever would have audited it."""
    quiet = READ_ONLY if refused else SELF_AUDITED | READ_ONLY
    if args.command in quiet or getattr(args, "dry_run", False):
        return
    skip = {"handler", "command", "database_url", "serve_database_url"}
    named = [f"{k}={v}" for k, v in sorted(vars(args).items()) if k not in skip and v]
    with _session(engine) as session, session.begin():
        audit.record(
            session, actor=_actor(), action=f"admin:{args.command}",
            target=" ".join(named)[:190], detail=f"exit {code}",
        )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldrep-server", description=__doc__)
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: FIELDREP_DATABASE_URL, else ./fieldrep-server.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    add("init-db", cmd_init_db, "create or upgrade the database schema")
    p = add("create-user", cmd_create_user, "create a user (password: FIELDREP_PASSWORD or prompt)")
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--territory", action="append", help="a rep's territory (repeatable)")
    p.add_argument("--manager", help="the rep's manager (an existing manager)")
    p = add("create-territory", cmd_create_territory, "create a territory (before using it)")
    p.add_argument("id", help="the territory's id, e.g. BOS-NORTH")
    p.add_argument("--name", help="a readable name (default: the id)")
    add("territories", cmd_territories, "list territories with their HCP count and reps")
    add_commands(lambda name, handler, text: add(name, _printing(handler), text))
    add_catalogue_commands(lambda name, handler, text: add(name, _printing(handler), text))
    add_goal_commands(lambda name, handler, text: add(name, _printing(handler), text))
    add_report_commands(lambda name, handler, text: add(name, _printing(handler), text))
    add_safety_commands(lambda name, handler, text: add(name, _printing(handler), text))
    add_backup_commands(lambda name, handler, text: add(name, _printing(handler), text))
    add("seed-demo", cmd_seed_demo, "load the demo territories, history and users")
    add("devices", cmd_devices, "list devices: user, last sync, duration, counts, last error")
    p = add("revoke-device", cmd_revoke_device, "revoke a device's token (it wipes itself)")
    p.add_argument("device_id")
    p = add("disable-user", cmd_disable_user, "lock a user out: no login, every session ends")
    p.add_argument("username")
    p = add("enable-user", cmd_enable_user, "let a disabled user log in again")
    p.add_argument("username")
    p = add(
        "reset-password",
        cmd_reset_password,
        "set a new password (FIELDREP_PASSWORD or prompt); every session of the user ends",
    )
    p.add_argument("username")
    p = add("sessions", cmd_sessions, "list a user's open sessions (devices with a live token)")
    p.add_argument("username")
    p = add("end-sessions", cmd_end_sessions, "end a user's sessions (all, or --device ID)")
    p.add_argument("username")
    p.add_argument("--device", help="end only this device's session")
    p = add("audit", cmd_audit, "print the audit log from --since (tab-separated, or --json)")
    p.add_argument("--since", type=_since, required=True, help="ISO date or date-time, UTC")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p = add(
        "prune",
        cmd_prune,
        "drop old tombstones (older cursors get reset_required) and expired failed logins",
    )
    p.add_argument("--retention-days", type=_int_in(0, 100_000), default=90)
    p = add("serve", cmd_serve, "run the HTTP server (migrates the schema first)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_int_in(0, 65535), default=8765)
    p.add_argument("--log-level", default="info")
    p.add_argument("--tls-cert", help="serve HTTPS: the certificate chain, PEM (FIELDREP_TLS_CERT)")
    p.add_argument("--tls-key", help="the certificate's private key, PEM (FIELDREP_TLS_KEY)")
    p.add_argument(
        "--workers", type=_int_in(1, 64), default=1,
        help="server processes on this port (uvicorn workers; each has its own pool)",
    )  # fmt: skip
    p.add_argument(
        "--log-format", choices=("text", "json"), default=None,
        help="text lines, or one JSON object per line with the request id (FIELDREP_LOG_FORMAT)",
    )  # fmt: skip
    p.add_argument(
        "--shutdown-timeout", type=_int_in(1, 3600), default=30,
        help="on SIGTERM, seconds to let in-flight requests (syncs) finish before closing",
    )  # fmt: skip
    p.add_argument(
        "--database-url", dest="serve_database_url", default=None, help=argparse.SUPPRESS
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "serve_database_url", None):
        args.database_url = args.serve_database_url
    args.database_url = args.database_url or default_database_url()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:  # every setting checked before anything starts (serve's workers read them too)
        Settings.from_env(args.database_url)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        engine = _engine(args.database_url)
    except Invalid as error:
        print(f"error: cannot use the database: {error.message}", file=sys.stderr)
        return 2
    try:
        # a backup copies the database as it is: the one before an upgrade is the point
        steps = [] if args.command in NOT_MIGRATED else db.upgrade(engine)
        if steps:  # which of several processes starting together migrated (only one does)
            before, after = steps[0].split("->")[0].strip() or "empty", steps[-1].split("->")[-1]
            print(f"schema migrated by this process: {before} -> {after.strip()}", file=sys.stderr)
        handler: Handler = args.handler
        code = handler(args, engine)
        _audit_command(args, engine, code)
        return code
    except ServerError as error:
        print(f"error: {error.message}", file=sys.stderr)
        with contextlib.suppress(OperationalError):  # the refusal is said; the row if it can
            _audit_command(args, engine, 1, refused=True)
        return 1
    except OperationalError as error:
        where = make_url(args.database_url).render_as_string(hide_password=True)
        reason = " ".join(str(error.orig).split())  # one line, whatever the driver says
        print(f"error: cannot use the database {where}: {reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
