"""`fieldrep --self-test`: prove that this installation works, in a few seconds.

Run from inside the desktop bundle (or any install), it opens a temporary encrypted
workspace, loads the bundled demo territory, writes and reads back a call note, finds
it through the full-text index, fires the contact rules, asks the suggestion engine for
a day's list and, through a check the UI layer hands in, shows the main window
offscreen for a moment. Each check yields one `CheckResult`; nothing touches the rep's
own workspace or keychain (the temporary workspace is keyed by a throwaway passphrase).

The core stays free of Qt: the window check is a plain callable, given by the
composition root (`fieldrep.__main__`).
"""

from __future__ import annotations

import platform
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fieldrep import __version__
from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.paths import DATABASE_FILENAME, resources_dir
from fieldrep.workspace import Workspace

# A check that shows the window over the given workspace and says what it saw; raises
# on failure. Supplied by fieldrep.ui.selftest.
WindowCheck = Callable[[Workspace], str]

PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
# A fixed, past start for the test note: the self-test must not depend on the date.
NOTE_STARTED_AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        status = "ok  " if self.ok else "FAIL"
        return f"{status} {self.name:<12} {self.detail} ({self.seconds:.2f} s)"


class SelfTestFailure(Exception):
    """A check ran and found something wrong; the message says what."""


class _Run:
    """The checks, in order, sharing one temporary workspace."""

    def __init__(self, folder: Path, window_check: WindowCheck | None) -> None:
        self.folder = folder
        self.window_check = window_check
        self.ws: Workspace | None = None
        self.note_word = f"selftest{secrets.token_hex(4)}"

    def workspace(self) -> Workspace:
        if self.ws is None:
            raise SelfTestFailure("not run: the encrypted workspace did not open")
        return self.ws

    def checks(self) -> list[tuple[str, Callable[[], str]]]:
        checks = [
            ("install", self.check_install),
            ("workspace", self.check_workspace),
            ("demo data", self.check_demo_data),
            ("call note", self.check_call_note),
            ("search", self.check_search),
            ("rules", self.check_rules),
            ("suggestions", self.check_suggestions),
            ("segments", self.check_segments),
            ("keychain", self.check_keychain),
        ]
        if self.window_check is not None:
            window_check = self.window_check
            checks.append(("window", lambda: window_check(self.workspace())))
        return checks

    def check_install(self) -> str:
        needed = ["segment_profiles.json", "segments.json", "messages.json", "demo"]
        missing = [name for name in needed if not (resources_dir() / name).exists()]
        if missing:
            raise SelfTestFailure(f"resources missing from {resources_dir()}: {missing}")
        where = "bundle" if getattr(sys, "frozen", False) else "Python install"
        return f"fieldrep {__version__} ({where}, Python {platform.python_version()})"

    def check_workspace(self) -> str:
        data_dir = self.folder / "workspace"
        self.ws = Workspace.open(data_dir, passphrase=secrets.token_urlsafe(24), create=True)
        header = (data_dir / DATABASE_FILENAME).read_bytes()[:16]
        if header == PLAIN_SQLITE_HEADER:
            raise SelfTestFailure("the database file is plain SQLite, not encrypted")
        with self.ws.engine.connect() as conn:
            cipher = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
        status = self.ws.status()
        return f"encrypted store opened (SQLCipher {cipher}, schema {status.schema_version})"

    def check_demo_data(self) -> str:
        from fieldrep.demo import import_demo

        counts = import_demo(self.workspace())
        if counts["hcps"] == 0:
            raise SelfTestFailure("the bundled demo territory has no HCPs")
        return f"{counts['hcps']} HCPs and {counts['call_notes']} call notes loaded"

    def check_call_note(self) -> str:
        ws = self.workspace()
        hcp = ws.hcps.all()[0]
        text = f"Self-test note {self.note_word}: dosing questions answered."
        draft = CallDraft(
            hcp.id, Channel.PHONE, started_at=NOTE_STARTED_AT, insights=text,
            outcome=Outcome.POSITIVE,
        )  # fmt: skip
        written = ws.calls.log(draft, submit=True)
        read = ws.calls.get(written.id)
        if read.insights != text or read.hcp_id != hcp.id:
            raise SelfTestFailure("the note read back differs from the one written")
        if not any(m.entity_id == written.id for m in ws.pending_mutations()):
            raise SelfTestFailure("the note has no outbox row, so it would never sync")
        # The compliance check needs phonenumbers' metadata, which a bundle could miss.
        found = [f.rule for f in ws.compliance.check("Call her on 617-555-0142.")]
        if found != ["phi.phone"]:
            raise SelfTestFailure(f"the compliance check missed a phone number ({found})")
        return "note written, read back, queued for sync; compliance check finds a phone number"

    def check_search(self) -> str:
        ws = self.workspace()
        hcp = ws.hcps.all()[-1]
        surname = hcp.name.split()[-1]
        if hcp.id not in {s.id for s in ws.hcps.search(surname)}:
            raise SelfTestFailure(f"searching for {surname!r} did not find {hcp.name}")
        by_note = ws.hcps.search(self.note_word)
        if len(by_note) != 1:
            raise SelfTestFailure("the call note's words are not in the full-text index")
        return f"full-text index finds an HCP by name ({surname!r}) and by a note's words"

    def check_rules(self) -> str:
        ws = self.workspace()
        service = ws.suggestions
        if not service.config.quiet_periods:
            raise SelfTestFailure("no quiet periods are configured")
        quiet = service.config.quiet_periods[0]
        hcp = ws.hcps.all()[0]
        blocks = service.blocked_for_hcp(hcp.id, today=quiet.start)
        blocked = {b.channel for b in blocks if b.rule == "quiet_period"}
        if blocked != set(Channel):
            raise SelfTestFailure(f"the quiet period {quiet.label!r} did not block every channel")
        return f"contact rules loaded; {quiet.label} blocks all {len(blocked)} channels"

    def check_suggestions(self) -> str:
        ws = self.workspace()
        found = ws.suggestions.daily_list(limit=10)
        if not found:  # today may fall in a quiet period; the next opening still shows
            for hcp in ws.hcps.all()[:20]:
                suggestion = ws.suggestions.for_hcp(hcp.id)
                if suggestion is not None:
                    found.append(suggestion)
        if not found:
            raise SelfTestFailure("the suggestion engine suggested nothing for the demo")
        top = found[0]
        return f"{len(found)} suggestions; first: {top.channel.value} {top.hcp_name}"

    def check_segments(self) -> str:
        ws = self.workspace()
        estimated = ws.segment_hints.refit()
        if estimated == 0 or not ws.segments.all_mixes():
            raise SelfTestFailure("no segment mixes were estimated for the demo HCPs")
        return f"segment mixes estimated for {estimated} HCPs"

    def check_keychain(self) -> str:
        """Informational: which backend would keep a real workspace's key."""
        import keyring

        from fieldrep.security import keys

        if sys.platform.startswith("linux"):
            # The Secret Service backend needs these; a bundle missing them would fall
            # back to passphrases everywhere without saying why.
            import secretstorage  # noqa: F401

        backend = type(keyring.get_keyring())
        if keys.keyring_usable():
            return f"keys go to the system keychain ({backend.__module__}.{backend.__name__})"
        return f"no usable system keychain ({backend.__module__}); the app will ask a passphrase"


