"""What writing outbox rows through the protocol's records costs on the client.

Run: .venv/bin/python tests/perf/bench_wire_records.py
Prints microseconds per call for a call note's create fields (`CallNoteData.of(...).wire()`),
a draft's editable fields (`draft_fields`, through `CallNoteData.partial`) and a two-field
update, against the hand-built dict the services wrote before (issue 11).
"""

from __future__ import annotations

import timeit
from datetime import UTC, datetime

from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.enums import CallStatus, Channel, Outcome, Sentiment
from fieldrep.services.calls import draft_fields
from fieldrep.store.values import dt_to_text
from fieldrep.sync.protocol import CallNoteData

DRAFT = CallDraft(
    hcp_id="hcp-00042",
    channel=Channel.VISIT,
    started_at=datetime(2026, 11, 25, 15, 30, tzinfo=UTC),
    duration_minutes=20,
    products=("Cardiovex",),
    key_messages=("msg-1", "msg-2"),
    attendees=("Nurse Lee",),
    outcome=Outcome.POSITIVE,
    sentiment=Sentiment.NEUTRAL,
    insights="Asked about titration in elderly patients; wants the leaflet. " * 4,
    follow_ups=(FollowUp("Send the titration leaflet", datetime(2026, 12, 1).date()),),
)


def by_hand() -> dict[str, object]:
    d = DRAFT
    return {
        "hcp_id": d.hcp_id, "channel": d.channel.value, "started_at": dt_to_text(d.started_at),
        "duration_minutes": d.duration_minutes, "products": list(d.products),
        "key_messages": list(d.key_messages), "attendees": list(d.attendees),
        "outcome": d.outcome.value if d.outcome else None,
        "sentiment": d.sentiment.value if d.sentiment else None, "insights": d.insights,
        "follow_ups": [
            {"description": f.description, "due": f.due.isoformat(), "done": f.done}
            for f in d.follow_ups
        ],
        "suggestion_id": d.suggestion_id, "author": "rep1", "status": "draft",
        "submitted_at": None,
    }  # fmt: skip


def through_the_record() -> dict[str, object]:
    return CallNoteData.of(
        **draft_fields(DRAFT), author="rep1", status=CallStatus.DRAFT, submitted_at=None
    ).wire()


def update() -> dict[str, object]:
    return CallNoteData.partial(status=CallStatus.SUBMITTED, submitted_at="2026-11-25T15:55:00")


def main() -> None:
    for name, fn in [
        ("hand-built dict (before)", by_hand),
        ("create: draft_fields + CallNoteData.of().wire()", through_the_record),
        ("draft_fields only (CallNoteData.partial, 12 fields)", lambda: draft_fields(DRAFT)),
        ("update: CallNoteData.partial (2 fields)", update),
    ]:
        runs = 5000
        best = min(timeit.repeat(fn, number=runs, repeat=5)) / runs
        print(f"{name:55s} {best * 1e6:8.1f} us")


if __name__ == "__main__":
    main()
