"""Benchmark: Today's data as one core call (`ws.today.agenda`) against the way the
screen gathered it before issue 11 (one `hcps.get` per plan and per draft, due follow-ups
found by loading every call note). Prints milliseconds per load on the demo territory
(800 HCPs, ~6,200 calls) with a full day of visits.

    .venv/bin/python tests/perf/bench_screen_reads.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from fieldrep.demo import import_demo
from fieldrep.workspace import Workspace

RUNS = 15


def old_today(ws: Workspace, day) -> int:  # type: ignore[no-untyped-def]
    """What ui/pages/today.py did before (kept here only to measure against)."""
    names: dict[str, str] = {}
    rows = []
    for plan in ws.plans.for_day(day):
        hcp = ws.hcps.get(plan.hcp_id)
        rows.append((plan, hcp.display_name))

    def name(hcp_id: str) -> str:
        if hcp_id not in names:
            names[hcp_id] = ws.hcps.get(hcp_id).display_name
        return names[hcp_id]

    horizon = day + timedelta(days=7)
    due = [
        (f.due, name(note.hcp_id))
        for note in ws.calls.all()
        for f in note.follow_ups
        if not f.done and f.due <= horizon
    ]
    drafts = [(n, name(n.hcp_id)) for n in ws.calls.drafts()]
    ws.suggestions.daily_list(limit=5, today=day)
    ws.adverse_events.unsent()
    return len(rows) + len(due) + len(drafts)


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp), passphrase="bench passphrase")
        import_demo(ws)
        day = ws.clock.today()
        for hcp in ws.hcps.all()[:12]:
            ws.plans.add(hcp.id, day)
        ws.suggestions.daily_list(limit=5, today=day)  # warm the scoring stack
        old = timed(lambda: old_today(ws, day))
        new = timed(lambda: ws.today.agenda(day))
        ws.close()
    print(f"Today, before (per-row look-ups, calls.all() scan): {old:7.1f} ms (median of {RUNS})")
    print(f"Today, ws.today.agenda(day):                          {new:7.1f} ms (median of {RUNS})")


if __name__ == "__main__":
    main()
