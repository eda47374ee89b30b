"""Small steps the sync scenarios share: write notes, sync, compare devices."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.sync.client import RetryPolicy
from fieldrep.sync.engine import SyncReport
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.pinned_clock import local_now
from tests.sync.servers import SERVER_PASSWORD

FAST_RETRIES = RetryPolicy(attempts=8, base_delay=0.05, max_delay=0.5, read_timeout=10)
FIELDREP = str(Path(sys.executable).parent / "fieldrep")


def sync(ws: Workspace, **options: Any) -> SyncReport:
    ws.sync.policy = ws.sync.policy or FAST_RETRIES
    return ws.sync.run(**options)


def first_hcp(ws: Workspace, index: int = 0) -> str:
    return sorted(h.id for h in ws.hcps.all())[index]


def log_note(ws: Workspace, hcp_id: str, text: str, *, submit: bool = False) -> str:
    draft = CallDraft(hcp_id=hcp_id, channel=Channel.PHONE, started_at=local_now(),
                      insights=text, outcome=Outcome.NEUTRAL)  # fmt: skip
    return ws.calls.log(draft, submit=submit).id


def notes_of(ws: Workspace, author: str) -> dict[str, tuple[Any, ...]]:
    """What must agree between devices: every note of `author` with its synced fields."""
    return {
        n.id: (n.insights, n.duration_minutes, n.status.value, n.conflict_of, n.version)
        for n in ws.calls.all()
        if n.author == author
    }


def marker_counts(ws: Workspace, prefix: str) -> Counter[str]:
    return Counter(n.insights for n in ws.calls.all() if n.insights.startswith(prefix))


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["FIELDREP_PASSPHRASE"] = PASSPHRASE
    env["FIELDREP_PASSWORD"] = SERVER_PASSWORD
    env.pop("FIELDREP_DATA_DIR", None)
    return env


def fieldrep(data_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FIELDREP, "--data-dir", str(data_dir), *args],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
