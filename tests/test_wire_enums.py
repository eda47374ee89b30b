"""The protocol's wire vocabularies and the domain's enums say the same thing.

The server may not import `fieldrep.domain`, so the protocol spells the vocabularies a
second time (`fieldrep.sync.protocol.enums`); this is what keeps the two from drifting.
"""

from __future__ import annotations

from enum import StrEnum
from typing import get_args

import pytest

from fieldrep.domain import enums as domain_enums
from fieldrep.domain.hcp import TIERS
from fieldrep.sync import protocol as p
from fieldrep.sync.protocol.enums import RECORD_ENUMS


def _values(kind: type[StrEnum]) -> list[str]:
    return [member.value for member in kind]


@pytest.mark.parametrize("wire", RECORD_ENUMS, ids=lambda kind: kind.__name__)
def test_each_wire_enum_has_the_domain_enums_names_and_values(wire: type[StrEnum]) -> None:
    domain = getattr(domain_enums, wire.__name__)
    assert [(m.name, m.value) for m in wire] == [(m.name, m.value) for m in domain]


def test_every_domain_vocabulary_is_on_the_wire() -> None:
    domain = {
        name
        for name, value in vars(domain_enums).items()
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
    }
    assert domain == {kind.__name__ for kind in RECORD_ENUMS}


def test_the_catalogues_channel_names_and_the_hcp_tiers_match() -> None:
    assert list(get_args(p.ChannelName)) == _values(domain_enums.Channel)
    assert list(p.CHANNELS) == _values(domain_enums.Channel)
    assert tuple(TIERS) == p.TIERS == get_args(p.HcpData.model_fields["tier"].annotation)


@pytest.mark.parametrize(
    ("model", "field", "kind"),
    [
        (p.CallNoteData, "channel", domain_enums.Channel),
        (p.CallNoteData, "status", domain_enums.CallStatus),
        (p.CallNoteData, "outcome", domain_enums.Outcome),
        (p.CallNoteData, "sentiment", domain_enums.Sentiment),
        (p.VisitPlanData, "channel", domain_enums.Channel),
        (p.VisitPlanData, "status", domain_enums.PlanStatus),
        (p.SuggestionFeedbackData, "action", domain_enums.FeedbackAction),
        (p.SuggestionFeedbackData, "channel", domain_enums.Channel),
        (p.SuggestionFeedbackData, "reason", domain_enums.DismissReason),
        (p.HcpData, "preferred_channel", domain_enums.Channel),
    ],
)
def test_records_take_every_domain_value_and_write_its_text(
    model: type[p.WireRecord], field: str, kind: type[StrEnum]
) -> None:
    for member in kind:
        # From the client (the domain's member) and from JSON (its text) alike.
        assert model.partial(**{field: member}) == {field: member.value}
        assert model.partial(**{field: member.value}) == {field: member.value}


def test_a_value_outside_the_vocabulary_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="'visit', 'remote', 'phone', 'email' or 'event'"):
        p.CallNoteData.partial(channel="fax")


def test_the_field_lists_are_the_records_fields() -> None:
    for entity, model in p.ENTITY_RECORDS.items():
        assert p.ENTITY_FIELDS[entity] == tuple(model.model_fields)
    assert set(p.ENTITY_RECORDS) == set(p.Entity) - {p.Entity.CATALOGUE}
