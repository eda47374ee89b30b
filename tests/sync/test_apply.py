"""Pulled pages land in the local store by the rules of DESIGN.md section 4 (and an
HCP realigned away keeps the notes about it: docs/sync-protocol.md, "Scope")."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.errors import ValidationError
from fieldrep.services.calls import draft_of
from fieldrep.store import outbox
from fieldrep.sync.apply import (
    apply_page,
    clear_synced,
    prune_former_hcps,
    release_held,
    set_version,
)
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now, today


def hcp_data(name: str = "Dr Ada Lovelace", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "external_id": "X1", "npi": None, "name": name, "title": "MD",
        "specialty": "Cardiology", "organisation": "Mass General", "address": "1 Main St",
        "city": "Boston", "postcode": "02114", "latitude": 42.36, "longitude": -71.06,
        "tier": "A", "decile": 9, "patient_volume": 120, "consents": {"email": True},
        "preferred_channel": None, "do_not_contact": False, "territory_id": "BOS-NORTH",
    }  # fmt: skip
    data.update(extra)
    return data


def note_data(hcp_id: str, insights: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "hcp_id": hcp_id, "author": "rep1", "channel": "visit",
        "started_at": "2026-01-05T10:00:00+00:00", "duration_minutes": 20, "status": "submitted",
        "products": ["Cardiovex"], "key_messages": [], "attendees": [], "outcome": None,
        "sentiment": None, "insights": insights, "follow_ups": [], "suggestion_id": None,
        "submitted_at": "2026-01-05T10:20:00+00:00", "conflict_of": None,
    }  # fmt: skip
    data.update(extra)
    return data


def change(seq: int, entity: Entity, entity_id: str, data: dict[str, Any] | None) -> Change:
    op = Op.DELETE if data is None else Op.UPDATE
    return Change(seq=seq, entity=entity, entity_id=entity_id, op=op, version=seq, data=data)


def apply(ws: Workspace, changes: list[Change], now: datetime | None = None) -> Any:
    with ws.store.write() as conn:
        return apply_page(conn, changes, now=now)


def test_a_page_creates_and_updates_records_with_the_server_version(workspace: Workspace) -> None:
    result = apply(
        workspace,
        [
            change(1, Entity.HCP, "h1", hcp_data()),
            change(2, Entity.CALL_NOTE, "n1", note_data("h1", "asked about renal dosing")),
            change(3, Entity.HCP, "h1", hcp_data(name="Dr Ada King")),
        ],
    )
    assert result.upserted == 2
    hcp = workspace.hcps.get("h1")
    assert (hcp.name, hcp.version, hcp.consents) == ("Dr Ada King", 3, {"email": True})
    assert workspace.calls.get("n1").insights == "asked about renal dosing"
    assert [s.id for s in workspace.hcps.search("renal")] == ["h1"]  # FTS follows


def test_a_record_with_pending_local_edits_is_not_overwritten(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    workspace.hcps.set_preferred_channel("h1", Channel.EMAIL)
    result = apply(workspace, [change(2, Entity.HCP, "h1", hcp_data(name="Renamed"))])
    assert result.skipped_pending == 1
    hcp = workspace.hcps.get("h1")
    assert (hcp.name, hcp.preferred_channel) == ("Dr Ada Lovelace", Channel.EMAIL)


def test_an_hcp_tombstone_removes_it_and_its_plans_but_keeps_the_notes_about_it(
    workspace: Workspace,
) -> None:
    """Realigned to another territory: the HCP leaves, the rep's calls with it stay (the
    server keeps them in the rep's feed), with the HCP's last known record beside them."""
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data()), change(2, Entity.HCP, "h2", {
        **hcp_data(name="Dr Other")})])  # fmt: skip
    workspace.plans.add("h1", today() + timedelta(days=1))
    apply(workspace, [change(3, Entity.CALL_NOTE, "n1", note_data("h1", "asked about dosing"))])
    draft = workspace.calls.log(
        CallDraft(hcp_id="h1", channel=Channel.PHONE, started_at=local_now(),
                  outcome=Outcome.NEUTRAL, insights="unsynced draft")
    )  # fmt: skip
    pending_before = len(workspace.pending_mutations())
    result = apply(workspace, [change(4, Entity.HCP, "h1", None)], now=local_now())
    assert result.deleted == 1
    assert [h.id for h in workspace.hcps.all()] == ["h2"]
    assert [s.id for s in workspace.hcps.summaries()] == ["h2"]
    assert sorted(n.id for n in workspace.calls.all()) == sorted(["n1", draft.id])
    assert workspace.plans.for_week(today() + timedelta(days=1)) == []
    # The plan and the draft written about h1 still go up: the outbox holds full mutations.
    assert len(workspace.pending_mutations()) == pending_before
    subject = workspace.note_subjects.get("h1")
    assert subject is not None and not subject.in_territory
    assert subject.hcp.display_name == "MD Dr Ada Lovelace"
    opened = workspace.call_log.existing("n1")
    assert opened.hcp.name == "Dr Ada Lovelace"
    assert "no longer in your territory" in opened.territory_notice
    assert [d.hcp_name for d in workspace.today.agenda(today()).drafts] == [
        "MD Dr Ada Lovelace (no longer in your territory)"
    ]
    submitted = workspace.calls.submit(draft.id).value  # the server accepts it too
    assert submitted.status.value == "submitted"


def test_an_unsent_adverse_event_report_keeps_naming_an_hcp_that_left(
    workspace: Workspace,
) -> None:
    note = note_data("h1", "rash after dose")
    apply(
        workspace,
        [change(1, Entity.HCP, "h1", hcp_data()), change(2, Entity.CALL_NOTE, "n1", note)],
    )
    report = workspace.adverse_events.draft_from_note(
        hcp_id="h1", reporter="rep1", text="rash after dose", aware_at=local_now(),
        call_note_id="n1",
    )  # fmt: skip
    workspace.adverse_events.save_draft(report)
    apply(workspace, [change(3, Entity.HCP, "h1", None)], now=local_now())
    assert [o.hcp_name for o in workspace.adverse_events.unsent()] == ["MD Dr Ada Lovelace"]


def test_a_former_hcps_do_not_contact_still_refuses_a_late_submit(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data(do_not_contact=True))])
    draft = workspace.calls.log(
        CallDraft(hcp_id="h1", channel=Channel.PHONE, started_at=local_now(),
                  outcome=Outcome.NEUTRAL)
    )  # fmt: skip
    apply(workspace, [change(2, Entity.HCP, "h1", None)])
    with pytest.raises(ValidationError, match="do-not-contact"):
        workspace.calls.submit(draft.id)


def test_a_former_hcps_record_goes_when_it_comes_back_or_its_last_note_goes(
    workspace: Workspace,
) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data()), change(2, Entity.HCP, "h2", {
        **hcp_data(name="Dr Other")})])  # fmt: skip
    apply(workspace, [change(3, Entity.CALL_NOTE, "n1", note_data("h1", "one")),
                      change(4, Entity.CALL_NOTE, "n2", note_data("h1", "two"))])  # fmt: skip
    apply(workspace, [change(5, Entity.HCP, "h1", None), change(6, Entity.HCP, "h2", None)])
    assert _former_ids(workspace) == ["h1"]  # h2 had no notes: nothing of it stays
    apply(workspace, [change(7, Entity.HCP, "h1", hcp_data(name="Dr Ada King"))])  # back
    assert _former_ids(workspace) == []
    assert workspace.call_log.existing("n1").territory_notice == ""
    apply(workspace, [change(8, Entity.HCP, "h1", None)])
    assert workspace.note_subjects.get("h1").hcp.name == "Dr Ada King"  # type: ignore[union-attr]
    apply(workspace, [change(9, Entity.CALL_NOTE, "n1", None)])
    assert _former_ids(workspace) == ["h1"]  # n2 still needs it
    apply(workspace, [change(10, Entity.CALL_NOTE, "n2", None)])
    assert _former_ids(workspace) == []  # the server deleted the notes: the record goes too


def test_an_hcp_leaving_with_its_last_note_in_one_page_leaves_nothing_behind(
    workspace: Workspace,
) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    apply(workspace, [change(2, Entity.CALL_NOTE, "n1", note_data("h1", "one"))])
    apply(workspace, [change(3, Entity.HCP, "h1", None), change(4, Entity.CALL_NOTE, "n1", None)])
    assert _former_ids(workspace) == []


def test_a_discarded_last_draft_takes_its_former_hcps_record_along(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    draft = workspace.calls.log(
        CallDraft(hcp_id="h1", channel=Channel.PHONE, started_at=local_now())
    )
    apply(workspace, [change(2, Entity.HCP, "h1", None)])
    assert _former_ids(workspace) == ["h1"]
    workspace.calls.discard_draft(draft.id)
    assert _former_ids(workspace) == []


def test_a_note_about_an_hcp_never_on_this_device_opens_but_cannot_be_submitted(
    workspace: Workspace,
) -> None:
    """A fresh laptop pulls the rep's draft about an HCP realigned away before it synced."""
    apply(workspace, [change(1, Entity.CALL_NOTE, "n1", note_data(
        "gone", "draft", status="draft", submitted_at=None, outcome="neutral",
        channel="phone", products=[], started_at=local_now().isoformat()))])  # fmt: skip
    opened = workspace.call_log.existing("n1")
    assert opened.hcp.id == "gone" and "gone" in opened.hcp.display_name
    assert "no record of them" in opened.territory_notice
    assert workspace.contact_rules.check("gone", Channel.PHONE).refusal is not None
    note = workspace.calls.get("n1")
    edited = workspace.calls.update_draft("n1", replace(draft_of(note), insights="more"))
    assert edited.insights == "more"  # the draft is still the rep's to edit
    with pytest.raises(ValidationError, match="no record of them"):
        workspace.calls.submit("n1")


