"""A misbehaving TCP proxy for fault tests: delays bytes and cuts connections.

Runs its own asyncio loop on a thread; `FaultyProxy(target_port).start()` listens on a
free 127.0.0.1 port. Every chunk relayed may be delayed (`delay_s`), and a connection
is cut (both sockets closed) after a random number of bytes with probability
`cut_probability`, in either direction, so requests and responses both get truncated.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading


class FaultyProxy:
    def __init__(
        self,
        target_port: int,
        *,
        cut_probability: float = 0.3,
        max_bytes_before_cut: int = 20_000,
        delay_s: float = 0.002,
        chunk: int = 4096,
        seed: int = 1,
    ) -> None:
        self.target_port = target_port
        self.cut_probability = cut_probability
        self.max_bytes_before_cut = max_bytes_before_cut
        self.delay_s = delay_s
        self.chunk = chunk
        self.random = random.Random(seed)
        self.port = 0
        self.connections = 0
        self.cuts = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.base_events.Server | None = None

    def start(self) -> FaultyProxy:
        self._thread.start()
        self._ready.wait(5)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return
        budget: int | None = None
        if self.random.random() < self.cut_probability:
            budget = self.random.randint(0, self.max_bytes_before_cut)
            self.cuts += 1
        shared = {"left": budget}
        writers = (client_w, server_w)
        await asyncio.gather(
            self._pipe(client_r, server_w, shared, writers),
            self._pipe(server_r, client_w, shared, writers),
            return_exceptions=True,
        )

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        shared: dict[str, int | None],
        writers: tuple[asyncio.StreamWriter, ...],
    ) -> None:
        try:
            while data := await reader.read(self.chunk):
                left = shared["left"]
                if left is not None:
                    if len(data) >= left:
                        writer.write(data[:left])
                        with contextlib.suppress(Exception):
                            await writer.drain()
                        break  # cut: close both directions
                    shared["left"] = left - len(data)
                if self.delay_s:
                    await asyncio.sleep(self.delay_s)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            for w in writers:
                with contextlib.suppress(Exception):
                    w.close()
