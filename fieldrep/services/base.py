"""What every service shares: the engine, the clock and the two kinds of transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from fieldrep.clock import Clock
from fieldrep.store.engine import IMMEDIATE_OPTION


class Store:
    """Hands out read and write transactions on the encrypted database."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock  # the workspace's one clock, for every stamp a write makes

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: the change and its outbox row commit together or not at all."""
        with self.engine.connect() as plain:
            conn = plain.execution_options(**{IMMEDIATE_OPTION: True})
            with conn.begin():
                yield conn
