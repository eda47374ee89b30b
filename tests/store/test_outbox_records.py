"""Every outbox row the client writes is the protocol's record, in its canonical form.

The server validates pushed fields with `fieldrep.sync.protocol.records`; the services
write them through the same models, so what the device queues is what the server takes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.enums import Channel, DismissReason, FeedbackAction, Outcome, Sentiment
from fieldrep.sync.protocol import ENTITY_RECORDS, Entity, Op
from fieldrep.workspace import Workspace
from tests.pinned_clock import today as pinned_today


def test_every_action_queues_its_entitys_wire_record(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    today = pinned_today()
    hcp_id = sorted(h.id for h in ws.hcps.all())[0]
    product = ws.messages.products()[0].name
    draft = CallDraft(
        hcp_id=hcp_id, channel=Channel.REMOTE, started_at=ws.clock.local_now(),
        duration_minutes=25, products=(product,), outcome=Outcome.POSITIVE,
        sentiment=Sentiment.NEUTRAL,
        insights="ASKED ABOUT THE RENAL DOSE; Ünïcode kept",
        follow_ups=(FollowUp("Send the leaflet", today + timedelta(days=3)),),
    )  # fmt: skip
    note = ws.calls.log(draft)
    ws.calls.update_draft(note.id, replace(draft, duration_minutes=40, sentiment=None))
    ws.calls.submit(note.id)
    ws.calls.set_follow_up_done(note.id, 0)
    discarded = ws.calls.log(replace(draft, insights="typed by mistake"))
    ws.calls.discard_draft(discarded.id)
    plan = ws.plans.add(hcp_id, today + timedelta(days=1), time(2, 30), channel=Channel.VISIT)
    ws.plans.move(plan.id, today + timedelta(days=2), time(14, 0))
    ws.feedback.record(
        suggestion_id="s-1", hcp_id=hcp_id, action=FeedbackAction.DISMISSED,
        channel=Channel.EMAIL, reason=DismissReason.WRONG_TIMING, comment="Back in January",
    )  # fmt: skip
    segment = ws.segments.catalogue()[0].id
    ws.segments.correct(hcp_id, {segment: 1.0})
    ws.hcps.set_preferred_channel(hcp_id, Channel.PHONE)
    ws.coaching.leave("REP1", "Good questions on dosing", call_note_id=note.id)

    rows = ws.pending_mutations()
    assert {(Entity(r.entity), Op(r.op)) for r in rows} >= {
        (Entity.CALL_NOTE, Op.CREATE), (Entity.CALL_NOTE, Op.UPDATE),
        (Entity.CALL_NOTE, Op.DELETE), (Entity.VISIT_PLAN, Op.CREATE),
        (Entity.VISIT_PLAN, Op.UPDATE), (Entity.SUGGESTION_FEEDBACK, Op.CREATE),
        (Entity.SEGMENT_MIX, Op.UPDATE), (Entity.HCP, Op.UPDATE),
        (Entity.COACHING_COMMENT, Op.CREATE),
    }  # fmt: skip
    for row in rows:
        model = ENTITY_RECORDS[Entity(row.entity)]
        if row.op == Op.DELETE:
            assert row.fields == {}
        elif row.op == Op.CREATE:
            # A whole record, exactly as the server will store it after validating.
            record = model.model_validate(row.fields)
            assert record.model_dump(mode="json", exclude_unset=True) == row.fields, row
        else:
            # Only changed fields, each already in the wire's canonical form.
            assert row.fields and model.partial(**row.fields) == row.fields, row
    update = next(r for r in rows if r.op == Op.UPDATE and "duration_minutes" in r.fields)
    assert update.fields == {"duration_minutes": 40, "sentiment": None}
