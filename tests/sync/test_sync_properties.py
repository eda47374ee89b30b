"""Property: whatever two devices of one rep do offline, syncing makes them converge.

Random offline edits (new notes, edits of either field, submits) on two devices, with
syncs interleaved at random, then a final round of syncs: both devices and a fresh
device (the server's view) hold exactly the same notes of the rep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldrep.domain.errors import LockedError
from fieldrep.services.calls import draft_of
from fieldrep.workspace import Workspace
from tests.sync.conftest import Device
from tests.sync.helpers import first_hcp, log_note, notes_of, sync

NewRep = Callable[..., str]

device_index = st.integers(0, 1)
steps = st.one_of(
    st.tuples(st.just("log"), device_index, st.booleans()),
    st.tuples(st.just("insights"), device_index, st.integers(0, 20), st.text(max_size=12)),
    st.tuples(st.just("duration"), device_index, st.integers(0, 20), st.integers(1, 240)),
    st.tuples(st.just("submit"), device_index, st.integers(0, 20)),
    st.tuples(st.just("sync"), device_index),
)


def _drafts(ws: Workspace, rep: str) -> list[str]:
    return sorted(n.id for n in ws.calls.drafts() if n.author == rep)


def _do(ws: Workspace, rep: str, hcp: str, step: tuple[object, ...]) -> None:
    kind = step[0]
    if kind == "log":
        log_note(ws, hcp, "property", submit=bool(step[2]))
        return
    if kind == "sync":
        sync(ws)
        return
    drafts = _drafts(ws, rep)
    if not drafts:
        return
    note_id = drafts[int(step[2]) % len(drafts)]  # type: ignore[call-overload]
    try:
        if kind == "submit":
            if ws.calls.get(note_id).conflict_of:
                return  # a rep never submits a conflict copy (calls.submit refuses it)
            ws.calls.submit(note_id)
        else:
            field = "insights" if kind == "insights" else "duration_minutes"
            edited = replace(draft_of(ws.calls.get(note_id)), **{field: step[3]})
            ws.calls.update_draft(note_id, edited)
    except LockedError:
        pass


def test_two_devices_with_random_offline_edits_converge_with_the_server(
    new_rep: NewRep, device: Device
) -> None:
    rep = new_rep()
    a, b, server_view = device(rep), device(rep), device(rep)
    for ws in (a, b, server_view):
        sync(ws)
    hcp = first_hcp(a)

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(steps, max_size=12))
    def converge(plan: list[tuple[object, ...]]) -> None:
        for step in plan:
            _do((a, b)[int(step[1])], rep, hcp, step)  # type: ignore[call-overload]
        for ws in (a, b, a, server_view):
            sync(ws)
        assert a.pending_mutations() == [] and b.pending_mutations() == []
        assert notes_of(a, rep) == notes_of(server_view, rep)
        assert notes_of(b, rep) == notes_of(server_view, rep)

    converge()
