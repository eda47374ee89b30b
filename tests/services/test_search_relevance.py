"""Search that fits real names: the best match first, however the master data spells it.

The territory is shaped like an NPPES extract: upper-case "LAST, FIRST" names next to
"First Last" ones, apostrophes, hyphens, suffixes, taxonomy specialties that nearly
every HCP shares, US and UK postcodes, NPIs and external ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from fieldrep.clock import Clock
from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel
from fieldrep.domain.hcp import Hcp
from fieldrep.security import keys
from fieldrep.services.base import Store
from fieldrep.store.engine import create_encrypted_engine
from fieldrep.store.migrations import migrate
from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.pinned_clock import local_now

INTERNAL = "Allopathic & Osteopathic Physicians/Internal Medicine"
FAMILY = "Allopathic & Osteopathic Physicians/Family Medicine"
CARDIOLOGY = "Allopathic & Osteopathic Physicians/Internal Medicine/Cardiovascular Disease"
OMM = "Allopathic & Osteopathic Physicians/Osteopathic Manipulative Medicine"

FILLER_SURNAMES = (
    "ABBOTT BAKER CARTER DIXON ELLIS FOSTER GRANT HAYES IRWIN JENSEN KEANE LARSEN "
    "MORRIS NOLAN OWENS PRICE QUINN REYES SHAW TATE UPTON VANCE WALSH YATES ZIMMER"
).split()


_EXTERNAL_IDS = itertools.count(7001)


def hcp(hcp_id: str, name: str, specialty: str = INTERNAL, **fields: object) -> Hcp:
    defaults: dict[str, object] = {
        "external_id": f"CRM-{next(_EXTERNAL_IDS)}",
        "organisation": "Salem General Hospital",
        "city": "Salem",
        "territory_id": "T1",
        "title": "Dr.",
    }
    return Hcp(id=hcp_id, name=name, specialty=specialty, **{**defaults, **fields})


TERRITORY = [
    hcp(
        "oloughlin",
        "O'LOUGHLIN, MARY",
        npi="1467589012",
        external_id="NPPES-1467589012",
        postcode="02139-4307",
    ),
    hcp("loughlin", "LOUGHLIN, PETER", FAMILY),
    hcp("smith", "SMITH, JOHN", FAMILY),
    hcp("smith-jr", "John Smith Jr.", FAMILY),
    hcp("smith-jones", "SMITH-JONES, ANNA", CARDIOLOGY),
    hcp("first-smith", "JONES, SMITH", FAMILY),
    hcp("smithers", "SMITHERS, KATE"),
    hcp("medina", "MEDINA, CARLOS", CARDIOLOGY),
    hcp("medford", "KIM, DAVID", organisation="Medford Heart Center", city="Medford"),
    hcp("omm", "PARK, JIN", OMM),
    hcp("nguyen", "NGUYEN, LINH", alternate_names=("TRAN, LINH",)),
    hcp("delacruz", "DE LA CRUZ, MARIA"),
    hcp("muller", "Anna Müller", FAMILY, postcode="SW1A 1AA", city="London"),
    hcp("prof", "Grace Okafor", title="Prof."),
    hcp("brown", "BROWN, LISA"),
    *(hcp(f"filler-{i:02d}", f"{s}, ALEX") for i, s in enumerate(FILLER_SURNAMES)),
]


@pytest.fixture(scope="module")
def territory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    data_dir = tmp_path_factory.mktemp("relevance") / "ws"
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        ws.hcps.upsert_many(TERRITORY)
        ws.calls.log(
            CallDraft(
                hcp_id="brown",
                channel=Channel.VISIT,
                started_at=local_now(),
                insights="Asked about the Medina protocol and the renal subgroup",
            )
        )
        yield ws


def ids(ws: Workspace, query: str, limit: int = 50) -> list[str]:
    return [h.id for h in ws.hcps.search(query, limit=limit)]


def test_exact_surname_then_exact_first_name_then_surname_prefix(territory: Workspace) -> None:
    assert ids(territory, "smith") == [
        "smith",  # SMITH, JOHN
        "smith-jr",  # John Smith Jr.: the suffix is not the surname
        "smith-jones",  # a whole word of the surname
        "first-smith",  # JONES, SMITH: the first name
        "smithers",  # a surname that starts with it
    ]


def test_results_are_ordered_by_surname_not_first_name(territory: Workspace) -> None:
    found = ids(territory, "alex")
    assert found == [f"filler-{i:02d}" for i in range(len(FILLER_SURNAMES))]


@pytest.mark.parametrize("typed", ["oloughlin", "o'loughlin", "O’LOUGHLIN", "olough", "O'Lou"])
def test_apostrophes_fold(territory: Workspace, typed: str) -> None:
    assert ids(territory, typed)[0] == "oloughlin"


def test_the_part_after_an_apostrophe_is_a_whole_surname_word(territory: Workspace) -> None:
    assert ids(territory, "loughlin") == ["loughlin", "oloughlin"]


@pytest.mark.parametrize("typed", ["smithjones", "smith-jones", "smith-jo", "SMITHJ"])
def test_hyphens_fold(territory: Workspace, typed: str) -> None:
    assert ids(territory, typed)[0] == "smith-jones"


def test_two_words_that_are_both_names_come_first(territory: Workspace) -> None:
    # SMITH-JONES, ANNA and JONES, SMITH both have "smith" and "jones" as whole names.
    assert set(ids(territory, "smith jones")[:2]) == {"smith-jones", "first-smith"}
    assert ids(territory, "anna smith")[0] == "smith-jones"


def test_spaces_inside_a_surname_fold(territory: Workspace) -> None:
    assert ids(territory, "delacruz") == ["delacruz"]
    assert ids(territory, "de la cruz")[0] == "delacruz"


def test_accents_fold(territory: Workspace) -> None:
    assert ids(territory, "muller") == ["muller"]


def test_a_name_comes_before_a_practice_before_a_specialty_before_notes(
    territory: Workspace,
) -> None:
    hits = territory.hcps.search_hits("med")
    assert [(h.hcp.id, h.matched) for h in hits[:2]] == [
        ("medina", "surname"),
        ("medford", "practice or city"),  # Medford Heart Center
    ]
    # The note is the last way to be found: Lisa Brown's specialty says "Medicine" too.
    assert hits[2].matched == "specialty"
    assert ("brown", "specialty") in [(h.hcp.id, h.matched) for h in hits]
    assert [(h.hcp.id, h.matched) for h in territory.hcps.search_hits("medina")] == [
        ("medina", "surname"),
        ("brown", "notes"),
    ]


def test_a_word_in_nearly_every_specialty_does_not_swamp_the_names(
    territory: Workspace,
) -> None:
    everyone = len(TERRITORY)
    medicine = [h for h in TERRITORY if "medicine" in h.specialty.lower()]
    assert len(medicine) > 0.9 * everyone
    assert ids(territory, "med", limit=2) == ["medina", "medford"]
    # "Osteopathic" is in every taxonomy group; only Dr. Park practises it.
    assert ids(territory, "osteo")[0] == "omm"
    assert ids(territory, "osteopathic manipulative") == ["omm"]


def test_the_title_narrows_and_does_not_outrank_the_name(territory: Workspace) -> None:
    assert ids(territory, "prof") == ["prof"]
    assert ids(territory, "dr o'loughlin") == ["oloughlin"]
    assert ids(territory, "dr.")[:3] == ["filler-00", "filler-01", "brown"]  # by surname


@pytest.mark.parametrize(
    "typed", ["02139", "02139-4307", "021394307", "1467589012", "NPPES-1467589012", "nppes1467"]
)
def test_postcode_npi_and_external_id_find_the_hcp(territory: Workspace, typed: str) -> None:
    hits = territory.hcps.search_hits(typed)
    assert [(h.hcp.id, h.matched) for h in hits] == [("oloughlin", "id or postcode")]


@pytest.mark.parametrize("typed", ["sw1a 1aa", "SW1A1AA", "sw1a"])
def test_a_uk_postcode_with_or_without_its_space(territory: Workspace, typed: str) -> None:
    assert ids(territory, typed) == ["muller"]


def test_alternate_names_are_searchable_and_ranked_below_own_names(
    territory: Workspace,
) -> None:
    hits = territory.hcps.search_hits("tran")
    assert [(h.hcp.id, h.matched) for h in hits] == [("nguyen", "alternate name")]
    assert territory.hcps.get("nguyen").alternate_names == ("TRAN, LINH",)
    # "linh" is Dr. Nguyen's own first name: that match wins over the alternate one.
    assert territory.hcps.search_hits("linh")[0].matched == "first name"


def test_the_limit_keeps_the_best(territory: Workspace) -> None:
    assert ids(territory, "smith", limit=2) == ["smith", "smith-jr"]
    assert ids(territory, "smith", limit=0) == []


def test_the_index_follows_renames_and_deletes(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE) as ws:
        ws.hcps.upsert_many([hcp("h1", "O'BRIEN, SIOBHAN")])
        assert ids(ws, "obrien") == ["h1"]
        ws.hcps.upsert_many([hcp("h1", "MURPHY, SIOBHAN", alternate_names=("O'BRIEN",))])
        hits = ws.hcps.search_hits("obrien")
        assert [(h.hcp.id, h.matched) for h in hits] == [("h1", "alternate name")]
        assert ids(ws, "murphy") == ["h1"]
        with ws.store.write() as conn:
            conn.execute(text("DELETE FROM hcps WHERE id = 'h1'"))
        assert ids(ws, "murphy") == []


def test_alternate_names_arrive_by_sync_and_an_older_server_leaves_them_empty(
    tmp_path: Path,
) -> None:
    record = {
        "external_id": "E1",
        "name": "NGUYEN, LINH",
        "specialty": FAMILY,
        "territory_id": "T1",
        "alternate_names": ["TRAN, LINH"],
    }
    old_server_record = {k: v for k, v in record.items() if k != "alternate_names"}
    with Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE) as ws:
        with ws.store.write() as conn:
            apply_page(
                conn,
                [
                    Change(seq=1, entity=Entity.HCP, entity_id="h1", op=Op.CREATE, version=1,
                           data=record),
                    Change(seq=2, entity=Entity.HCP, entity_id="h2", op=Op.CREATE, version=1,
                           data={**old_server_record, "name": "TRAN, BAO"}),
                ],
            )  # fmt: skip
        assert ws.hcps.get("h1").alternate_names == ("TRAN, LINH",)
        assert ws.hcps.get("h2").alternate_names == ()
        assert ids(ws, "tran") == ["h2", "h1"]  # own surname before alternate name


def test_a_workspace_from_before_relevance_search_is_indexed_on_upgrade(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "ws"
    data_dir.mkdir()
    key = keys.new_key(data_dir, passphrase=PASSPHRASE)
    engine = create_encrypted_engine(Workspace.database_path(data_dir), key)
    clock = Clock.frozen(datetime(2026, 9, 1, 9, 0, tzinfo=UTC))
    with Store(engine, clock).write() as conn:
        migrate(conn, applied_at=clock.now(), upto=4)
        conn.execute(
            text(
                "INSERT INTO hcps (id, external_id, name, specialty, organisation, city, "
                "postcode) VALUES ('h1', 'E1', 'O''LOUGHLIN, MARY', :sp, 'Salem Heart', "
                "'Salem', '01970'), ('h2', 'E2', 'Mary Smith', :sp, 'Lynn Clinic', 'Lynn', '')"
            ),
            {"sp": INTERNAL},
        )
        conn.execute(
            text(
                "INSERT INTO call_notes (id, hcp_id, author, channel, started_at, "
                "duration_minutes, insights) VALUES ('n1', 'h2', 'rep1', 'visit', "
                "'2026-08-03T09:30:00+00:00', 20, 'Wants the titration leaflet')"
            )
        )
    engine.dispose()

    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        assert ids(ws, "oloughlin") == ["h1"]
        assert ids(ws, "01970") == ["h1"]
        assert ids(ws, "mary") == ["h1", "h2"]  # O'Loughlin before Smith
        assert ids(ws, "titra") == ["h2"]
        assert ws.hcps.get("h1").alternate_names == ()
