"""Contacts by a realigned HCP's former rep (`hcp_contacts`) land like any record, go
with their HCP, and count once beside the rep's own notes in the history the contact
rules and the engine read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fieldrep.segments.history import load_history
from fieldrep.sync.apply import drop_orphan_contacts
from fieldrep.sync.engine import SyncReport
from fieldrep.sync.protocol import HCP_CONTACT_FIELDS, Entity
from fieldrep.workspace import Workspace
from tests.pinned_clock import today
from tests.sync.test_apply import apply, change, hcp_data, note_data

CHANNELS = ("visit", "remote", "phone", "email", "event")


def contact_data(hcp_id: str, days_ago: int, channel: str = "visit") -> dict[str, Any]:
    day = today() - timedelta(days=days_ago)
    note = note_data(hcp_id, "", channel=channel, started_at=f"{day}T10:00:00+00:00")
    return {name: note[name] for name in HCP_CONTACT_FIELDS}


def _visits(ws: Workspace, hcp_id: str) -> tuple[float, float]:
    with ws.store.read() as conn:
        history = load_history(conn, [hcp_id], today())
    visit = CHANNELS.index("visit")
    return history.contacts[0, visit], history.last_ordinal[0, visit]


def test_contacts_count_once_beside_the_reps_own_notes_and_leave_with_their_hcp(
    workspace: Workspace,
) -> None:
    apply(workspace, [change(1, Entity.HCP, "H1", hcp_data())])
    own = note_data("H1", "mine", started_at=f"{today() - timedelta(days=20)}T10:00:00+00:00")
    apply(
        workspace,
        [
            change(2, Entity.CALL_NOTE, "N-own", own),
            # the same call arrives as a contact too (the HCP came back to this rep)
            change(3, Entity.HCP_CONTACT, "N-own", contact_data("H1", 20)),
            change(4, Entity.HCP_CONTACT, "N-theirs", contact_data("H1", 2)),
        ],
    )
    count, last = _visits(workspace, "H1")
    assert count == 2
    assert last == (today() - timedelta(days=2)).toordinal()
    # the engine's minimum gap for visits sees the former rep's visit two days ago
    blocks = workspace.suggestions.blocked_for_hcp("H1")
    assert any(b.rule == "min_gap" and b.channel.value == "visit" for b in blocks), blocks

    apply(workspace, [change(5, Entity.HCP, "H1", None)])  # realigned away again
    with workspace.store.read() as conn:
        left = conn.exec_driver_sql("SELECT count(*) FROM hcp_contacts").scalar()
    assert left == 0
    assert [n.id for n in workspace.calls.all()] == ["N-own"]  # the rep's own note stays


def test_a_complete_pull_drops_contacts_about_hcps_the_device_does_not_hold(
    workspace: Workspace,
) -> None:
    """A fresh device pulls the contacts its territory got for an HCP that has left it
    since; mid-pull they may precede their HCP's own change, so they go at the end."""
    apply(
        workspace,
        [
            change(1, Entity.HCP_CONTACT, "N-kept", contact_data("H1", 3)),
            change(2, Entity.HCP_CONTACT, "N-orphan", contact_data("H-GONE", 3)),
            change(3, Entity.HCP, "H1", hcp_data()),  # its HCP after it, as may happen
        ],
    )
    with workspace.store.write() as conn:
        drop_orphan_contacts(conn)
        kept = [r[0] for r in conn.exec_driver_sql("SELECT id FROM hcp_contacts")]
    assert kept == ["N-kept"]


def test_the_hcp_lists_last_contact_counts_the_former_reps_calls(workspace: Workspace) -> None:
    apply(workspace, [change(1, Entity.HCP, "H1", hcp_data())])
    own = note_data("H1", "mine", started_at=f"{today() - timedelta(days=20)}T10:00:00+00:00")
    apply(workspace, [change(2, Entity.CALL_NOTE, "N-own", own)])
    [before] = workspace.hcps.summaries()
    assert (before.last_contact or "")[:10] == str(today() - timedelta(days=20))
    apply(workspace, [change(3, Entity.HCP_CONTACT, "N-theirs", contact_data("H1", 2))])
    [after] = workspace.hcps.summaries()
    assert (after.last_contact or "")[:10] == str(today() - timedelta(days=2))
    apply(workspace, [change(4, Entity.HCP_CONTACT, "N-old", contact_data("H1", 90))])
    [still] = workspace.hcps.summaries()
    assert still.last_contact == after.last_contact


def test_the_sync_says_which_hcps_left_and_that_their_planned_visits_went(
    workspace: Workspace,
) -> None:
    """A stranger's planned visit vanished from the planner after a realignment, and the
    sync said only "received 7 updates"."""
    apply(
        workspace,
        [change(1, Entity.HCP, "H1", hcp_data()), change(2, Entity.HCP, "H2", hcp_data())],
    )
    workspace.plans.add("H1", today() + timedelta(days=3))
    result = apply(
        workspace,
        [change(3, Entity.HCP, "H1", None), change(4, Entity.HCP, "H2", None),
         change(5, Entity.HCP, "H-NEVER-HERE", None)],
    )  # fmt: skip
    assert (result.hcps_left, result.plans_dropped) == (2, 1)
    report = SyncReport(pulled=3, hcps_left=2, plans_dropped=1)
    assert report.summary().endswith(
        "2 HCPs left your territory (realigned); 1 planned visit with them was removed."
    )
    assert (
        SyncReport(pulled=1, hcps_left=1)
        .summary()
        .endswith("1 HCP left your territory (realigned).")
    )


def test_search_gives_the_same_last_contact_as_the_list(workspace: Workspace) -> None:
    """`fieldrep search --json` said null where the desktop list showed the former rep's
    call."""
    apply(workspace, [change(1, Entity.HCP, "H1", hcp_data(name="ALICE MARTIN"))])
    apply(workspace, [change(2, Entity.HCP_CONTACT, "N-theirs", contact_data("H1", 2))])
    [hit] = workspace.hcps.search("alice")
    [row] = workspace.hcps.summaries()
    assert hit.last_contact is not None and hit.last_contact == row.last_contact
