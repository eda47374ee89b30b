"""What every service shares: the engine and the two kinds of transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from fieldrep.store.engine import IMMEDIATE_OPTION


class Store:
    """Hands out read and write transactions on the encrypted database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
