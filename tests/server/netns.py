"""A server in its own network namespace, reaching PostgreSQL over a link the test can
cut (issue 18): `ip netns` + two veth pairs (one for clients, one for the database) and a
TCP forwarder in the root namespace to the local PostgreSQL.

Cutting the database link sets its root-side veth down: the server's packets to the
database are then dropped silently (no reset, no ICMP), which is what a real partition
looks like to TCP. Latency and loss between clients and this server are added by
tests/server/netem.py (a userspace netem over TUN devices, as this machine's kernel has no
`netem` qdisc): clients in a namespace of their own reach the server only through it.
Needs root; everything made is removed at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def available() -> bool:
    return os.geteuid() == 0 and shutil.which("ip") is not None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@dataclass
class Topology:
    name: str  # the namespace
    server_ip: str  # where clients reach the server
    database_host: str  # where the server reaches PostgreSQL (the forwarder)
    database_link: str  # the root-side veth of the database path
    subnet: int = 0  # the topology uses 10.<subnet>.0.0/16 (tests/server/netem.py: .3.x)

    def wrap(self) -> list[str]:
        return ["ip", "netns", "exec", self.name]

    def cut_database(self) -> None:
        _ip("link", "set", self.database_link, "down")

    def heal_database(self) -> None:
        _ip("link", "set", self.database_link, "up")


def _free_subnet(start: int) -> int:
    """A 10.<n>.x.x not yet on any root-namespace link (tests may run side by side)."""
    used = subprocess.run(["ip", "-4", "-o", "addr"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    for step in range(200):
        subnet = (start + step) % 200 + 20
        if f" 10.{subnet}." not in used:
            return subnet
    raise RuntimeError("no free 10.x subnet for a test network")


@contextmanager
def isolated_server_network() -> Iterator[Topology]:
    tag = secrets.token_hex(3)
    subnet = _free_subnet(int(tag[:2], 16))
    name, client_root, client_ns = f"fr18-{tag}", f"f18c{tag}", f"f18C{tag}"
    db_root, db_ns = f"f18d{tag}", f"f18D{tag}"
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
        for root_end, ns_end, net in ((client_root, client_ns, 1), (db_root, db_ns, 2)):
            _ip("link", "add", root_end, "type", "veth", "peer", "name", ns_end)
            _ip("link", "set", ns_end, "netns", name)
            _ip("addr", "add", f"10.{subnet}.{net}.1/30", "dev", root_end)
            _ip("-n", name, "addr", "add", f"10.{subnet}.{net}.2/30", "dev", ns_end)
            _ip("link", "set", root_end, "up")
            _ip("-n", name, "link", "set", ns_end, "up")
        yield Topology(name, f"10.{subnet}.1.2", f"10.{subnet}.2.1", db_root, subnet)
    finally:
        for link in (client_root, db_root):
            subprocess.run(["ip", "link", "del", link], check=False, capture_output=True)
        subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)


@contextmanager
def forwarder(listen_host: str, target: tuple[str, int]) -> Iterator[int]:
    """Forward TCP connections from listen_host:<free port> to `target`; yields the port."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((listen_host, 0))
    server.listen(64)
    server.settimeout(0.2)
    stop = threading.Event()
    sockets: list[socket.socket] = []

    def pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            sockets.extend((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pump, args=(a, b), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        server.close()
        for s in sockets:
            s.close()
