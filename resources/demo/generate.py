"""Regenerate the demo territory CSVs (deterministic). Run: python resources/demo/generate.py

Two territories north and south of Boston, 400 fictional HCPs each, and 18 months of
call history whose channel mix and outcomes follow each HCP's (hidden) segment mix.
Dates are stored as `days_ago`, so the history always ends today when it is loaded.
"""

from __future__ import annotations

import csv
import json
import random
import uuid
from pathlib import Path

HERE = Path(__file__).parent
SEED = 2026
HCPS_PER_TERRITORY = 400
HISTORY_DAYS = 548  # 18 months
NAMESPACE = uuid.UUID("6f1d2c3e-8a8b-4c55-9a77-1d2e3f405060")

TERRITORIES = {
    "BOS-NORTH": {
        "author": "rep1",
        "cities": [
            ("Cambridge", 42.3736, -71.1097, "02139"), ("Somerville", 42.3876, -71.0995, "02143"),
            ("Medford", 42.4184, -71.1062, "02155"), ("Malden", 42.4251, -71.0662, "02148"),
            ("Everett", 42.4084, -71.0537, "02149"), ("Lynn", 42.4668, -70.9495, "01902"),
            ("Salem", 42.5195, -70.8967, "01970"), ("Peabody", 42.5279, -70.9287, "01960"),
            ("Woburn", 42.4793, -71.1523, "01801"), ("Burlington", 42.5048, -71.1956, "01803"),
            ("Lowell", 42.6334, -71.3162, "01852"), ("Arlington", 42.4154, -71.1565, "02474"),
        ],
    },
    "BOS-SOUTH": {
        "author": "rep2",
        "cities": [
            ("Boston", 42.3601, -71.0589, "02115"), ("Brookline", 42.3318, -71.1212, "02446"),
            ("Newton", 42.3370, -71.2092, "02458"), ("Quincy", 42.2529, -71.0023, "02169"),
            ("Milton", 42.2495, -71.0662, "02186"), ("Dedham", 42.2418, -71.1662, "02026"),
            ("Needham", 42.2809, -71.2378, "02492"), ("Braintree", 42.2079, -71.0040, "02184"),
            ("Weymouth", 42.2180, -70.9410, "02188"), ("Norwood", 42.1945, -71.1995, "02062"),
            ("Framingham", 42.2793, -71.4162, "01702"), ("Waltham", 42.3765, -71.2356, "02453"),
        ],
    },
}  # fmt: skip

