"""Import figures: `import-hcps` of a generated national file (NPPES-shaped, with the
mapping from tests/server/npi_file.py) of 5,000 and 100,000 rows; re-import unchanged
and with 3 % changed + 1 % new; the dry run of that refresh; `assign` of 5,000 HCPs.

Runs the admin CLI in-process (as `fieldrep-server` would) against a fresh SQLite file,
and against PostgreSQL too when FIELDREP_TEST_POSTGRES_URL is set. Prints the figures
kept in docs/performance.md ("Master data imports").

    .venv/bin/python tests/perf/bench_import.py [ROWS ...]
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync_server.cli import main as cli  # noqa: E402
from tests.server.npi_file import (  # noqa: E402
    NPI,
    npi_rows,
    refreshed,
    write_alignment,
    write_mapping,
    write_rows,
)

TERRITORIES = ("EAST", "CENTRAL", "WEST")


def timed(url: str, *args: str) -> tuple[float, str]:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli(["--database-url", url, *args])
    seconds = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {err.getvalue()[-2000:]}")
    counts = next((ln.strip() for ln in out.getvalue().splitlines() if ln.startswith("  ")), "")
    return seconds, counts


def bench(url: str, workdir: Path, count: int) -> None:
    timed(url, "init-db")
    for territory in TERRITORIES:
        timed(url, "create-territory", territory)
    mapping = str(write_mapping(workdir / "mapping.json"))
    rows = npi_rows(count)
    first = str(write_rows(workdir / f"npi-{count}.csv", rows))
    rows2, _, _ = refreshed(rows, changed=0.03, new=0.01)
    second = str(write_rows(workdir / f"npi-{count}-next.csv", rows2))
    figures = [
        ("import (all new)", timed(url, "import-hcps", first, "--mapping", mapping)),
        ("re-import, unchanged", timed(url, "import-hcps", first, "--mapping", mapping)),
        ("dry run of the refresh", timed(url, "import-hcps", second, "--mapping", mapping,
                                         "--dry-run")),
        ("re-import, 3 % changed + 1 % new", timed(url, "import-hcps", second, "--mapping",
                                                     mapping)),
    ]  # fmt: skip
    if count <= 5000:
        pairs = [(r[NPI], TERRITORIES[i % 3]) for i, r in enumerate(rows)]
        align = str(write_alignment(workdir / "align.csv", pairs))
        figures.append((f"assign {count:,}", timed(url, "assign", align)))
    for label, (seconds, counts) in figures:
        print(f"  {count:>7,} rows  {label:<34} {seconds:6.2f} s   ({counts})")


def run_all(counts: list[int]) -> None:
    for count in counts:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite, {count:,} rows:")
            bench(f"sqlite:///{Path(tmp) / 'bench.db'}", Path(tmp), count)
    admin_url = os.environ.get("FIELDREP_TEST_POSTGRES_URL")
    if not admin_url:
        print("PostgreSQL: skipped (FIELDREP_TEST_POSTGRES_URL is not set)")
        return
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    for count in counts:
        name = f"fieldrep_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            with tempfile.TemporaryDirectory() as tmp:
                print(f"PostgreSQL, {count:,} rows:")
                url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
                bench(url, Path(tmp), count)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    run_all([int(a) for a in sys.argv[1:]] or [5000, 100_000])
