"""A pull fetches the next page while it stores one, and commits the pages that are
already waiting together: nothing is lost or stored twice when it stops mid-way, and the
app's own writes never wait on the network."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event

from fieldrep.store import sync_state
from fieldrep.sync import protocol as p
from fieldrep.sync.errors import ServerUnreachableError
from fieldrep.sync.page_feed import PageFeed
from fieldrep.tasks import Cancelled, CancelToken
from fieldrep.workspace import Workspace
from tests.sync.test_apply import hcp_data

PAGE = 100


def feed_pages(count: int, per_page: int = PAGE) -> list[p.PullResponse]:
    pages = []
    for n in range(count):
        changes = [
            p.Change(
                seq=n * per_page + i + 1,
                entity=p.Entity.HCP,
                entity_id=f"h{n * per_page + i}",
                op=p.Op.CREATE,
                version=1,
                data=hcp_data(name=f"Dr {n}-{i}"),
            )  # fmt: skip
            for i in range(per_page)
        ]
        last = n == count - 1
        pages.append(p.PullResponse(changes=changes, cursor=(n + 1) * per_page, has_more=not last))
    return pages


class StubClient:
    """The server side of a pull, in memory: `pages` answered by cursor."""

    def __init__(self, pages: list[p.PullResponse]) -> None:
        self.by_since = {0: pages[0]} | {
            a.cursor: b for a, b in zip(pages, pages[1:], strict=False)
        }
        self.sinces: list[int] = []
        self.on_pull: Any = None  # called with `since` before answering
        self.cancel: CancelToken | None = None
        self.protocol_version = p.PROTOCOL_VERSION
        self.last_headers: dict[str, str] = {}

    def handshake(self, request: p.Handshake) -> p.HandshakeResult:
        return p.HandshakeResult(
            protocol_version=request.protocol_version, username="rep1", role="rep",
            territories=["BOS-NORTH"], last_applied_seq=0,
        )  # fmt: skip

    def pull(self, since: int, limit: int) -> p.PullResponse:  # noqa: ARG002 - as SyncClient
        self.sinces.append(since)
        if self.on_pull is not None:
            self.on_pull(since)
        return self.by_since[since]


def committed_cursor(ws: Workspace) -> int:
    with ws.store.read() as conn:  # a connection of its own: committed rows only
        return int(sync_state.get(conn, sync_state.CURSOR) or 0)


def hcp_count(ws: Workspace) -> int:
    with ws.store.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM hcps").scalar_one())


def test_the_next_page_is_asked_for_before_the_current_one_is_stored(
    workspace: Workspace,
) -> None:
    client = StubClient(feed_pages(2, per_page=3000))  # a page that takes a while to store
    cursors_when_asked: dict[int, int] = {}
    client.on_pull = lambda since: cursors_when_asked.setdefault(since, committed_cursor(workspace))
    workspace.sync.engine(client).run()  # type: ignore[arg-type]
    assert client.sinces == [0, 3000]
    assert cursors_when_asked[3000] == 0  # page 2 was on its way before page 1 committed
    assert hcp_count(workspace) == 6000


def test_pages_already_waiting_are_committed_together(workspace: Workspace) -> None:
    client = StubClient(feed_pages(20))
    commits = []
    event.listen(workspace.store.engine, "commit", lambda _conn: commits.append(1))
    workspace.sync.engine(client).run()  # type: ignore[arg-type]
    assert hcp_count(workspace) == 20 * PAGE and committed_cursor(workspace) == 20 * PAGE
    assert len(commits) < 20  # 20 pages and the sync's own bookkeeping, in fewer commits


def test_a_pull_stopped_mid_way_resumes_from_its_cursor_without_loss(
    workspace: Workspace,
) -> None:
    client = StubClient(feed_pages(10))

    def server_goes_away(since: int) -> None:
        if since == 7 * PAGE and client.sinces.count(since) == 1:
            raise ServerUnreachableError("The sync server could not be reached (test).")

    client.on_pull = server_goes_away
    with pytest.raises(ServerUnreachableError):
        workspace.sync.engine(client).run()  # type: ignore[arg-type]
    stopped_at = committed_cursor(workspace)
    assert stopped_at % PAGE == 0 and stopped_at <= 7 * PAGE
    assert hcp_count(workspace) == stopped_at  # each committed page with its cursor
    asked_before = len(client.sinces)
    report = workspace.sync.engine(client).run()  # type: ignore[arg-type]
    assert client.sinces[asked_before] == stopped_at
    assert hcp_count(workspace) == 10 * PAGE and report.pulled == 10 * PAGE - stopped_at
    assert committed_cursor(workspace) == 10 * PAGE


def test_the_write_lock_is_free_while_the_next_page_is_on_its_way(workspace: Workspace) -> None:
    client = StubClient(feed_pages(3))
    asked = threading.Event()
    written = threading.Event()

    def slow_third_page(since: int) -> None:
        if since == 2 * PAGE:
            asked.set()
            assert written.wait(10), "the app's write waited for the pull"

    client.on_pull = slow_third_page
    errors: list[BaseException] = []

    def run() -> None:
        try:
            workspace.sync.engine(client).run()  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert asked.wait(10)
    with workspace.store.write() as conn:  # the app logs a call meanwhile
        sync_state.put(conn, "test-marker", "1")
    written.set()
    worker.join(30)
    assert not errors and hcp_count(workspace) == 3 * PAGE


def test_a_feed_raises_what_fetching_raised_and_stops_when_cancelled() -> None:
    def broken(since: int) -> p.PullResponse:  # noqa: ARG001 - a fetch's signature
        raise ServerUnreachableError("gone")

    with PageFeed(broken, 0, CancelToken()) as feed, pytest.raises(ServerUnreachableError):
        feed.next_page()

    never = threading.Event()

    def hanging(since: int) -> p.PullResponse:  # noqa: ARG001 - a fetch's signature
        never.wait(5)
        raise AssertionError("not reached")

    token = CancelToken()
    with PageFeed(hanging, 0, token) as feed:
        token.cancel()
        with pytest.raises(Cancelled):
            feed.next_page()
    never.set()
