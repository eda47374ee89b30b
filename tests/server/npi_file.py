"""A generated national physician file shaped like the public one (NPPES): upper-case
names split into first / last plus alternate names, two address lines, 9-digit ZIP codes,
specialties as taxonomy paths; no territory, consent or decile columns. Shared by the
refresh test and tests/perf/bench_import.py."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

P = "Allopathic & Osteopathic Physicians"
TAXONOMIES = {
    f"{P}/Internal Medicine/Cardiovascular Disease": "Cardiology",
    f"{P}/Family Medicine": "Family Medicine",
    f"{P}/Internal Medicine": "Internal Medicine",
    f"{P}/Internal Medicine/Endocrinology, Diabetes & Metabolism": "Endocrinology",
    f"{P}/Internal Medicine/Pulmonary Disease": "Pulmonology",
    f"{P}/Internal Medicine/Nephrology": "Nephrology",
    f"{P}/Family Medicine/Geriatric Medicine": "Geriatrics",
    f"{P}/Allergy & Immunology": "Allergy and Immunology",
}
NPI = "NPI"
LAST, FIRST = "Provider Last Name (Legal Name)", "Provider First Name"
OTHER_LAST, OTHER_FIRST = "Provider Other Last Name", "Provider Other First Name"
LINE1 = "Provider First Line Business Practice Location Address"
LINE2 = "Provider Second Line Business Practice Location Address"
CITY = "Provider Business Practice Location Address City Name"
STATE = "Provider Business Practice Location Address State Name"
ZIP = "Provider Business Practice Location Address Postal Code"
TAXONOMY = "Healthcare Provider Taxonomy Classification"
COLUMNS = [NPI, LAST, FIRST, OTHER_LAST, OTHER_FIRST, LINE1, LINE2, CITY, STATE, ZIP, TAXONOMY]

FIRSTS = ["MARY", "JOHN", "ANJALI", "WEI", "CARLOS", "FATIMA", "OLUWASEUN", "ANNA", "DAVID",
          "SOFIA", "JAMES", "PRIYA", "MICHAEL", "ELENA", "KWAME", "YUKI"]  # fmt: skip
LASTS = ["O'BRIEN", "NGUYEN", "SMITH", "GARCIA", "PATEL", "KOWALSKI", "MÜLLER", "CHEN",
         "JOHNSON", "ROSSI", "OKAFOR", "TANAKA", "DUBOIS", "SILVA", "MCCARTHY"]  # fmt: skip
STREETS = ["MAIN ST", "ELM ST", "WASHINGTON ST", "BEACON ST", "SUMMER ST", "HIGH ST", "OAK AVE"]
CITIES = [("BOSTON", "021"), ("CAMBRIDGE", "021"), ("SOMERVILLE", "021"), ("LOWELL", "018"),
          ("WORCESTER", "016"), ("SALEM", "019"), ("QUINCY", "021")]  # fmt: skip


def npi_rows(count: int, *, seed: int = 0, first_npi: int = 1_000_000_001) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        city, prefix = rng.choice(CITIES)
        rows.append(
            {
                NPI: str(first_npi + index), LAST: rng.choice(LASTS), FIRST: rng.choice(FIRSTS),
                OTHER_LAST: rng.choice(LASTS) if rng.random() < 0.1 else "",
                OTHER_FIRST: rng.choice(FIRSTS) if rng.random() < 0.05 else "",
                LINE1: f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                LINE2: f"SUITE {rng.randint(100, 500)}" if rng.random() < 0.3 else "",
                CITY: city, STATE: "MA",
                ZIP: f"{prefix}{rng.randint(0, 99):02d}{rng.randint(0, 9999):04d}",
                TAXONOMY: rng.choice(list(TAXONOMIES)),
            }
        )  # fmt: skip
    return rows


def refreshed(
    rows: list[dict[str, str]], *, changed: float, new: float, seed: int = 1
) -> tuple[list[dict[str, str]], list[str], list[str]]:
    """Next month's file: `changed` of the rows moved practice, `new` more providers.
    Returns the rows, the changed NPIs and the new NPIs."""
    rng = random.Random(seed)
    result = [dict(r) for r in rows]
    picked = rng.sample(range(len(result)), int(len(result) * changed))
    for index in picked:
        row = result[index]
        row[LINE1] = f"{rng.randint(1000, 1999)} {rng.choice(STREETS)}"
        row[CITY], prefix = rng.choice(CITIES)
        row[ZIP] = f"{prefix}{rng.randint(0, 99):02d}{rng.randint(0, 9999):04d}"
    extra = npi_rows(int(len(rows) * new), seed=seed + 100, first_npi=1_900_000_001)
    return result + extra, [result[i][NPI] for i in picked], [r[NPI] for r in extra]


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    return path


def mapping_spec() -> dict[str, Any]:
    return {
        "country": "US",
        "required": ["postcode"],
        "fields": {
            "external_id": NPI,
            "npi": NPI,
            "name": {"join": [FIRST, LAST], "case": "title"},
            "address": {"join": [LINE1, LINE2], "separator": ", ", "case": "title"},
            "city": {"column": CITY, "case": "title"},
            "postcode": ZIP,
            "specialty": {"column": TAXONOMY, "values": TAXONOMIES, "otherwise": "keep"},
        },
    }


def write_mapping(path: Path) -> Path:
    path.write_text(json.dumps(mapping_spec(), indent=2), encoding="utf-8")
    return path


def write_alignment(path: Path, pairs: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["hcp_id", "territory_id"])
        writer.writerows(pairs)
    return path
