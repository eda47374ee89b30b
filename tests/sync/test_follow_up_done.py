"""A follow-up ticked done on a submitted call note syncs; the rest of the note stays locked."""

from __future__ import annotations

from datetime import timedelta

from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.enums import Channel, Outcome
from tests.pinned_clock import local_now, today
from tests.sync.conftest import Device


def test_a_follow_up_done_on_a_submitted_note_is_applied_and_reaches_another_device(
    new_rep, device: Device
) -> None:
    rep = new_rep()
    laptop = device(rep)
    laptop.sync.run()
    hcp = laptop.hcps.all()[0]
    note = laptop.calls.log(
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.PHONE,
            started_at=local_now(),
            outcome=Outcome.POSITIVE,
            follow_ups=(FollowUp("send the renal data pack", today() + timedelta(days=7)),),
        ),
        submit=True,
    )
    laptop.sync.run()
    laptop.calls.set_follow_up_done(note.id, 0)
    report = laptop.sync.run()
    assert (report.applied, report.rejected) == (1, 0)

    second = device(rep)
    second.sync.run()
    assert second.calls.get(note.id).follow_ups[0].done


def test_any_other_change_to_a_submitted_note_is_still_refused() -> None:
    from sync_server.services.call_notes import _only_follow_ups_ticked

    before = {"follow_ups": [{"description": "send data", "due": "2026-12-01", "done": False}]}
    ticked = [{"description": "send data", "due": "2026-12-01", "done": True}]
    assert _only_follow_ups_ticked(before, {"follow_ups": ticked})
    reworded = [{"description": "send other data", "due": "2026-12-01", "done": True}]
    assert not _only_follow_ups_ticked(before, {"follow_ups": reworded})
    assert not _only_follow_ups_ticked(before, {"follow_ups": ticked, "insights": "x"})
    assert not _only_follow_ups_ticked(before, {"follow_ups": [*ticked, *ticked]})
