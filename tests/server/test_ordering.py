"""A pull cursor never skips a change that commits later (concurrent writers)."""

from __future__ import annotations

import random
import threading
import time

from sync_server import db
from sync_server.services import changelog
from sync_server.services.changelog import LogRow

WRITERS = 4
WRITES_EACH = 15


def test_a_cursor_never_passes_a_seq_that_commits_later(database_url: str) -> None:
    """Writers hold their transaction open a random while after appending; a reader
    following its cursor concurrently must still end up with every seq."""
    engine = db.make_engine(database_url)
    sessions = db.session_factory(engine)
    done = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        rng = random.Random(worker)
        try:
            for i in range(WRITES_EACH):
                with db.transaction(sessions) as session:
                    row = LogRow(changelog.Entity.HCP, f"h{worker}-{i}", changelog.Op.CREATE,
                                 "territory:T", 1, {"n": i})  # fmt: skip
                    changelog.append(session, [row])
                    time.sleep(rng.uniform(0, 0.02))  # commit late
        except BaseException as error:  # surfaced below
            errors.append(error)

    def read() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            with db.transaction(sessions) as session:
                page = changelog.pull_page(session, scopes=None, since=cursor, limit=7)
            seen.extend(c.seq for c in page.changes)
            cursor = page.cursor
            if finished and not page.has_more:
                return

    writers = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join(timeout=60)
    with db.transaction(sessions) as session:
        everything = [
            c.seq for c in changelog.pull_page(session, scopes=None, since=0, limit=5000).changes
        ]
    engine.dispose()
    assert not errors
    assert len(everything) == WRITERS * WRITES_EACH
    assert seen == everything  # in order, none skipped, none twice
