"""Two things the engine reads off the record: how the rep chose to reach an HCP (a
prior per channel, never an echo of the engine's own suggestions), and, when a company
asks for it, message rotation (a message given lately is chosen again only when no other
is close)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from fieldrep.demo import demo_catalogue_documents
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.hcp import Hcp
from fieldrep.nba.config import NbaConfig
from fieldrep.nba.scoring import score_territory
from fieldrep.nba.usage import usage_shift
from fieldrep.segments.profiles import CHANNELS
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call
from tests.pinned_clock import today

ALL = {"visit": True, "remote": True, "phone": True, "email": True, "event": True}
VISIT, REMOTE = CHANNELS.index(Channel.VISIT), CHANNELS.index(Channel.REMOTE)


def _territory(ws: Workspace, n: int, config: NbaConfig) -> list[Hcp]:
    hcps = [
        Hcp(
            f"CARD-{i:03d}",
            f"E{i}",
            f"DOCTOR NUMBER {i}",
            "CARDIOLOGY",
            "ST. MARY'S",
            "SPRINGFIELD",
            "T9",
            decile=8,
            consents=ALL,
        )  # fmt: skip
        for i in range(n)
    ]
    ws.messages.store_documents(demo_catalogue_documents())
    ws.hcps.upsert_many(hcps)
    ws.suggestions.config = replace(config, quiet_periods=())
    return hcps


def tomorrow() -> date:
    return today() + timedelta(days=1)


def test_an_hcp_the_rep_reaches_remotely_leans_to_remote_calls(workspace: Workspace) -> None:
    ws = workspace
    hcps = _territory(ws, 6, replace(NbaConfig(), usage_gain=0.5))
    for i, h in enumerate(hcps):
        channel = Channel.REMOTE if i == 0 else Channel.VISIT
        for days in (300, 240, 180, 120):
            log_call(ws, h.id, channel, days_ago=days, outcome=Outcome.NEUTRAL)
    t = ws.suggestions.territory(tomorrow())
    shift = usage_shift(t, ws.suggestions.config)
    assert shift[0, REMOTE] > 0.3 and shift[0, VISIT] < 0
    assert shift[1, VISIT] > 0 and shift[1, REMOTE] < 0
    assert not usage_shift(t, replace(NbaConfig(), usage_gain=0.0)).any()  # off


def test_calls_made_on_the_engines_suggestion_teach_no_channel_preference(
    workspace: Workspace,
) -> None:
    ws = workspace
    hcps = _territory(ws, 3, replace(NbaConfig(), usage_gain=0.5))
    for days in (60, 40, 20):
        log_call(ws, hcps[0].id, Channel.REMOTE, days_ago=days, outcome=Outcome.NEUTRAL)
    log_call(ws, hcps[1].id, Channel.VISIT, days_ago=10, outcome=Outcome.NEUTRAL)
    t = ws.suggestions.territory(tomorrow())
    assert usage_shift(t, ws.suggestions.config)[0, REMOTE] > 0
    # the same calls made on the engine's suggestions (as the call log records them)
    t.history.call_rows[t.history.call_rows[:, 0] == 0, 5] = 1.0
    assert abs(usage_shift(t, ws.suggestions.config)[0]).max() < 1e-12


def test_rotation_moves_off_a_recent_message_only_when_another_is_close(
    workspace: Workspace,
) -> None:
    ws = workspace
    hcps = _territory(ws, 1, NbaConfig())
    config = ws.suggestions.config
    t = ws.suggestions.territory(tomorrow())
    first = int(score_territory(t, tomorrow(), config).message[0, VISIT])
    assert first >= 0
    log_call(ws, hcps[0].id, Channel.VISIT, days_ago=30, messages=(t.messages.ids[first],))
    t = ws.suggestions.territory(tomorrow())
    plain = score_territory(t, tomorrow(), config)
    rotating = score_territory(t, tomorrow(), replace(config, rotation_margin=10.0))
    never = score_territory(t, tomorrow(), replace(config, rotation_margin=10.0, rotation_days=7))
    assert int(rotating.message[0, VISIT]) != first
    assert int(never.message[0, VISIT]) == int(plain.message[0, VISIT])
