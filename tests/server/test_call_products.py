"""A pushed call note names products of the company's catalogue: an unknown one is a
rejected mutation with the reason (and "did you mean"), never a 500; a product written
in another case, or by its id, is stored as the catalogue names it; a company that has
loaded no products accepts any, as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldrep.sync.protocol import CatalogueKind
from sync_server import db
from sync_server.config import Settings
from sync_server.services import catalogues
from tests.server.world import Api, note_fields

PRODUCTS = Path(__file__).resolve().parents[2] / "resources" / "products.json"


@pytest.fixture
def products(settings: Settings, api: Api) -> None:
    """The demo company's products (Cardiovex, Glucora, Respiza), loaded by an admin."""
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        kind = CatalogueKind.PRODUCTS
        content = catalogues.parse_file(kind, PRODUCTS.read_text(encoding="utf-8"))
        catalogues.load(session, kind, content, by="test")
    engine.dispose()


def test_a_product_not_in_the_catalogue_is_rejected_with_the_nearest_one(
    api: Api, products: None
) -> None:
    laptop = api.login("rep1")
    result = laptop.send("call_note", "n-typo", **note_fields("h-n1", products=["Cardiovx"]))
    assert result["status"] == "rejected"
    assert "'Cardiovx' (did you mean 'Cardiovex'?)" in result["reason"]
    laptop.sync_down()
    assert "n-typo" not in laptop.ids("call_note")


def test_a_product_in_any_case_or_by_its_id_is_stored_as_the_catalogue_names_it(
    api: Api, products: None
) -> None:
    laptop = api.login("rep1")
    fields = note_fields("h-n1", products=["CARDIOVEX", "glucora", "cardiovex"])
    assert laptop.send("call_note", "n-case", **fields)["status"] == "applied"
    laptop.sync_down()
    assert laptop.records[("call_note", "n-case")]["products"] == ["Cardiovex", "Glucora"]
    # An update in another case changes nothing; an unknown product is refused.
    same = laptop.send("call_note", "n-case", "update", 1, products=["cardiovex", "Glucora"])
    assert (same["status"], same["version"]) == ("applied", 1)
    unknown = laptop.send("call_note", "n-case", "update", 1, products=["Nefrix"])
    assert unknown["status"] == "rejected" and "'Nefrix'" in unknown["reason"]
    renamed = laptop.send("call_note", "n-case", "update", 1, products=["respiza"])
    assert renamed["status"] == "applied"
    laptop.sync_down()
    assert laptop.records[("call_note", "n-case")]["products"] == ["Respiza"]


def test_without_a_products_catalogue_any_product_is_accepted(api: Api) -> None:
    laptop = api.login("rep1")
    fields = note_fields("h-n1", products=["Nefrix"])
    assert laptop.send("call_note", "n-free", **fields)["status"] == "applied"
    laptop.sync_down()
    assert laptop.records[("call_note", "n-free")]["products"] == ["Nefrix"]
