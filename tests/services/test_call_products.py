"""Products on a call come from the company's catalogue: a product not in it is refused
(with "did you mean"), and one typed in another case, or by its id, is stored as the
catalogue names it; with no products catalogue loaded, any product goes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.errors import ValidationError
from fieldrep.store.schema import catalogue_documents
from fieldrep.sync.protocol import CatalogueKind
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now as now


def _call(hcp_id: str, *products: str) -> CallDraft:
    return CallDraft(
        hcp_id=hcp_id, channel=Channel.VISIT, started_at=now() - timedelta(hours=2),
        duration_minutes=30, products=products, outcome=Outcome.POSITIVE,
    )  # fmt: skip


def test_a_product_not_in_the_catalogue_is_refused_with_the_nearest_one(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    hcp = ws.hcps.all()[0].id
    before = len(ws.pending_mutations())
    with pytest.raises(ValidationError, match=r"'Cardiovx' \(did you mean 'Cardiovex'\?\)"):
        ws.calls.log(_call(hcp, "Cardiovx"), submit=True)
    with pytest.raises(ValidationError, match="'Nothingol'"):
        ws.calls.log(_call(hcp, "Glucora", "Nothingol"))
    assert len(ws.pending_mutations()) == before  # nothing written


def test_a_product_in_any_case_or_by_its_id_is_stored_as_the_catalogue_names_it(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    hcp = ws.hcps.all()[0].id
    note = ws.calls.log(_call(hcp, "CARDIOVEX", "glucora", "cardiovex"), submit=True)
    assert note.products == ("Cardiovex", "Glucora")
    assert ws.pending_mutations()[-1].fields["products"] == ["Cardiovex", "Glucora"]
    draft = ws.calls.log(_call(hcp, "Respiza"))
    edited = ws.calls.update_draft(draft.id, _call(hcp, "respiza", "Glucora"))
    assert edited.products == ("Respiza", "Glucora")


def test_without_a_products_catalogue_any_product_goes(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    with ws.store.write() as conn:
        conn.execute(
            delete(catalogue_documents).where(
                catalogue_documents.c.kind == CatalogueKind.PRODUCTS.value
            )
        )
    note = ws.calls.log(_call(ws.hcps.all()[0].id, "Anything"), submit=True)
    assert note.products == ("Anything",)
