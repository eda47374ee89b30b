"""Message choice across a territory: one good call must not swing every HCP to its
message (seen by a stranger: the whole list turned to one message after one call), and
what a message did with an HCP, or a "wrong message" for it, counts for that HCP."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from fieldrep.demo import demo_catalogue_documents
from fieldrep.domain.enums import Channel, DismissReason, Outcome
from fieldrep.domain.hcp import Hcp
from fieldrep.nba.config import NbaConfig
from fieldrep.segments.profiles import CHANNELS
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call
from tests.pinned_clock import today


def tomorrow() -> date:
    return today() + timedelta(days=1)


ALL = {"visit": True, "remote": True, "phone": True, "email": True, "event": True}


def _territory(ws: Workspace, n: int = 30) -> list[Hcp]:
    hcps = [
        Hcp(
            f"CARD-{i:03d}",
            f"E{i}",
            f"DOCTOR NUMBER {i}",
            "CARDIOLOGY",
            "ST. MARY'S",
            "SPRINGFIELD",
            "T9",
            decile=1 + i % 10,
            consents=ALL,
        )  # fmt: skip
        for i in range(n)
    ]
    ws.messages.store_documents(demo_catalogue_documents())  # the demo company's catalogue
    ws.hcps.upsert_many(hcps)
    ws.suggestions.config = replace(NbaConfig(), quiet_periods=())
    return hcps


def _choices(ws: Workspace, hcps: list[Hcp]) -> dict[str, tuple[Channel, str | None]]:
    out = {}
    for h in hcps:
        s = ws.suggestions.for_hcp(h.id)
        assert s is not None
        out[h.id] = (s.channel, s.message_id)
    return out


def test_one_good_call_does_not_swing_the_territory_to_its_message(workspace: Workspace) -> None:
    ws = workspace
    hcps = _territory(ws)
    before = _choices(ws, hcps)
    used = Counter(m for _, m in before.values() if m)
    t = ws.suggestions.territory(tomorrow())
    visit = CHANNELS.index(Channel.VISIT)
    fits = [m for k, m in enumerate(t.messages.ids) if t.messages.allowed[0, visit, k]]
    # one HCP's visit with a message few or none of them were offered went well
    message = min(fits, key=lambda m: used[m])
    log_call(ws, hcps[0].id, Channel.VISIT, days_ago=3, messages=(message,))
    after = _choices(ws, hcps[1:])

    switched = [h for h, (_, m) in after.items() if m == message and before[h][1] != message]
    assert len(switched) <= 3, f"{len(switched)} of {len(after)} HCPs switched to {message}"


def test_wrong_message_teaches_that_message_for_that_hcp(workspace: Workspace) -> None:
    ws = workspace
    hcps = _territory(ws, n=4)
    first = ws.suggestions.for_hcp(hcps[0].id)
    other = ws.suggestions.for_hcp(hcps[1].id)
    assert first is not None and other is not None and first.message_id is not None
    ws.suggestions.dismiss(first, DismissReason.WRONG_MESSAGE)

    t = ws.suggestions.territory(first.due)
    m = t.messages.ids.index(first.message_id)
    assert t.fb_message_fail[0, m] > 0 and t.fb_message_fail[1:].sum() == 0
    again = ws.suggestions.for_hcp(hcps[1].id)
    assert again is not None and again.message_id == other.message_id  # others unchanged


def test_a_message_that_went_badly_with_an_hcp_is_not_its_best_any_more(
    workspace: Workspace,
) -> None:
    ws = workspace
    hcps = _territory(ws, n=3)
    first = ws.suggestions.for_hcp(hcps[0].id)
    assert first is not None and first.message_id is not None
    for days in (200, 150, 100):  # old enough that wear-out has faded
        log_call(
            ws, hcps[0].id, Channel.VISIT, days_ago=days, outcome=Outcome.NEGATIVE,
            messages=(first.message_id,),
        )  # fmt: skip
    t = ws.suggestions.territory(first.due)
    from fieldrep.nba.learning import posteriors

    post = posteriors(t, ws.suggestions.config)
    m = t.messages.ids.index(first.message_id)
    assert post.message_shift[0, m] < -0.3
    assert abs(post.message_shift[1, m]) < 1e-9
