"""The organisation's device policy reaches the laptop with each handshake; past its days
offline the device is overdue (the app then locks until a sync succeeds)."""

from __future__ import annotations

from datetime import timedelta

from fieldrep.store import sync_state
from fieldrep.sync import protocol as p
from fieldrep.workspace import Workspace
from tests.security.test_hostile_feed import FeedOnly


def test_the_handshake_keeps_the_policy_the_server_sends(workspace: Workspace) -> None:
    feed = FeedOnly([])
    feed.last_headers = {"x-fieldrep-device-policy": "max-offline-days=21, idle-lock-minutes=5"}
    workspace.sync.engine(feed).run()  # type: ignore[arg-type]
    assert workspace.sync.device_policy() == p.DevicePolicy(21, 5.0)


def test_a_device_past_the_days_offline_is_overdue(workspace: Workspace) -> None:
    assert workspace.sync.days_overdue() is None  # no policy, never synced
    workspace.set_state(sync_state.DEVICE_POLICY, p.DevicePolicy(30, 15).header())
    now = workspace.clock.now()
    workspace.set_state(sync_state.LAST_SYNC, (now - timedelta(days=10)).isoformat())
    assert workspace.sync.days_overdue() is None
    workspace.set_state(sync_state.LAST_SYNC, (now - timedelta(days=41)).isoformat())
    assert workspace.sync.days_overdue() == 41


def test_an_unreadable_policy_header_is_ignored() -> None:
    assert p.DevicePolicy.parse("max-offline-days=lots") is None
    assert p.DevicePolicy.parse(None) is None
    assert p.DevicePolicy.parse("max-offline-days=99999") == p.DevicePolicy(3650, 0.0)
