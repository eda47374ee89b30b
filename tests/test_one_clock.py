"""Nothing reads the wall clock but the clock module: every "now" and "today" of the app
and of the server comes from `fieldrep.clock.Clock`, so tests and the date matrix can
pin it. A new `date.today()` anywhere else fails here, with where it is."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCK_MODULES = {ROOT / "fieldrep" / "clock.py"}
WALL_CLOCK = re.compile(
    r"(?<![\w.])(?:date\.today|datetime\.(?:now|utcnow|today)|time\.time|time\.localtime"
    r"|QDate\.currentDate|QDateTime\.current\w*|QTime\.currentTime)\s*\("
)


def wall_clock_calls() -> list[str]:
    found = []
    for package in ("fieldrep", "sync_server"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path in CLOCK_MODULES:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if WALL_CLOCK.search(line.split("#", 1)[0]):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    assert wall_clock_calls() == []


def test_the_check_would_catch_a_direct_call() -> None:
    for line in ("x = date.today()", "t = datetime.now(UTC)", "QDate.currentDate()"):
        assert WALL_CLOCK.search(line), line
    for line in ("clock.today()", "time.monotonic()", "self.time.time().toPython()"):
        assert not WALL_CLOCK.search(line), line
