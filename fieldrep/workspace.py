"""The Workspace: the core's one front door.

It opens (or creates) the encrypted database in a data directory, brings its schema up
to date and hands out the services. The UI, the CLI, tests and benchmarks all use it.
A Workspace is safe to share between threads; the UI gives it to one serial worker.
"""

from __future__ import annotations

import getpass
import logging
import os
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from fieldrep.clock import Clock
from fieldrep.domain.changes import Changes
from fieldrep.domain.errors import FieldrepError
from fieldrep.paths import DATABASE_FILENAME
from fieldrep.security import keys
from fieldrep.security.wipe import wipe as wipe  # noqa: PLC0414 (re-exported for the UI)
from fieldrep.services.adverse_events import AdverseEventService
from fieldrep.services.calls import CallService
from fieldrep.services.catalogue import MessageCatalogue
from fieldrep.services.coaching import CoachingService
from fieldrep.services.compliance import ComplianceService
from fieldrep.services.feedback import FeedbackService
from fieldrep.services.hcps import HcpService
from fieldrep.services.note_subjects import NoteSubjects
from fieldrep.services.plans import PlanService
from fieldrep.services.segment_mixes import SegmentStore
from fieldrep.store import outbox, sync_state
from fieldrep.store.engine import create_encrypted_engine, rekey, verify_key
from fieldrep.store.migrations import current_version, migrate
from fieldrep.store.transactions import Store
from fieldrep.store.values import new_id
from fieldrep.sync.service import SyncService

if TYPE_CHECKING:
    from fieldrep.nba.service import SuggestionService
    from fieldrep.reports.local import ReportService
    from fieldrep.segments.service import SegmentHintService
    from fieldrep.usecases.call_log import CallLogScreen
    from fieldrep.usecases.contact_rules import ContactRules
    from fieldrep.usecases.hcp_list import HcpListScreen
    from fieldrep.usecases.hcp_profile import HcpProfiles
    from fieldrep.usecases.planner import Planner
    from fieldrep.usecases.suggestion_list import SuggestionsScreen
    from fieldrep.usecases.sync_inbox import SyncInbox
    from fieldrep.usecases.sync_status import SyncStatus
    from fieldrep.usecases.today import TodayScreen

log = logging.getLogger(__name__)

REP, MANAGER = "rep", "manager"  # the server's role names (sync_server.services.callers)


class WorkspaceMissingError(FieldrepError):
    """No workspace in this data directory yet."""


