"""Planning a visit from the HCP page takes up only a suggested visit: the manager's
acceptance figures must not count a visit planned while an e-mail was suggested (a
stranger's run saw "2 accepted" after one Accept and one Plan visit)."""

from __future__ import annotations

from datetime import date

import pytest

from fieldrep.domain.enums import Channel
from fieldrep.nba.model import Suggestion
from fieldrep.ui.pages.hcp_detail import accepted_by_planning


def _suggestion(channel: Channel) -> Suggestion:
    return Suggestion(
        id=f"HCP-1~{channel.value}~MSG-1~2026-11-25~2026-11-24",
        hcp_id="HCP-1",
        hcp_name="DR ANNA KOWALSKA",
        channel=channel,
        message_id="MSG-1",
        message_title="Efficacy",
        due=date(2026, 11, 25),
        expires=date(2026, 11, 28),
        score=0.4,
        reasons=("no contact for 90 days",),
        exploratory=False,
        data_as_of=date(2026, 11, 24),
    )


def test_planning_while_a_visit_is_suggested_accepts_it() -> None:
    visit = _suggestion(Channel.VISIT)
    assert accepted_by_planning(visit) is visit


@pytest.mark.parametrize("channel", [c for c in Channel if c is not Channel.VISIT])
def test_planning_while_another_channel_is_suggested_accepts_nothing(channel: Channel) -> None:
    assert accepted_by_planning(_suggestion(channel)) is None


def test_planning_with_nothing_suggested_accepts_nothing() -> None:
    assert accepted_by_planning(None) is None
