"""The status bar's sentence after a sync says what really happened (no Qt)."""

from __future__ import annotations

from fieldrep.sync.engine import SyncReport


def test_a_replay_the_server_already_had_is_not_reported_as_sent() -> None:
    """After a kill mid-sync the outbox is pushed again and the server answers
    `duplicate` for all of it: a stranger read "sent 3 changes" although nothing new
    went up."""
    replay = SyncReport(pushed=3, duplicates=3, duration_s=0.4).summary()
    assert replay == "Synced: the server confirmed 3 changes it already had (0.4 s)."
    mixed = SyncReport(pushed=3, applied=2, duplicates=1, pulled=4, duration_s=1.0).summary()
    assert mixed == (
        "Synced: sent 2 changes and the server confirmed 1 change it already had"
        " and received 4 updates (1.0 s)."
    )
    plain = SyncReport(pushed=1, applied=1, duration_s=0.2).summary()
    assert plain == "Synced: sent 1 change (0.2 s)."
