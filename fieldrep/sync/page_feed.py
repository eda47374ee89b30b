"""Pull pages fetched one ahead on a worker thread, so the server produces (and the wire
carries, and the client parses) page N+1 while the engine stores page N.

A first sync of a large territory otherwise waits on the server for a quarter of its
time with the local database idle. The feed changes nothing about what is committed:
the engine still stores each page with its cursor in one transaction, in order, so a
process killed at any point resumes from its last committed cursor. The server accepts
that cursor although it has already handed out the next one (`IssuedCursor`: any
cursor of the device's current pass).

Threading: the worker is the only user of the `SyncClient` while the feed is open
(a `requests.Session` is not shared between threads). It stops after the last page, a
`reset_required` page or an error (which the consumer's `next_page` raises), and when
`close` is called; it never blocks on a full queue after `close`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType

from fieldrep.sync import protocol as p
from fieldrep.tasks import CancelToken

Fetch = Callable[[int], p.PullResponse]

AHEAD = 1  # pages waiting besides the one being fetched: memory stays a few pages
POLL_S = 0.05  # how often a waiting side looks at the cancel token and the stop flag


class PageFeed:
    """Pages from `since` on, in server order, each fetched by `fetch(since)`."""

    def __init__(self, fetch: Fetch, since: int, cancel: CancelToken) -> None:
        self._fetch = fetch
        self._cancel = cancel
        self._pages: queue.Queue[p.PullResponse | BaseException] = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        self._worker = threading.Thread(
            target=self._run, args=(since,), name="sync-page-feed", daemon=True
        )
        self._worker.start()

    def next_page(self) -> p.PullResponse:
        """The next page; raises what fetching it raised, or Cancelled."""
        while True:
            self._cancel.raise_if_cancelled()
            try:
                item = self._pages.get(timeout=POLL_S)
            except queue.Empty:
                if not self._worker.is_alive() and self._pages.empty():
                    raise RuntimeError("the page feed stopped without a last page") from None
                continue
            if isinstance(item, BaseException):
                raise item
            return item

    def ready(self) -> bool:
        """Whether the next page (or the error fetching it) is already here."""
        return not self._pages.empty()

    def close(self) -> None:
        """Stop fetching. Waits a moment for the worker, never for a slow request: a
        request in flight ends on its own (its answer is dropped)."""
        self._stop.set()
        self._worker.join(timeout=1.0)

    def __enter__(self) -> PageFeed:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self, since: int) -> None:
        while not self._stop.is_set():
            try:
                page = self._fetch(since)
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer to raise
                self._put(exc)
                return
            self._put(page)
            if page.reset_required or not page.has_more:
                return
            since = page.cursor

    def _put(self, item: p.PullResponse | BaseException) -> None:
        while not self._stop.is_set():
            try:
                self._pages.put(item, timeout=POLL_S)
                return
            except queue.Full:
                continue
