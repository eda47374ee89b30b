"""Call-note compliance check benchmark: the per-keystroke check of the call log.

Run: `.venv/bin/python tests/perf/bench_compliance.py` (or `make perf`). Prints:
- compiling the checker from the demo rules and products (once per catalogue version);
- the check of a note typed up to 2,000 characters, one check per keystroke (what the
  call log does, debounced: this is the worst case, every key), p50 / p95 / max;
- the check of the full 2,000-character note, repeated, p50 / p95 / max;
- a 2,000-character note dense with findings (phone numbers, names, events).
Target (issue 13, docs/performance.md): p95 <= 20 ms for a 2,000-character note.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.data.compliance.evaluate import checker  # noqa: E402

TARGET_MS = 20.0
LENGTH = 2000


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"max {ordered[-1] * 1000:.2f} ms"
    )


def _note(path: Path) -> str:
    """Real notes of the labelled set, joined until 2,000 characters."""
    text = ""
    for line in path.read_text("utf-8").splitlines():
        text += json.loads(line)["text"] + "\n"
        if len(text) >= LENGTH:
            return text[:LENGTH]
    return text


def main() -> int:
    start = time.perf_counter()
    check = checker()
    compile_ms = (time.perf_counter() - start) * 1000
    print(f"compile checker (demo rules and products): {compile_ms:.1f} ms")

    note = _note(ROOT / "tests" / "data" / "compliance" / "notes_dev.jsonl")
    typing: list[float] = []
    for end in range(1, len(note) + 1):
        begin = time.perf_counter()
        check.check(note[:end])
        typing.append(time.perf_counter() - begin)
    full = typing[-200:]
    tail = [t for i, t in enumerate(typing) if i >= 1500]
    print(f"typing a {len(note)}-character note, a check per keystroke ({len(typing)} checks): "
          f"{_percentiles(typing)}")  # fmt: skip
    print(f"  the last 500 keystrokes (1,500-2,000 characters): {_percentiles(tail)}")
    repeats = []
    for _ in range(300):
        begin = time.perf_counter()
        findings = check.check(note)
        repeats.append(time.perf_counter() - begin)
    print(f"full {len(note)}-character note x300 ({len(findings)} findings): "
          f"{_percentiles(repeats)}")  # fmt: skip
    dense = ("Call Mrs. Lopez on 617-555-0142, DOB 04/12/1951; rash since starting Cardiovex "
             "20 mg, pen jammed. ") * 40  # fmt: skip
    dense = dense[:LENGTH]
    samples = []
    for _ in range(100):
        begin = time.perf_counter()
        found = check.check(dense)
        samples.append(time.perf_counter() - begin)
    print(
        f"dense {len(dense)}-character note x100 ({len(found)} findings): {_percentiles(samples)}"
    )
    worst = sorted(tail + full)[int(len(tail + full) * 0.95)] * 1000
    verdict = "OK" if worst <= TARGET_MS else "OVER TARGET"
    print(
        f"p95 at 1,500-2,000 characters: {worst:.2f} ms (target <= {TARGET_MS:.0f} ms): {verdict}"
    )
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
