"""A device fed an absurd value by the server keeps syncing (issue 14, finding 1), and a
sync that fails for an unexpected reason says so in `last_error`."""

from __future__ import annotations

from typing import Any

import pytest

from fieldrep.store import sync_state
from fieldrep.sync import protocol as p
from fieldrep.workspace import Workspace
from tests.server.world import hcp_record


class FeedOnly:
    """Stands in for the server: a handshake, an empty push, one page of changes."""

    def __init__(self, changes: list[p.Change]) -> None:
        self.changes = changes
        self.cancel: Any = None
        self.protocol_version = p.PROTOCOL_VERSION
        self.last_headers: dict[str, str] = {}

    def handshake(self, request: p.Handshake) -> p.HandshakeResult:
        return p.HandshakeResult(protocol_version=p.PROTOCOL_VERSION, username="rep1",
                                 role="rep", territories=["T"], last_applied_seq=0)  # fmt: skip

    def push(self, request: p.PushRequest) -> p.PushResponse:
        return p.PushResponse(results=[], last_applied_seq=0)

    def pull(self, since: int, limit: int) -> p.PullResponse:
        page = [c for c in self.changes if c.seq > since]
        return p.PullResponse(changes=page, cursor=max((c.seq for c in page), default=since),
                              has_more=False)  # fmt: skip


def _hcp(seq: int, hcp_id: str, volume: int) -> p.Change:
    data = {k: v for k, v in hcp_record(hcp_id, "T", patient_volume=volume).items() if k != "id"}
    return p.Change(seq=seq, entity=p.Entity.HCP, entity_id=hcp_id, op=p.Op.CREATE, version=1,
                    data=data)  # fmt: skip


def test_a_page_with_a_number_beyond_64_bits_still_applies(workspace: Workspace) -> None:
    feed = FeedOnly([_hcp(1, "h-big", 10**20), _hcp(2, "h-fine", 120)])
    workspace.sync.engine(feed).run()  # type: ignore[arg-type]
    assert workspace.hcps.get("h-fine") is not None
    assert workspace.hcps.get("h-big") is not None
    assert workspace.state(sync_state.CURSOR) == "2"


def test_an_unexpected_failure_is_recorded_as_the_last_error(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("fieldrep.sync.engine.apply_page", broken)
    with pytest.raises(RuntimeError):
        workspace.sync.engine(FeedOnly([_hcp(1, "h1", 1)])).run()  # type: ignore[arg-type]
    assert "RuntimeError" in (workspace.state(sync_state.LAST_ERROR) or "")
