"""`Store`: the encrypted database's two kinds of transaction, and the one clock.

Every repository function takes the `Connection` of one of these transactions; services
open them (one per use case), the sync engine opens its own short ones.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from fieldrep.clock import Clock
from fieldrep.store.engine import IMMEDIATE_OPTION


class Store:
    """Hands out read and write transactions on the encrypted database.

    A use case that calls several services in one transaction opens `write()` around
    them (`fieldrep.usecases`): while it is open on a thread, every `read()` and `write()`
    on that thread joins it, so the whole action commits together or not at all and its
    reads see its own writes.
    """

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock  # the workspace's one clock, for every stamp a write makes
        self._open = threading.local()  # this thread's open write transaction, if any

    def _joined(self) -> Connection | None:
        conn: Connection | None = getattr(self._open, "conn", None)
        return conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        joined = self._joined()
        if joined is not None:
            yield joined
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: the change and its outbox row commit together or not at all."""
        joined = self._joined()
        if joined is not None:
            yield joined
            return
        with self.engine.connect() as plain:
            conn = plain.execution_options(**{IMMEDIATE_OPTION: True})
            with conn.begin():
                self._open.conn = conn
                try:
                    yield conn
                finally:
                    self._open.conn = None
