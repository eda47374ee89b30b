"""`python -m fieldrep.nba.evaluation.cold_start`: a company's first week, measured.

A synthetic territory shaped like a first import (national-file specialties as taxonomy
paths and upper case, a share of specialties no product is for, no consents, deciles,
tiers, coordinates or history) with the demo company's catalogue and specialty map. A
rep takes up every suggestion each working day. Printed: the share of suggestions whose
HCP's specialty fits a product's approved messages, and how many distinct HCPs the week
reached, with and without the cold-start tie-break (the same list in id order).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fieldrep.clock import Clock
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.specialties import fits, known_specialties
from fieldrep.workspace import Workspace

ON_PORTFOLIO = [
    "Allopathic & Osteopathic Physicians/Internal Medicine",
    "Allopathic & Osteopathic Physicians/Family Medicine",
    "Allopathic & Osteopathic Physicians/Internal Medicine/Cardiovascular Disease",
    "Allopathic & Osteopathic Physicians/Internal Medicine/Pulmonary Disease",
    "ENDOCRINOLOGY",
    "NEPHROLOGY",
]
OFF_PORTFOLIO = [
    "Allopathic & Osteopathic Physicians/Dermatology",
    "Allopathic & Osteopathic Physicians/Orthopaedic Surgery",
    "Allopathic & Osteopathic Physicians/Psychiatry & Neurology/Psychiatry",
    "Dentist/General Practice",
]
MONDAY = datetime(2027, 2, 1, 8, 30, tzinfo=ZoneInfo("America/Chicago"))


@dataclass(frozen=True)
class ColdStartResult:
    suggestions: int
    fitting: int
    distinct_hcps: int

    @property
    def fit_share(self) -> float:
        return self.fitting / self.suggestions if self.suggestions else 0.0


def first_import(n: int, seed: int) -> list[Hcp]:
    """HCPs as a national file gives them: 40 % of specialties no product is for."""
    rng = random.Random(seed)
    surnames = ["SMITH", "O'BRIEN", "NGUYEN", "GARCIA", "MÜLLER", "SMITH-JONES", "KOWALSKI"]
    hcps = []
    for i in range(n):
        specialty = rng.choice(ON_PORTFOLIO if rng.random() < 0.6 else OFF_PORTFOLIO)
        name = f"{rng.choice(surnames)}, {rng.choice(['ANA', 'LI', 'JOHN', 'PRIYA'])}"
        hcps.append(Hcp(f"npi-{i:05d}", str(1_400_000_000 + i), name, specialty, "", "", "T1"))
    return hcps


def run_week(ws: Workspace, *, in_id_order: bool = False, per_day: int = 10) -> ColdStartResult:
    from fieldrep.nba import service as nba_service

    messages = ws.messages.usable(MONDAY.date())
    specialty_map = ws.messages.specialty_map()
    specialty = {h.id: h.specialty for h in ws.hcps.all()}
    saved = nba_service.COLD_START_FIT, nba_service.SPREAD_TIEBREAK
    if in_id_order:  # the baseline: what the list did before the tie-break
        nba_service.COLD_START_FIT = nba_service.SPREAD_TIEBREAK = 0.0
    try:
        seen: list[str] = []
        for day in range(5):
            today = MONDAY.date() + timedelta(days=day)
            todays = ws.suggestions.daily_list(limit=per_day, today=today)
            seen += [s.hcp_id for s in todays]
            for s in todays:
                ws.suggestions.accept(s)
    finally:
        nba_service.COLD_START_FIT, nba_service.SPREAD_TIEBREAK = saved
    known = known_specialties(m.specialties for m in messages)
    fitting = sum(
        1
        for h in seen
        if any(fits(specialty[h], m.specialties, specialty_map, known) for m in messages)
    )
    return ColdStartResult(len(seen), fitting, len(set(seen)))


def evaluate(hcps: int, seed: int, *, in_id_order: bool) -> ColdStartResult:
    from fieldrep.demo import demo_catalogue_documents

    with tempfile.TemporaryDirectory() as folder:
        clock = Clock.frozen(MONDAY)
        with Workspace.open(Path(folder), passphrase="cold start", clock=clock) as ws:
            ws.hcps.upsert_many(first_import(hcps, seed))
            ws.messages.store_documents(demo_catalogue_documents())
            return run_week(ws, in_id_order=in_id_order)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fieldrep.nba.evaluation.cold_start")
    parser.add_argument("--hcps", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    print("| seed | policy | suggestions | specialty fits a product | distinct HCPs |")  # noqa: T201
    print("|---|---|---|---|---|")  # noqa: T201
    for seed in range(args.seeds):
        for label, id_order in (("cold-start preference", False), ("id order (before)", True)):
            r = evaluate(args.hcps, seed, in_id_order=id_order)
            print(  # noqa: T201
                f"| {seed} | {label} | {r.suggestions} | {r.fit_share:.0%} | {r.distinct_hcps} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