@dataclass(frozen=True)
class WorkspaceStatus:
    data_dir: str
    device_id: str
    username: str
    schema_version: int
    hcps: int
    call_notes: int
    pending_mutations: int
    rejected: int
    last_sync: str | None
    server_url: str | None
    last_error: str | None = None  # why the last sync failed; None after a good one

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Workspace:
    def __init__(self, data_dir: Path, engine: Engine, clock: Clock | None = None) -> None:
        self.data_dir = data_dir
        self.engine = engine
        # The one clock: services stamp with it, screens ask it what today is.
        self.clock = clock or Clock.system()
        self.store = Store(engine, self.clock)
        with self.store.read() as conn:
            username = sync_state.get(conn, sync_state.USERNAME)
        self.username = username or _local_username()
        self.hcps = HcpService(self.store)
        self.note_subjects = NoteSubjects(self.store)  # notes' HCPs, in the territory or not
        self.messages = MessageCatalogue(self.store)
        self.compliance = ComplianceService(self.store)
        self.plans = PlanService(self.store, self.hcps)
        self.calls = CallService(
            self.store, self.username, compliance=self.compliance, plans=self.plans
        )
        self.adverse_events = AdverseEventService(self.store, self.compliance)
        self.feedback = FeedbackService(self.store)
        self.segments = SegmentStore(self.store)
        self.coaching = CoachingService(self.store, author=self.username)
        self.sync = SyncService(
            self.store,
            data_dir=data_dir,
            device_id=self.device_id,
            on_signed_in=self._follow_user,
            close=self.close,
        )

    # numpy and the scoring stack cost ~0.1-0.15 s to import (0.5 s while SciPy was in);
    # commands and screens that never suggest anything (status, sync, log-call, the first
    # paint) skip that cost.
    @cached_property
    def segment_hints(self) -> SegmentHintService:
        from fieldrep.segments.service import SegmentHintService

        return SegmentHintService(self.store, self.segments)

    @cached_property
    def suggestions(self) -> SuggestionService:
        from fieldrep.nba.service import SuggestionService

        return SuggestionService(
            self.store, feedback=self.feedback, segments=self.segments, messages=self.messages
        )

    # The screens' use cases (fieldrep/usecases): built from the services they need.
    @cached_property
    def contact_rules(self) -> ContactRules:
        """The contact rules a call or a planned visit runs into (docs/compliance.md)."""
        from fieldrep.usecases.contact_rules import ContactRules

        return ContactRules(self.note_subjects, lambda: self.suggestions)

    @cached_property
    def today(self) -> TodayScreen:
        from fieldrep.usecases.today import TodayScreen

        return TodayScreen(
            self.hcps,
            self.plans,
            self.calls,
            self.adverse_events,
            lambda: self.suggestions,
            subjects=self.note_subjects,
        )

    @cached_property
    def planner(self) -> Planner:
        from fieldrep.usecases.planner import Planner

        return Planner(self.store, self.plans, self.hcps, lambda: self.suggestions)

    @cached_property
    def hcp_list(self) -> HcpListScreen:
        from fieldrep.usecases.hcp_list import HcpListScreen

        return HcpListScreen(self.hcps, self.segments, self.sync, self.calls, self.note_subjects)

    @cached_property
    def inbox(self) -> SyncInbox:
        from fieldrep.usecases.sync_inbox import SyncInbox

        return SyncInbox(self.store, self.calls, self.plans, self.note_subjects)

    @cached_property
    def suggestion_list(self) -> SuggestionsScreen:
        from fieldrep.usecases.suggestion_list import SuggestionsScreen

        return SuggestionsScreen(lambda: self.suggestions, self.sync)

    @cached_property
    def call_log(self) -> CallLogScreen:
        from fieldrep.usecases.call_log import CallLogScreen

        return CallLogScreen(self.hcps, self.note_subjects, self.calls, self.messages)

    @cached_property
    def profiles(self) -> HcpProfiles:
        from fieldrep.usecases.hcp_profile import HcpProfiles

        return HcpProfiles(
            self.hcps,
            self.calls,
            self.segments,
            lambda: self.segment_hints,
            lambda: self.suggestions,
        )

    def sync_status(self) -> SyncStatus:
        """The status bar and the inbox badge in one read (the keychain too: a worker's)."""
        from fieldrep.usecases.sync_status import sync_status

        return sync_status(self.store, self.sync, self.calls)

    # pandas costs ~0.3 s to import: only the team view and Today's attainment pay it.
    @cached_property
    def reports(self) -> ReportService:
        from fieldrep.reports.local import ReportService

        return ReportService(self.store, lambda: self.username)

    # -- opening -----------------------------------------------------------------

    @staticmethod
    def database_path(data_dir: Path) -> Path:
        return data_dir / DATABASE_FILENAME

    @classmethod
    def exists(cls, data_dir: Path) -> bool:
        return cls.database_path(data_dir).exists()

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        passphrase: str | None = None,
        prompt: keys.PassphrasePrompt | None = None,
        create: bool = True,
        clock: Clock | None = None,
    ) -> Workspace:
        """Open the workspace in `data_dir`, creating it when `create` is true.

        Raises WrongKeyError (file untouched) or KeyUnavailableError with what to do.
        """
        data_dir = Path(data_dir)
        path = cls.database_path(data_dir)
        if path.exists():
            key = keys.existing_key(data_dir, passphrase=passphrase, prompt=prompt)
            verify_key(path, key)
        elif not create:
            raise WorkspaceMissingError(
                f"There is no workspace in {data_dir} yet. Run 'fieldrep import-demo' or "
                "'fieldrep login' first."
            )
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            if data_dir.stat().st_mode & 0o077:
                os.chmod(data_dir, 0o700)  # the key record and database are the rep's alone
            key = keys.new_key(data_dir, passphrase=passphrase, prompt=prompt)
        engine = create_encrypted_engine(path, key)
        clock = clock or Clock.system()
        cls._upgrade(engine, clock)
        return cls(data_dir, engine, clock)

    @staticmethod
    def _upgrade(engine: Engine, clock: Clock) -> None:
        store = Store(engine, clock)
        with store.write() as conn:
            applied = migrate(conn, applied_at=clock.now())
            if sync_state.get(conn, sync_state.DEVICE_ID) is None:
                sync_state.put(conn, sync_state.DEVICE_ID, new_id())
        if applied:
            log.info("workspace schema upgraded: %s", ", ".join(applied))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- facts -------------------------------------------------------------------

    def state(self, key: str) -> str | None:
        with self.store.read() as conn:
            return sync_state.get(conn, key)

    def set_state(self, key: str, value: str) -> None:
        with self.store.write() as conn:
            sync_state.put(conn, key, value)

    @property
    def device_id(self) -> str:
        value = self.state(sync_state.DEVICE_ID)
        assert value is not None  # set when the workspace is created
        return value

    def set_username(self, username: str) -> None:
        self.set_state(sync_state.USERNAME, username)
        self._follow_user(username)

    def _follow_user(self, username: str) -> None:
        """The services stamp what the signed-in user writes with their name."""
        self.username = username
        self.calls.author = username
        self.coaching.author = username

    @property
    def role(self) -> str:
        """The signed-in user's role as the server last said it ("rep" until then: a
        demo or never-synced workspace is a rep's)."""
        return self.state(sync_state.ROLE) or REP

    @property
    def is_manager(self) -> bool:
        return self.role == MANAGER

    def set_role(self, role: str) -> None:
        self.set_state(sync_state.ROLE, role)

    def status(self) -> WorkspaceStatus:
        with self.store.read() as conn:
            return WorkspaceStatus(
                data_dir=str(self.data_dir),
                device_id=sync_state.get(conn, sync_state.DEVICE_ID) or "",
                username=self.username,
                schema_version=current_version(conn),
                hcps=self.hcps.count(),
                call_notes=self.calls.count(),
                pending_mutations=outbox.count(conn, outbox.PENDING),
                rejected=outbox.count(conn, outbox.REJECTED),
                last_sync=sync_state.get(conn, sync_state.LAST_SYNC),
                server_url=sync_state.get(conn, sync_state.SERVER_URL),
                last_error=sync_state.get(conn, sync_state.LAST_ERROR),
            )

    def pending_mutations(self) -> list[outbox.OutboxEntry]:
        with self.store.read() as conn:
            return outbox.pending(conn)

    def rejected_mutations(self) -> list[outbox.OutboxEntry]:
        with self.store.read() as conn:
            return outbox.rejected(conn)

    def discard_rejected(self, seq: int) -> Changes:
        """Drop a change the server refused, once the rep has read why."""
        with self.store.write() as conn:
            outbox.discard(conn, seq)
        return Changes(outbox=True)

    # -- keys --------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-encrypt under a key derived from a new passphrase."""
        key, info = keys.key_for_new_passphrase(new_passphrase)
        self._rekey(key)
        info.save(self.data_dir)
        keys.forget_key(self.data_dir)  # a keychain entry for the old key would be stale

    def rotate_key(self) -> None:
        """Re-encrypt under a fresh random key kept in the keychain."""
        if not keys.keyring_usable():
            raise keys.KeyUnavailableError(
                "No system keychain is available; change the passphrase instead."
            )
        key = keys.fresh_key()
        self._rekey(key)
        keys.store_keyring_key(self.data_dir, key)

    def _rekey(self, key: bytes) -> None:
        path = self.database_path(self.data_dir)
        rekey(self.engine, key)
        self.engine = create_encrypted_engine(path, key)
        self.store.engine = self.engine


def _local_username() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "rep"
