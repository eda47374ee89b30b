"""A message names its product by name or id, in any case, and is stored with the
product's name: a stranger loaded one message with "renovia" (the id) and one with
"Renovia", and the call log offered two products, the safety message under the fake one."""

from __future__ import annotations

import json

import pytest

from fieldrep.sync.protocol import CatalogueKind
from sync_server.errors import Invalid
from sync_server.services import catalogues

PRODUCTS = {"renovia": "Renovia", "cardalin": "Cardalin"}  # as product_names gives them


def _message(message_id: str, product: str) -> dict[str, object]:
    return {
        "id": message_id, "product": product, "title": f"{message_id} title",
        "theme": "safety", "specialties": ["Nephrology"], "channels": ["visit"],
    }  # fmt: skip


def test_a_message_naming_its_product_by_id_or_in_another_case_gets_the_name() -> None:
    text = json.dumps(
        [_message("RNV-EFF", "Renovia"), _message("RNV-SAF", "renovia"), _message("X", "RENOVIA")]
    )
    items = catalogues.parse_file(CatalogueKind.MESSAGES, text, products=PRODUCTS)
    assert isinstance(items, list)
    assert {item["product"] for item in items} == {"Renovia"}


def test_an_unknown_product_is_refused_with_the_nearest_name() -> None:
    text = json.dumps([_message("RNV-EFF", "Renovai")])
    with pytest.raises(Invalid, match=r"product 'Renovai' is not .*did you mean 'Renovia'"):
        catalogues.parse_file(CatalogueKind.MESSAGES, text, products=PRODUCTS)


def test_without_products_any_product_is_kept_as_written() -> None:
    text = json.dumps([_message("RNV-EFF", "renovia")])
    items = catalogues.parse_file(CatalogueKind.MESSAGES, text)
    assert isinstance(items, list) and items[0]["product"] == "renovia"
