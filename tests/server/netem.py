"""A userspace `netem` between a client namespace and the server's (issue 18): latency and
loss on the client-server link, on a kernel that has no netem qdisc.

This machine's kernel has no `sch_netem` (nor fq, sfq, fq_codel, prio) and nothing can be
loaded, but it has TUN devices. So a relay process owns two of them, one in a client
namespace and one in the server's, each a point-to-point link (client 10.S.3.1, server
10.S.3.2). It reads raw IP packets (IFF_TUN | IFF_NO_PI) from either side, drops each with
probability `loss`, and writes the rest to the other side `delay_ms` later. Each
direction is what `tc qdisc add dev X root netem delay <delay_ms>ms loss <loss*100>%
limit 1000` does on X's egress, and both directions get it: as netem on both ends of a
veth pair, so the round trip is 2 x `delay_ms` and a round trip loses ~2 x `loss`.

What differs from the kernel's netem: no jitter option, no reordering (one FIFO per
direction; a packet is never sent before one that came in earlier), no rate, no
corruption or duplication; the relay is a Python process scheduled like any other, so it
adds its own scheduling delay (measured: see docs/performance.md) and it can be slowed by
a busy CPU, which netem in the kernel's softirq hardly is. TCP over it is real TCP: it
sees the round trip, loses segments and retransmits them.

Used as a context manager (`wan(server_namespace, subnet)`); run as a script it is the
relay itself (started by `wan`, driven over stdin/stdout with one JSON object a line).
Everything made is removed at the end: the TUN devices vanish with the relay's process,
the client namespace is deleted. Needs root and /dev/net/tun.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import ctypes
import errno
import fcntl
import json
import os
import random
import secrets
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
LIMIT = 1000  # packets queued per direction, as netem's default `limit 1000`
T = TypeVar("T")


def available() -> bool:
    return os.geteuid() == 0 and os.path.exists("/dev/net/tun") and _has_ip()


def _has_ip() -> bool:
    return any(Path(d, "ip").exists() for d in ("/usr/sbin", "/sbin", "/usr/bin", "/bin"))


def _setns(path: str) -> None:
    """Move the calling thread into the network namespace at `path`."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"setns({path}): {os.strerror(code)}")
    finally:
        os.close(fd)


@contextmanager
def inside(namespace: str) -> Iterator[None]:
    """Run the calling thread in `namespace` (sockets opened there stay there)."""
    home = f"/proc/self/task/{threading.get_native_id()}/ns/net"
    back = os.open(home, os.O_RDONLY)
    try:
        _setns(f"/run/netns/{namespace}")
        try:
            yield
        finally:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.setns(back, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "could not return to the original namespace")
    finally:
        os.close(back)


