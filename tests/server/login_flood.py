"""Send many wrong-password logins for one username at once; count how many the server
checked (401) and how many it refused unchecked (429). Used by the flood test and by
`tests/perf/flood_login.py`."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from threading import Barrier

import httpx


@dataclass(frozen=True, slots=True)
class FloodResult:
    guesses: int
    checked: int  # answered 401: the password was verified (and was wrong)
    refused: int  # answered 429: refused by the brake without checking
    other: Counter[int]


def flood_login(url: str, username: str, *, guesses: int = 100) -> FloodResult:
    """`guesses` parallel logins with wrong passwords, released together by a barrier."""
    start = Barrier(guesses)

    def guess(i: int) -> int:
        with httpx.Client(base_url=url, timeout=120) as http:
            body = {"username": username, "password": f"guess-{i:03d}", "device_id": f"x{i}"}
            start.wait()
            return http.post("/api/v1/auth/login", json=body).status_code

    with ThreadPoolExecutor(max_workers=guesses) as pool:
        statuses = Counter(pool.map(guess, range(guesses)))
    other = Counter({s: n for s, n in statuses.items() if s not in (401, 429)})
    return FloodResult(guesses, statuses[401], statuses[429], other)
