"""A company's first day: sparse master data (no consents, deciles, tiers, coordinates or
history), upper-case taxonomy specialties, and catalogues that are not the demo's, or
none at all. Suggestions stay useful and honest; nothing divides by zero."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fieldrep.clock import Clock
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.specialties import fits, known_specialties
from fieldrep.sync.protocol import CatalogueDocument, CatalogueKind
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE

MONDAY = datetime(2027, 2, 1, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
ON_PORTFOLIO = [
    "Allopathic & Osteopathic Physicians/Internal Medicine/Nephrology",
    "NEPHROLOGY",
    "Allopathic & Osteopathic Physicians/Internal Medicine/Rheumatology",
]
OFF_PORTFOLIO = [
    "Allopathic & Osteopathic Physicians/Dermatology",
    "Allopathic & Osteopathic Physicians/Psychiatry & Neurology/Psychiatry",
    "Dentist/General Practice",
    "Allopathic & Osteopathic Physicians/Orthopaedic Surgery",
]

# A company that is not the demo: its own product, messages, segments and rules.
COMPANY = [
    CatalogueDocument(
        kind=CatalogueKind.PRODUCTS,
        version=1,
        items=[{"id": "renalix", "name": "Renalix", "indications": ["CKD anaemia"]}],
    ),
    CatalogueDocument(
        kind=CatalogueKind.MESSAGES,
        version=3,
        items=[
            {
                "id": "RNX-1",
                "product": "Renalix",
                "title": "Renalix raises Hb in CKD",
                "theme": "efficacy",
                "specialties": ["Nephrology"],
                "channels": ["visit", "email"],
            },
            {
                "id": "RNX-2",
                "product": "Renalix",
                "title": "Renalix in rheumatology clinics",
                "theme": "safety",
                "specialties": ["rheumatology"],
                "channels": ["visit"],
            },
            {
                "id": "RNX-OLD",
                "product": "Renalix",
                "title": "Withdrawn claim",
                "theme": "efficacy",
                "specialties": ["Nephrology"],
                "channels": ["visit"],
                "withdrawn": True,
            },
        ],
    ),  # fmt: skip
    CatalogueDocument(
        kind=CatalogueKind.SEGMENTS,
        version=1,
        items=[
            {
                "id": "skeptic",
                "name": "Skeptic",
                "preferred_channels": ["visit"],
                "tips": ["Bring the data"],
            },
            {"id": "digital", "name": "Digital first", "preferred_channels": ["email", "remote"]},
        ],
    ),  # fmt: skip
    CatalogueDocument(
        kind=CatalogueKind.CONTACT_RULES,
        version=1,
        rules={"monthly_cap": 2, "min_gap_days": {"visit": 21}, "needs_message": ["email"]},
    ),
]


SURNAMES = ["SMITH", "GARCIA", "NGUYEN", "O'BRIEN"]


def sparse_hcps(n: int, seed: int = 3) -> list[Hcp]:
    rng = random.Random(seed)
    specialties = ON_PORTFOLIO + OFF_PORTFOLIO
    return [
        Hcp(
            id=f"npi-{1000 + i}",
            external_id=str(1_000_000_000 + i),
            name=f"{rng.choice(SURNAMES)}, {rng.choice(['ANA', 'LI'])}",
            specialty=specialties[i % len(specialties)],
            organisation="",
            city="",
            territory_id="T1",
        )
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture
def company(tmp_path: Path) -> Iterator[Workspace]:
    clock = Clock.frozen(MONDAY)
    with Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE, clock=clock) as ws:
        ws.hcps.upsert_many(sparse_hcps(140))
        ws.messages.store_documents(COMPANY)
        yield ws


def test_with_no_catalogue_at_all_every_core_screen_answers(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "bare", passphrase=PASSPHRASE, clock=Clock.frozen(MONDAY)) as ws:
        ws.hcps.upsert_many(sparse_hcps(20))
        hcp_id = ws.hcps.all()[0].id
        suggestions = ws.suggestions.daily_list(limit=10)
        assert all(s.message_id is None for s in suggestions)
        ws.suggestions.for_hcp(hcp_id)
        ws.suggestions.blocked_for_hcp(hcp_id)
        hint = ws.segment_hints.for_hcp(hcp_id)
        assert hint.top == []  # no catalogue: no made-up segments or tips
        assert ws.segment_hints.refit() == 0
        assert ws.messages.usable() == [] and ws.messages.products() == []


def test_the_first_weeks_suggestions_go_to_hcps_a_product_fits_across_the_territory(
    company: Workspace,
) -> None:
    specialty_map = company.messages.specialty_map()
    messages = company.messages.usable()
    by_id = {h.id: h for h in company.hcps.all()}
    known = known_specialties(m.specialties for m in messages)
    suggested: list[str] = []
    for day in range(5):  # the rep takes up each day's list, as a new rep would
        today = MONDAY.date() + timedelta(days=day)
        todays = company.suggestions.daily_list(limit=10, today=today)
        suggested += [s.hcp_id for s in todays]
        for s in todays:
            company.suggestions.accept(s)
    fit = [
        any(fits(by_id[h].specialty, m.specialties, specialty_map, known) for m in messages)
        for h in suggested
    ]
    assert len(suggested) >= 40
    assert sum(fit) / len(fit) >= 0.9
    assert len(set(suggested)) == len(suggested)  # a new HCP each time
    numbers = sorted(int(h.split("-")[1]) for h in suggested[:10])
    assert numbers[-1] - numbers[0] > 40  # spread over the list, not its first ten ids


def test_reasons_say_what_is_known_and_what_is_not(company: Workspace) -> None:
    [first] = company.suggestions.daily_list(limit=1)
    text = " · ".join(first.reasons)
    assert "no contact on record" in text
    assert "no consent on record" in text
    assert first.message_id != "RNX-OLD"  # withdrawn: never suggested


def test_the_companys_rules_and_segments_are_the_ones_used(company: Workspace) -> None:
    assert company.suggestions.config.monthly_cap == 2
    assert company.suggestions.config.quiet_periods == ()  # none in the company's rules
    hint = company.segment_hints.for_hcp(company.hcps.all()[0].id)
    assert hint.top == [] and "Not enough contacts" in hint.evidence[0]


def test_suggest_on_the_command_line_works_with_no_catalogue(tmp_path: Path) -> None:
    from tests.cli.test_workspace_commands import fieldrep

    data_dir = tmp_path / "cli"
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        ws.hcps.upsert_many(sparse_hcps(15))
    done = fieldrep(data_dir, "suggest", "--limit", "5", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows and all(r["message_id"] is None for r in rows)
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr


def test_a_taxonomy_path_counts_as_its_most_specific_known_part() -> None:
    known = known_specialties([["Internal Medicine", "Nephrology"], ["Cardiology"]])
    nephrology = "Allopathic & Osteopathic Physicians/Internal Medicine/Nephrology"
    hospitalist = "Allopathic & Osteopathic Physicians/Internal Medicine/Hospitalist"
    assert fits(nephrology, ["Nephrology"], {}, known)
    assert not fits(nephrology, ["Internal Medicine"], {}, known)  # the specific part wins
    assert fits(hospitalist, ["Internal Medicine"], {}, known)  # unknown leaf: its parent
    assert fits("NEPHROLOGY", ["nephrology"], {}, known)
    assert fits("Oncology", ["Cardiology"], {"oncology": "Cardiology"}, known)  # the map


def test_reasons_name_no_blank_segment_and_claim_no_territory_evidence(tmp_path: Path) -> None:
    """A company that loaded products and messages but no segments, with no history: a
    stranger saw "segment: 100% , who favour visits" and "efficacy messages do well
    across the territory" when nothing had been heard yet."""
    from fieldrep.domain.enums import Channel, Outcome
    from tests.nba.helpers import log_call

    without_segments = [d for d in COMPANY if d.kind is not CatalogueKind.SEGMENTS]
    with Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE, clock=Clock.frozen(MONDAY)) as ws:
        ws.hcps.upsert_many(sparse_hcps(40))
        ws.messages.store_documents(without_segments)
        assert not any(
            r.startswith("segment") for s in ws.suggestions.daily_list() for r in s.reasons
        )
        for hcp in ws.hcps.all()[:3]:  # the first calls: the unnamed profile now speaks
            log_call(ws, hcp.id, Channel.VISIT, days_ago=20, outcome=Outcome.POSITIVE)
        suggestions = ws.suggestions.daily_list(limit=20)
        assert suggestions
        reasons = [r for s in suggestions for r in s.reasons]
        assert not any(r.startswith("segment: ") and " , " in r for r in reasons), reasons
        assert any("HCPs in general favour visits" in r for r in reasons), reasons
        assert not any("do well across the territory" in r for r in reasons), reasons