def test_a_full_resync_keeps_a_former_hcp_only_while_a_note_about_it_comes_back(
    workspace: Workspace,
) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data()), change(2, Entity.HCP, "h2", {
        **hcp_data(name="Dr Other")})])  # fmt: skip
    apply(workspace, [change(3, Entity.CALL_NOTE, "n1", note_data("h1", "one")),
                      change(4, Entity.CALL_NOTE, "n2", note_data("h2", "two"))])  # fmt: skip
    with workspace.store.write() as conn:
        clear_synced(conn)
    assert _former_ids(workspace) == ["h1", "h2"]
    # The fresh pull: h1 moved away meanwhile (its note comes back alone), h2 is still here.
    apply(workspace, [change(5, Entity.HCP, "h2", hcp_data(name="Dr Other")),
                      change(6, Entity.CALL_NOTE, "n1", note_data("h1", "one")),
                      change(7, Entity.CALL_NOTE, "n2", note_data("h2", "two"))])  # fmt: skip
    with workspace.store.write() as conn:
        prune_former_hcps(conn)
    assert _former_ids(workspace) == ["h1"]
    with workspace.store.write() as conn:
        clear_synced(conn)
        prune_former_hcps(conn)  # no note about h1 came back: nothing of it stays
    assert _former_ids(workspace) == []