FIRST = (
    "Aisha Alan Ana Andrew Anjali Ben Carlos Carmen Chen Claire Daniel David Diana Elena "
    "Emily Ethan Fatima Gabriel Grace Hannah Hiro Ines Isaac James Jia Julia Kavya Kevin "
    "Laura Leila Liam Lucia Maria Mark Maya Michael Nadia Noah Olivia Omar Priya Rachel "
    "Rafael Ravi Rosa Samuel Sara Sofia Thomas Uma Victor Wei Yusuf Zoe"
).split()
LAST = (
    "Adams Ahmed Alvarez Bennett Brooks Campbell Chen Cohen Costa Das Diaz Edwards Fischer "
    "Flores Gallagher Garcia Gupta Hassan Hughes Iyer Jensen Kaplan Kelly Kim Kowalski Lee "
    "Lopez Mahoney Martin Murphy Nakamura Nguyen O'Brien Okafor Patel Perez Quinn Reyes "
    "Rossi Russo Sanchez Schwartz Shah Silva Singh Sullivan Tanaka Walsh Wong Yamamoto Zhang"
).split()
SPECIALTIES = [
    ("Family Medicine", 26), ("Internal Medicine", 22), ("Cardiology", 14),
    ("Endocrinology", 10), ("Pulmonology", 9), ("Nephrology", 6),
    ("Allergy and Immunology", 4), ("Geriatrics", 5), ("Nurse Practitioner", 4),
]  # fmt: skip
STREETS = (
    "Main St, Washington St, Broadway, Highland Ave, Elm St, Centre St, Pleasant St, "
    "School St, Summer St, Union St, Harvard St, Beacon St, Maple Ave, Salem St"
).split(", ")
PRACTICE_KINDS = [
    "{city} Family Practice", "{city} Internal Medicine Associates", "{city} Heart Center",
    "{city} Diabetes & Endocrine Clinic", "{city} Lung & Sleep Center",
    "{city} Community Health Center", "{city} Medical Group", "{city} Kidney Care",
]  # fmt: skip
SEGMENTS = [
    "evidence_seeker", "relationship_driven", "patient_centric", "digital_first",
    "access_restricted",
]  # fmt: skip
# How each segment splits its contacts across channels (visit, remote, phone, email, event).
CHANNEL_MIX = {
    "evidence_seeker": [0.45, 0.15, 0.05, 0.30, 0.05],
    "relationship_driven": [0.65, 0.05, 0.10, 0.05, 0.15],
    "patient_centric": [0.50, 0.25, 0.10, 0.10, 0.05],
    "digital_first": [0.10, 0.45, 0.05, 0.38, 0.02],
    "access_restricted": [0.12, 0.08, 0.40, 0.38, 0.02],
}
CHANNELS = ["visit", "remote", "phone", "email", "event"]
THEME_AFFINITY = {
    "evidence_seeker": ["efficacy", "guidelines", "safety"],
    "relationship_driven": ["patient_support", "dosing", "efficacy"],
    "patient_centric": ["patient_support", "safety", "dosing"],
    "digital_first": ["dosing", "efficacy", "access"],
    "access_restricted": ["access", "safety", "dosing"],
}
PRODUCTS_BY_SPECIALTY = {
    "Cardiology": ["Cardiovex"], "Endocrinology": ["Glucora"], "Pulmonology": ["Respiza"],
    "Nephrology": ["Cardiovex", "Glucora"], "Allergy and Immunology": ["Respiza"],
}  # fmt: skip
INSIGHT_TEMPLATES = {
    "efficacy": [
        "Asked for the absolute risk reduction behind the headline number; sent the reprint.",
        "Interested in the subgroup with reduced ejection fraction; wants the forest plot.",
        "Compared results with the current standard of care; not yet convinced.",
    ],
    "safety": [
        "Concerned about use in elderly patients with renal impairment; reassured with label data.",
        "Asked about hypoglycaemia events when combined with insulin.",
        "No safety concerns raised; asked for the monitoring checklist.",
    ],
    "dosing": [
        "Walked through titration; nurse will train patients on the pen device.",
        "Wants a one-page dosing card for the front desk.",
        "Asked how to switch patients from the competitor without a washout.",
    ],
    "access": [
        "Prior authorisation is the main barrier; shared the new formulary status.",
        "Office manager asked for the coverage checker link.",
        "Patients on Medicaid were being denied; preferred-list update welcomed.",
    ],
    "patient_support": [
        "Enrolled two patients in the support programme; co-pay card well received.",
        "Asked for Spanish-language patient leaflets.",
        "Adherence is the issue in her panel; reminder programme could help.",
    ],
    "guidelines": [
        "Discussed the new guideline position; will present it at the practice meeting.",
        "Skeptical of the guideline update; wants to see real-world data.",
    ],
}


def dirichlet_mix(rng: random.Random) -> dict[str, float]:
    """Most HCPs are mainly one segment with a second one mixed in."""
    main, second = rng.sample(SEGMENTS, 2)
    main_weight = rng.uniform(0.5, 0.85)
    weights = dict.fromkeys(SEGMENTS, 0.0)
    weights[main] = main_weight
    weights[second] = 1 - main_weight
    return weights


def pick(rng: random.Random, options: list[str], weights: list[float]) -> str:
    return rng.choices(options, weights=weights, k=1)[0]


