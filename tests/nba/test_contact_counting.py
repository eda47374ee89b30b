"""What counts as a contact: submitted calls only, each once. Drafts have not happened
yet on the record, and a sync conflict copy repeats a call already counted."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import insert, select

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.hcp import Hcp
from fieldrep.segments.profiles import CHANNELS
from fieldrep.store.schema import call_notes
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call
from tests.pinned_clock import today

HCP = Hcp(
    "hcp-x", "X1", "Ada Byron", "Cardiology", "Clinic", "Town", "T1",
    decile=9, consents={"email": True, "remote": True, "phone": True, "event": True},
)  # fmt: skip
EMAIL = CHANNELS.index(Channel.EMAIL)


def _copy_as_conflict(ws: Workspace) -> None:
    """What a sync does when two devices edit the same field: a draft copy of each note."""
    with ws.store.write() as conn:
        for row in conn.execute(select(call_notes)).mappings().all():
            copy = {**row, "id": row["id"] + "-copy", "status": "draft", "conflict_of": row["id"]}
            conn.execute(insert(call_notes).values(**copy))


def test_conflict_copies_do_not_count_as_contacts(workspace: Workspace) -> None:
    ws = workspace
    ws.hcps.upsert_many([HCP])
    log_call(ws, HCP.id, Channel.PHONE, days_ago=1)
    log_call(ws, HCP.id, Channel.EMAIL, days_ago=2, outcome=Outcome.POSITIVE)
    log_call(ws, HCP.id, Channel.REMOTE, days_ago=3)
    _copy_as_conflict(ws)  # three calls and three copies: six notes, three contacts

    history = ws.suggestions.territory(today()).history
    assert history.contacts.sum() == 3
    assert 0.95 < history.channel_n[0, EMAIL] <= 1  # one email, 2 days old (discounted)
    assert not [b for b in ws.suggestions.blocked_for_hcp(HCP.id) if b.rule == "monthly_cap"]
    best = ws.suggestions.for_hcp(HCP.id)
    assert best is not None
    assert not any("2 of 2 emails" in r for r in best.reasons)


def test_drafts_do_not_shift_suggestions(workspace: Workspace) -> None:
    ws = workspace
    ws.hcps.upsert_many([HCP])
    before = ws.suggestions.for_hcp(HCP.id)
    started = datetime.combine(today(), time(9, 0)).astimezone()
    ws.calls.log(CallDraft(HCP.id, Channel.VISIT, started, outcome=Outcome.NEGATIVE))

    after = ws.suggestions.for_hcp(HCP.id)
    assert before is not None and after is not None
    assert (after.channel, after.score, after.reasons) == (
        before.channel,
        before.score,
        before.reasons,
    )
    assert ws.suggestions.territory(today()).history.contacts.sum() == 0