def _former_ids(ws: Workspace) -> list[str]:
    with ws.store.read() as conn:
        return sorted(r[0] for r in conn.exec_driver_sql("SELECT id FROM former_hcps"))


def test_a_tombstone_for_a_locally_edited_note_waits_for_the_push(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    note = workspace.calls.log(
        CallDraft(hcp_id="h1", channel=Channel.PHONE, started_at=local_now())
    )
    result = apply(workspace, [change(2, Entity.CALL_NOTE, note.id, None)])
    assert result.skipped_pending == 1
    assert workspace.calls.get(note.id).id == note.id


def test_conflict_copies_arrive_as_notes_pointing_at_their_original(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    result = apply(
        workspace,
        [
            change(2, Entity.CALL_NOTE, "n1", note_data("h1", "server wins")),
            change(3, Entity.CALL_NOTE, "n1c", note_data("h1", "my words", conflict_of="n1",
                                                        status="draft", submitted_at=None)),
        ],
    )  # fmt: skip
    assert result.conflict_copies == ["n1c"]
    assert workspace.calls.get("n1c").conflict_of == "n1"


def test_only_a_conflict_copy_new_here_and_still_a_draft_is_counted_to_read(
    workspace: Workspace,
) -> None:
    """The copy's later edits, a submitted copy (another device of the rep made it the
    record, or a manager receives a rep's note) are nothing new to read."""
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    copy = note_data("h1", "my words", conflict_of="n1", status="draft", submitted_at=None)
    assert apply(workspace, [change(2, Entity.CALL_NOTE, "n1c", copy)]).conflict_copies == ["n1c"]
    edited = {**copy, "insights": "my words, edited"}
    assert apply(workspace, [change(3, Entity.CALL_NOTE, "n1c", edited)]).conflict_copies == []
    submitted = note_data("h1", "theirs", conflict_of="n2")
    assert apply(workspace, [change(4, Entity.CALL_NOTE, "n2c", submitted)]).conflict_copies == []


def test_a_partial_record_updates_only_the_fields_it_carries(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    apply(workspace, [change(2, Entity.HCP, "h1", {"preferred_channel": "email"})])
    hcp = workspace.hcps.get("h1")
    assert (hcp.name, hcp.preferred_channel, hcp.version) == ("Dr Ada Lovelace", Channel.EMAIL, 2)


def test_unknown_entities_are_ignored_not_fatal(workspace: Workspace) -> None:
    result = apply(
        workspace,
        [
            Change(
                seq=1,
                entity=Entity.COACHING_COMMENT,
                entity_id="c1",
                op=Op.CREATE,
                version=1,
                data={"text": "Nice call"},
            )
        ],  # fmt: skip
    )
    assert result.upserted + result.ignored == 1


def test_full_resync_keeps_only_records_the_outbox_still_needs(workspace: Workspace) -> None:
    apply(workspace, [change(i, Entity.HCP, f"h{i}", hcp_data(name=f"Dr {i}")) for i in range(3)])
    workspace.hcps.set_preferred_channel("h1", Channel.PHONE)
    with workspace.store.write() as conn:
        clear_synced(conn)
        set_version(conn, "hcp", "h1", 9)
        assert outbox.count(conn) == 1
    assert [(h.id, h.version) for h in workspace.hcps.all()] == [("h1", 9)]


def test_a_change_held_for_a_rejected_edit_restores_the_server_state(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    workspace.hcps.set_preferred_channel("h1", Channel.EMAIL)
    apply(workspace, [change(2, Entity.HCP, "h1", hcp_data(name="Renamed"))])  # held back
    with workspace.store.write() as conn:
        assert release_held(conn) == 0  # our edit is still pending
        (entry,) = outbox.pending(conn)
        outbox.mark_rejected(conn, entry.seq, "not allowed")
        assert release_held(conn) == 1
    hcp = workspace.hcps.get("h1")
    assert (hcp.name, hcp.preferred_channel, hcp.version) == ("Renamed", None, 2)


def test_a_held_change_older_than_our_applied_edit_is_dropped(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "h1", hcp_data())])
    workspace.hcps.set_preferred_channel("h1", Channel.EMAIL)
    apply(workspace, [change(2, Entity.HCP, "h1", hcp_data(name="Renamed"))])
    with workspace.store.write() as conn:
        (entry,) = outbox.pending(conn)
        outbox.acknowledge(conn, [entry.seq])
        set_version(conn, "hcp", "h1", 3)  # the server applied it as version 3
        assert release_held(conn) == 0
    assert workspace.hcps.get("h1").preferred_channel == Channel.EMAIL


def test_cells_are_stored_as_the_schema_keeps_them(workspace: Workspace) -> None:
    apply(
        workspace,
        [
            change(1, Entity.HCP, "h1", hcp_data(do_not_contact=True, consents={"email": True})),
            change(2, Entity.HCP, "h2", {"external_id": "X2", "name": "Dr Partial"}),
            change(3, Entity.CALL_NOTE, "n1", note_data("h1", "dosing", attendees=["Ana Ruiz"])),
        ],
    )
    with workspace.store.read() as conn:
        hcp_rows = conn.exec_driver_sql(
            "SELECT id, do_not_contact, consents, tier, decile, latitude, version FROM hcps "
            "ORDER BY id"
        ).all()
        note = conn.exec_driver_sql(
            "SELECT products, key_messages, attendees, outcome FROM call_notes"
        ).one()
    assert [tuple(r) for r in hcp_rows] == [
        ("h1", 1, '{"email":true}', "A", 9, 42.36, 1),
        ("h2", 0, "{}", "", 0, None, 2),  # what a record without those fields gets
    ]
    assert tuple(note) == ('["Cardiovex"]', "[]", '["Ana Ruiz"]', None)
