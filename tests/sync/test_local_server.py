"""`fieldrep --demo`'s embedded default: a local server seeded once, the demo signed in."""

from __future__ import annotations

from pathlib import Path

from fieldrep.demo import import_demo
from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.sync.local_server import PASSWORD_STATE_KEY, connect_demo_workspace
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.pinned_clock import local_now


def test_demo_workspace_syncs_with_its_local_server_across_restarts(tmp_path: Path) -> None:
    server_dir = tmp_path / "demo" / "server"
    with Workspace.open(tmp_path / "demo", passphrase=PASSPHRASE) as ws:
        import_demo(ws)
        server = connect_demo_workspace(ws, server_dir)
        try:
            first = ws.sync.run()
            assert first.pulled > 0 and ws.status().pending_mutations == 0
            hcp = ws.hcps.all()[0]
            note = ws.calls.log(
                CallDraft(
                    hcp_id=hcp.id,
                    channel=Channel.PHONE,
                    started_at=local_now(),
                    insights="Logged on the embedded server",
                    outcome=Outcome.POSITIVE,
                ),
                submit=True,
            )
            assert ws.sync.run().applied == 1
            password = ws.state(PASSWORD_STATE_KEY)
        finally:
            server.stop()
        assert password and password.encode() not in (server_dir / "server.log").read_bytes()

        # Next start: the same database, no re-seed, signed in again on a new port.
        server = connect_demo_workspace(ws, server_dir)
        try:
            assert ws.state(PASSWORD_STATE_KEY) == password
            assert ws.sync.run().rejected == 0
            with Workspace.open(tmp_path / "other", passphrase=PASSPHRASE) as other:
                other.sync.login(server.url, "rep1", password)
                other.sync.run()
                assert other.calls.get(note.id).insights == "Logged on the embedded server"
        finally:
            server.stop()
