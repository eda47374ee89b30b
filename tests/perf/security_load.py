"""Issue 14's two load figures, against a real `fieldrep-server serve` process:

1. login flood: 100 wrong passwords for one username sent at once; how many were checked
   (401) and how many refused unchecked (429). Documented limit: 5.
2. memory: 4 clients each send a 60 MiB body without a token (to /auth/login and to
   /sync/push, with a Content-Length and chunked, 3 rounds); the server's resident
   memory is sampled every 20 ms. Limit: under 300 MB.

Over a fresh SQLite file, and PostgreSQL too when FIELDREP_TEST_POSTGRES_URL is set.

    .venv/bin/python tests/perf/security_load.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.server.login_flood import flood_login  # noqa: E402
from tests.server.world import build_world  # noqa: E402
from tests.sync.servers import free_port  # noqa: E402

BIN = Path(sys.executable).parent / "fieldrep-server"
BODY = 60 * 1024 * 1024
CHUNK = 1024 * 1024


def start(url: str, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "FIELDREP_LOGIN_ADDRESS_FAILURES": "0", "FIELDREP_LOGIN_BASE_DELAY": "60"}
    log = (workdir / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(BIN), "--database-url", url, "serve", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def chunks() -> Iterator[bytes]:
    block = b"x" * CHUNK
    for _ in range(BODY // CHUNK):
        yield block


def send_big(base: str, path: str, declared: bool) -> str:
    headers = {"Content-Type": "application/json"}
    try:
        with httpx.Client(base_url=base, timeout=120) as http:
            if declared:
                answer = http.post(path, content=b"x" * BODY, headers=headers)
            else:
                answer = http.post(path, content=chunks(), headers=headers)
        return str(answer.status_code)
    except httpx.HTTPError as error:  # the server may close the connection after refusing
        return type(error).__name__


def memory(base: str, pid: int) -> None:
    before = rss_mb(pid)
    peak = before
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss_mb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    jobs = [("/api/v1/auth/login", True), ("/api/v1/sync/push", True),
            ("/api/v1/auth/login", False), ("/api/v1/sync/push", False)]  # fmt: skip
    started = time.perf_counter()
    answers: list[str] = []
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            answers += pool.map(lambda job: send_big(base, *job), jobs)
    seconds = time.perf_counter() - started
    health = httpx.get(f"{base}/api/v1/health", timeout=5).status_code
    stop.set()
    sampler.join()
    print(f"  memory: 4 clients x 3 rounds x 60 MiB unauthenticated bodies in {seconds:.1f} s: "
          f"RSS {before:.0f} MB before, peak {peak:.0f} MB; answers {sorted(set(answers))}; "
          f"health afterwards {health}")  # fmt: skip


def run(url: str, workdir: Path) -> None:
    build_world(url)
    process, base = start(url, workdir)
    try:
        result = flood_login(base, "rep1", guesses=100)
        print(f"  login flood: 100 parallel guesses -> {result.checked} password(s) checked, "
              f"{result.refused} refused unchecked (429), other {dict(result.other)}")  # fmt: skip
        memory(base, process.pid)
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:")
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        subprocess.run([str(BIN), "--database-url", url, "init-db"], check=True,
                       capture_output=True)  # fmt: skip
        run(url, Path(tmp))
    admin_url = os.environ.get("FIELDREP_TEST_POSTGRES_URL")
    if not admin_url:
        print("PostgreSQL: skipped (FIELDREP_TEST_POSTGRES_URL is not set)")
        return
    name = f"fieldrep_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print("PostgreSQL:")
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            subprocess.run([str(BIN), "--database-url", url, "init-db"], check=True,
                           capture_output=True)  # fmt: skip
            run(url, Path(tmp))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