def in_namespace(namespace: str, work: Callable[[], T]) -> T:
    """`work()` on a thread of its own inside `namespace`; its result, or its exception."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            _setns(f"/run/netns/{namespace}")  # this thread only, and it ends here
            box["result"] = work()
        except BaseException as error:  # re-raised on the caller's thread
            box["error"] = error

    thread = threading.Thread(target=run, name=f"in-{namespace}")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


# --- the relay process ---------------------------------------------------------------


def _open_tun(namespace: str, name: str) -> int:
    """A TUN device `name` made inside `namespace` (the relay is single-threaded here)."""
    with inside(namespace):
        fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


class _Direction:
    """One way through the relay: a FIFO of (due, packet), written out when due."""

    def __init__(self, loop: asyncio.AbstractEventLoop, source: int, sink: int,
                 rng: random.Random, settings: dict[str, float]) -> None:  # fmt: skip
        self.loop, self.source, self.sink, self.rng = loop, source, sink, rng
        self.settings = settings
        self.queue: collections.deque[tuple[float, bytes]] = collections.deque()
        self.timer: asyncio.TimerHandle | None = None
        self.counts = {"packets": 0, "dropped": 0, "overflow": 0, "write_failed": 0}

    def readable(self) -> None:
        while True:
            try:
                packet = os.read(self.source, 65535)
            except BlockingIOError:
                break
            self.counts["packets"] += 1
            if self.rng.random() < self.settings["loss"]:
                self.counts["dropped"] += 1
            elif len(self.queue) >= LIMIT:
                self.counts["overflow"] += 1
            else:
                due = self.loop.time() + self.settings["delay_ms"] / 1000
                self.queue.append((due, packet))
        self._arm()

    def _arm(self) -> None:
        if self.queue and self.timer is None:
            self.timer = self.loop.call_at(self.queue[0][0], self._due)

    def _due(self) -> None:
        self.timer = None
        now = self.loop.time()
        while self.queue and self.queue[0][0] <= now:
            _, packet = self.queue.popleft()
            try:
                os.write(self.sink, packet)
            except OSError as error:  # a full or downed device drops, as a NIC would
                if error.errno not in (errno.EAGAIN, errno.EIO, errno.EINVAL):
                    raise
                self.counts["write_failed"] += 1
        self._arm()


def relay_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="The TUN relay of tests/server/netem.py")
    for option in ("--client-ns", "--server-ns", "--client-if", "--server-if",
                   "--client-ip", "--server-ip"):  # fmt: skip
        parser.add_argument(option, required=True)
    parser.add_argument("--delay-ms", type=float, required=True)
    parser.add_argument("--loss", type=float, required=True)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    client = _open_tun(args.client_ns, args.client_if)
    server = _open_tun(args.server_ns, args.server_if)
    ends = ((args.client_ns, args.client_if, args.client_ip, args.server_ip),
            (args.server_ns, args.server_if, args.server_ip, args.client_ip))  # fmt: skip
    for ns, dev, here, there in ends:
        subprocess.run(["ip", "-n", ns, "addr", "add", here, "peer", there, "dev", dev],
                       check=True, capture_output=True)  # fmt: skip
        subprocess.run(["ip", "-n", ns, "link", "set", dev, "up"], check=True, capture_output=True)
    asyncio.run(_serve(client, server, args))


async def _serve(client: int, server: int, args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    settings = {"delay_ms": args.delay_ms, "loss": args.loss}
    rng = random.Random(args.seed)
    ways = {"to_server": _Direction(loop, client, server, rng, settings),
            "to_client": _Direction(loop, server, client, rng, settings)}  # fmt: skip
    for way in ways.values():
        loop.add_reader(way.source, way.readable)
    done = loop.create_future()
    pending = b""

    def report() -> None:
        sys.stdout.write(json.dumps({**settings, **{k: w.counts for k, w in ways.items()}}) + "\n")
        sys.stdout.flush()

    def command() -> None:
        nonlocal pending
        data = os.read(0, 4096)
        if not data:  # the owner closed our stdin (or died): stop, and the devices go
            if not done.done():
                done.set_result(None)
            return
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            change = json.loads(line)
            settings.update({k: float(v) for k, v in change.items() if k in settings})
            report()

    loop.add_reader(0, command)
    report()  # ready
    await done


# --- the owner's side ----------------------------------------------------------------


@dataclass
class Wan:
    client_namespace: str
    client_ip: str
    server_ip: str  # the server's address on the emulated link
    process: subprocess.Popen[bytes]
    devices: tuple[tuple[str, str], ...] = ()  # (namespace, TUN device), client's first

    def queue_drops(self) -> int:
        """Packets the kernel dropped because the relay did not read them in time (a TUN's
        queue is 500 packets): loss the relay adds on top of `loss`, when it falls behind."""
        total = 0
        for namespace, device in self.devices:
            command = ["ip", "-n", namespace, "-s", "-j", "link", "show", "dev", device]
            shown = subprocess.run(command, check=True, capture_output=True, text=True)
            total += int(json.loads(shown.stdout)[0]["stats64"]["tx"]["dropped"])
        return total

    def _exchange(self, change: dict[str, float]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(change).encode() + b"\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the netem relay has stopped")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def set(self, *, delay_ms: float | None = None, loss: float | None = None) -> dict[str, Any]:
        change = {"delay_ms": delay_ms, "loss": loss}
        return self._exchange({k: v for k, v in change.items() if v is not None})

    def stats(self) -> dict[str, Any]:
        """Settings and per-direction counts: packets, dropped, overflow, write_failed."""
        return self._exchange({})

    def run(self, work: Callable[[], T]) -> T:
        """`work()` as a client: on a thread inside the client namespace."""
        return in_namespace(self.client_namespace, work)

    def ping(self, count: int = 200, interval: float = 0.01, wait: float = 2.0) -> list[float]:
        """ICMP echoes from the client to the server's address: the round trips (s) of
        those answered, in order; `count - len(result)` were lost."""
        return self.run(lambda: _ping(self.server_ip, count, interval, wait))


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _ping(address: str, count: int, interval: float, wait: float) -> list[float]:
    ident = os.getpid() & 0xFFFF
    sent: dict[int, float] = {}
    rtts: dict[int, float] = {}
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as sock:
        sock.setblocking(False)

        def receive() -> None:
            while True:
                try:
                    data = sock.recv(2048)
                except BlockingIOError:
                    return
                header = (data[0] & 0x0F) * 4
                kind, _, _, who, seq = struct.unpack("!BBHHH", data[header : header + 8])
                if kind == 0 and who == ident and seq in sent and seq not in rtts:
                    rtts[seq] = time.monotonic() - sent[seq]

        for seq in range(count):
            body = struct.pack("!d", time.monotonic()) + bytes(48)
            packet = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + body
            packet = packet[:2] + struct.pack("!H", _checksum(packet)) + packet[4:]
            sent[seq] = time.monotonic()
            sock.sendto(packet, (address, 0))
            end = time.monotonic() + interval
            while time.monotonic() < end:
                receive()
                time.sleep(0.001)
        end = time.monotonic() + wait
        while time.monotonic() < end and len(rtts) < count:
            receive()
            time.sleep(0.001)
    return [rtts[s] for s in sorted(rtts)]


@contextmanager
def wan(server_namespace: str, subnet: int, *, delay_ms: float = 80, loss: float = 0.01,
        seed: int | None = None) -> Iterator[Wan]:  # fmt: skip
    """A client namespace joined to `server_namespace` through the relay; clients reach
    the server at `Wan.server_ip` (10.<subnet>.3.2) and only that way."""
    tag = secrets.token_hex(3)
    client_ns = f"fr18w-{tag}"
    client_ip, server_ip = f"10.{subnet}.3.1", f"10.{subnet}.3.2"
    subprocess.run(["ip", "netns", "add", client_ns], check=True, capture_output=True)
    process: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(["ip", "-n", client_ns, "link", "set", "lo", "up"], check=True,
                       capture_output=True)  # fmt: skip
        command = [sys.executable, __file__, "--client-ns", client_ns, "--server-ns",
                   server_namespace, "--client-if", f"f18wc{tag}", "--server-if",
                   f"f18ws{tag}", "--client-ip", client_ip, "--server-ip", server_ip,
                   "--delay-ms", str(delay_ms), "--loss", str(loss)]  # fmt: skip
        if seed is not None:
            command += ["--seed", str(seed)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        if not process.stdout.readline():
            process.wait(10)
            raise RuntimeError(f"the netem relay did not start: {process.stderr.read()!r}")
        devices = ((client_ns, f"f18wc{tag}"), (server_namespace, f"f18ws{tag}"))
        yield Wan(client_ns, client_ip, server_ip, process, devices)
    finally:
        if process is not None:
            _stop(process)
        subprocess.run(["ip", "netns", "del", client_ns], check=False, capture_output=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        try:
            process.stdin.close()  # the relay's signal to stop
        except OSError:
            pass
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


if __name__ == "__main__":
    relay_main(sys.argv[1:])
