"""The new rep of a realigned HCP sees the old rep's calls as contacts: a phone call
the old rep made this morning still holds the new rep to the minimum gap (a stranger's
run saw the new rep's laptop suggest calling an HCP phoned the day before). The notes'
text stays the old rep's."""

from __future__ import annotations

from collections.abc import Callable

from fieldrep.domain.enums import Channel
from fieldrep.workspace import Workspace
from tests.sync.conftest import Device
from tests.sync.helpers import log_note, sync
from tests.sync.servers import ServerProcess

NewRep = Callable[..., str]


def _contacts(ws: Workspace, hcp_id: str) -> dict[str, str]:
    with ws.store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, author FROM hcp_contacts WHERE hcp_id = ?", (hcp_id,)
        ).all()
    return {row[0]: row[1] for row in rows}


def _phoneable(ws: Workspace) -> str:
    """An HCP the demo territory may phone (consent on record), away from other tests'."""
    hcps = sorted(ws.hcps.all(), key=lambda h: h.id)[40:]
    return next(h.id for h in hcps if h.consents.get("phone") and not h.do_not_contact)


def _gap_warnings(ws: Workspace, hcp_id: str) -> list[str]:
    check = ws.contact_rules.check(hcp_id, Channel.PHONE)
    return [w for w in check.warnings if "earlier today" in w]


def test_the_new_rep_is_held_to_the_gaps_of_the_old_reps_calls(
    new_rep: NewRep, device: Device, sync_server: ServerProcess
) -> None:
    old_rep, newcomer_name = new_rep(), new_rep("BOS-SOUTH")
    laptop, newcomer = device(old_rep), device(newcomer_name)
    sync(laptop)
    sync(newcomer)  # a laptop that was in use before the realignment
    hcp = _phoneable(laptop)
    called = log_note(laptop, hcp, "contacts: phoned this morning", submit=True)
    sync(laptop)
    draft = log_note(laptop, hcp, "contacts: written on the train")  # not synced yet
    sync_server.admin("assign", "--hcp", hcp, "--territory", "BOS-SOUTH")
    try:
        sync(newcomer)
        assert newcomer.hcps.get(hcp).territory_id == "BOS-SOUTH"
        shared = _contacts(newcomer, hcp)
        assert shared[called] == old_rep and draft not in shared
        history = {i for i, author in shared.items() if author != old_rep}
        assert history  # the demo's earlier calls on the HCP, by its first rep
        assert _gap_warnings(newcomer, hcp), newcomer.contact_rules.check(hcp, Channel.PHONE)
        suggestion = newcomer.suggestions.for_hcp(hcp)
        assert suggestion is None or suggestion.channel is not Channel.PHONE
        assert [n for n in newcomer.calls.all() if n.hcp_id == hcp] == []  # no text

        laptop.calls.submit(draft)  # the old rep finishes the draft after the realignment
        sync(laptop)
        sync(newcomer)
        assert set(_contacts(newcomer, hcp)) == {called, draft, *history}

        fresh = device(newcomer_name)  # a new laptop of the new rep gets the same
        sync(fresh)
        assert _contacts(fresh, hcp) == _contacts(newcomer, hcp)
        assert _gap_warnings(fresh, hcp)
    finally:
        sync_server.admin("assign", "--hcp", hcp, "--territory", "BOS-NORTH")
    sync(newcomer)  # the HCP left again: its contacts go with it
    assert _contacts(newcomer, hcp) == {}
    sync(laptop)  # back with the old rep, who holds its own calls as notes
    assert {called, draft} <= set(_contacts(laptop, hcp))
    assert _gap_warnings(laptop, hcp)
    assert sorted(n.id for n in laptop.calls.for_hcp(hcp)) == sorted([called, draft])