def describe_error(exc: BaseException, limit: int = 300) -> str:
    """One line for an unexpected error: its root cause (NumPy's "Importing the numpy
    C-extensions failed" advice wraps the real ImportError; SQLAlchemy wraps the
    driver's error), type and first line."""
    root = exc
    while root.__cause__ is not None:
        root = root.__cause__
    lines = [line.strip() for line in str(root).splitlines() if line.strip()]
    return f"{type(root).__name__}: {lines[0] if lines else ''}"[:limit]


def run_checks(window_check: WindowCheck | None = None) -> Iterator[CheckResult]:
    """Run every check in order, yielding each result as it is known.

    A check that fails is reported and the rest still run (those needing the workspace
    say so). The temporary workspace is closed and deleted at the end.
    """
    with tempfile.TemporaryDirectory(prefix="fieldrep-selftest-") as folder:
        run = _Run(Path(folder), window_check)
        try:
            for name, check in run.checks():
                started = time.perf_counter()
                try:
                    detail, ok = check(), True
                except SelfTestFailure as exc:
                    detail, ok = str(exc), False
                except Exception as exc:  # reported as a failed check, never a traceback
                    detail, ok = describe_error(exc), False
                yield CheckResult(name, ok, detail, time.perf_counter() - started)
        finally:
            if run.ws is not None:
                run.ws.close()
