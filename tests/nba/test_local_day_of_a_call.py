"""A call counts on its day where the rep is now, whatever offset its start was stored
with: in Auckland a phone call made this morning, stored in UTC (the laptop was set to
UTC then, or it is a former rep's call), read "Last phone yesterday" and freed the
channel a day early."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fieldrep.clock import Clock
from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.hcp import Hcp
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE

AUCKLAND = ZoneInfo("Pacific/Auckland")
NOW = datetime(2026, 12, 8, 10, 9, tzinfo=AUCKLAND)  # Tuesday morning there
PHONED = datetime(2026, 12, 7, 20, 58, tzinfo=UTC)  # 09:58 that morning in Auckland


def test_a_call_stored_in_utc_counts_on_the_local_day(tmp_path: Path) -> None:
    clock = Clock.frozen(NOW, tz=AUCKLAND)
    with Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE, clock=clock) as ws:
        ws.hcps.upsert_many(
            [Hcp("H-1", "X1", "ALICE MARTIN", "CARDIOLOGY", "", "", "SOUTH",
                 consents={"phone": True})]
        )  # fmt: skip
        ws.calls.log(
            CallDraft("H-1", Channel.PHONE, PHONED, 10, outcome=Outcome.NEUTRAL), submit=True
        )
        gaps = [b for b in ws.suggestions.blocked_for_hcp("H-1") if b.rule == "min_gap"]
        phone = next(b for b in gaps if b.channel is Channel.PHONE)
        assert phone.explanation.startswith("Last phone earlier today"), phone.explanation
        freed = (NOW.date() + timedelta(days=7)).isoformat()
        assert f"allowed again from {freed}" in phone.explanation