def make_hcps(rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    number = 0
    for territory, spec in TERRITORIES.items():
        for _ in range(HCPS_PER_TERRITORY):
            number += 1
            city, lat, lon, postcode = rng.choice(spec["cities"])  # type: ignore[arg-type]
            specialty = pick(rng, [s for s, _ in SPECIALTIES], [w for _, w in SPECIALTIES])
            is_np = specialty == "Nurse Practitioner"
            title = "NP" if is_np else "Dr."
            if is_np:
                specialty = "Family Medicine"
            decile = rng.choices(range(1, 11), weights=[3, 4, 6, 8, 10, 12, 14, 15, 14, 14])[0]
            tier = "A" if decile >= 9 else "B" if decile >= 7 else "C" if decile >= 4 else "D"
            mix = dirichlet_mix(rng)
            restricted = mix["access_restricted"] >= 0.5
            consents = {
                "visit": not (restricted and rng.random() < 0.3),
                "remote": rng.random() < 0.85,
                "phone": rng.random() < 0.8,
                "email": rng.random() < 0.7,
                "event": rng.random() < 0.55,
            }
            rows.append(
                {
                    "id": f"hcp-{number:05d}",
                    "external_id": f"EXT{100000 + number}",
                    "npi": f"1{rng.randrange(10**8, 10**9):09d}",
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "title": title,
                    "specialty": specialty,
                    "organisation": rng.choice(PRACTICE_KINDS).format(city=city),
                    "address": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                    "city": city,
                    "postcode": postcode,
                    "latitude": round(lat + rng.gauss(0, 0.012), 5),
                    "longitude": round(lon + rng.gauss(0, 0.015), 5),
                    "tier": tier,
                    "decile": decile,
                    "patient_volume": int(rng.lognormvariate(6.2, 0.5)),
                    **{f"consent_{k}": int(v) for k, v in consents.items()},
                    "preferred_channel": "",
                    "do_not_contact": int(rng.random() < 0.01),
                    "territory_id": territory,
                    "_mix": mix,
                }
            )
    return rows


def make_calls(
    rng: random.Random, hcps: list[dict[str, object]], messages: list[dict[str, object]]
):
    rows = []
    number = 0
    for hcp in hcps:
        mix: dict[str, float] = hcp["_mix"]  # type: ignore[assignment]
        author = TERRITORIES[str(hcp["territory_id"])]["author"]
        specialty = str(hcp["specialty"])
        products = PRODUCTS_BY_SPECIALTY.get(specialty, ["Cardiovex", "Glucora", "Respiza"])
        # Higher deciles get more contacts; access-restricted HCPs fewer.
        contacts = int(int(hcp["decile"]) * 1.4 * (1 - 0.5 * mix["access_restricted"]))  # type: ignore[call-overload]
        contacts = max(1, contacts + rng.randint(-2, 2))
        if hcp["do_not_contact"]:
            contacts = 0
        channel_weights = [
            sum(mix[s] * CHANNEL_MIX[s][i] for s in SEGMENTS) for i in range(len(CHANNELS))
        ]
        themes = [t for s in SEGMENTS for t in THEME_AFFINITY[s] for _ in range(int(mix[s] * 10))]
        for _ in range(contacts):
            number += 1
            channel = pick(rng, CHANNELS, channel_weights)
            product = rng.choice(products)
            theme = rng.choice(themes)
            candidates = [
                m for m in messages
                if m["product"] == product and channel in m["channels"]  # type: ignore[operator]
                and specialty in m["specialties"]  # type: ignore[operator]
            ]  # fmt: skip
            on_theme = [m for m in candidates if m["theme"] == theme] or candidates
            message = rng.choice(on_theme)["id"] if on_theme else ""
            liked = THEME_AFFINITY[max(mix, key=mix.__getitem__)]
            p_good = 0.35 + 0.3 * (theme in liked) + 0.2 * channel_weights[CHANNELS.index(channel)]
            p_good *= 1 - 0.5 * mix["access_restricted"]
            roll = rng.random()
            if channel in ("phone", "email") and roll > 0.85:
                outcome = "not_reached"
            else:
                outcome = "positive" if roll < p_good else "neutral" if roll < 0.85 else "negative"
            sentiment = {"positive": "positive", "negative": "negative"}.get(outcome, "neutral")
            days_ago = rng.randint(1, HISTORY_DAYS)
            follow_due = ""
            follow_text = ""
            if channel in ("visit", "remote") and rng.random() < 0.25:
                follow_text = rng.choice(
                    ["Send the reprint", "Bring patient leaflets", "Book a lunch-and-learn",
                     "Share coverage checker", "Arrange MSL call"]
                )  # fmt: skip
                follow_due = str(rng.randint(3, 21))
            rows.append(
                {
                    "id": str(uuid.uuid5(NAMESPACE, f"call-{number}")),
                    "hcp_id": hcp["id"],
                    "author": author,
                    "days_ago": days_ago,
                    "time": f"{rng.randint(8, 17):02d}:{rng.choice(['00', '15', '30', '45'])}",
                    "duration_minutes": {
                        "visit": 20,
                        "remote": 15,
                        "phone": 5,
                        "email": 1,
                        "event": 90,
                    }[channel]
                    + rng.randint(0, 10),
                    "channel": channel,
                    "products": product,
                    "key_messages": message,
                    "attendees": ""
                    if channel != "visit" or rng.random() < 0.7
                    else "Practice nurse",
                    "outcome": outcome,
                    "sentiment": sentiment,
                    "insights": rng.choice(INSIGHT_TEMPLATES[theme])
                    if channel != "email"
                    else f"Approved email sent: {theme.replace('_', ' ')}.",
                    "follow_up": follow_text,
                    "follow_up_due_days": follow_due,
                    "follow_up_done": int(bool(follow_text) and days_ago > 30),
                }
            )
    return rows


def write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    fields = [k for k in rows[0] if not k.startswith("_")]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(SEED)
    messages = json.loads((HERE.parent / "messages.json").read_text())
    hcps = make_hcps(rng)
    calls = make_calls(rng, hcps, messages)
    write_csv(HERE / "hcps.csv", hcps)
    write_csv(HERE / "calls.csv", calls)


if __name__ == "__main__":
    main()
