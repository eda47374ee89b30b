"""What a call must hold to be submitted: the domain's rules, the same ones the server
applies (tests/server/test_call_checks.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fieldrep.domain.calls import (
    CallDraft,
    IncompleteCallError,
    submission_problems,
    validate_call,
)
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.errors import ValidationError

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
COMPLETE = CallDraft(
    hcp_id="hcp-1", channel=Channel.VISIT, started_at=NOW - timedelta(hours=1),
    duration_minutes=20, products=("Cardiovex",), outcome=Outcome.POSITIVE,
)  # fmt: skip


def fields(draft: CallDraft, **extra: object) -> list[str]:
    return [p.field for p in submission_problems(draft, now=NOW, **extra)]  # type: ignore[arg-type]


def test_a_complete_call_has_nothing_to_fix() -> None:
    assert fields(COMPLETE) == []
    validate_call(COMPLETE, submit_at=NOW)


def test_an_untouched_call_lists_everything_to_fix_in_form_order() -> None:
    untouched = CallDraft(hcp_id="hcp-1", channel=Channel.VISIT, started_at=NOW)
    assert fields(untouched) == ["products", "outcome"]
    with pytest.raises(IncompleteCallError) as raised:
        validate_call(untouched, submit_at=NOW)
    assert "Tick at least one product" in str(raised.value)
    assert [p.field for p in raised.value.problems] == ["products", "outcome"]


@pytest.mark.parametrize("channel", [Channel.VISIT, Channel.REMOTE])
def test_a_detailing_call_needs_a_product(channel: Channel) -> None:
    assert fields(replace(COMPLETE, channel=channel, products=())) == ["products"]


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.EMAIL, Channel.EVENT])
def test_other_channels_need_no_product(channel: Channel) -> None:
    assert fields(replace(COMPLETE, channel=channel, products=())) == []


def test_every_submitted_call_needs_an_outcome() -> None:
    assert fields(replace(COMPLETE, outcome=None)) == ["outcome"]


def test_a_start_in_the_future_is_refused_beyond_ten_minutes_of_clock_skew() -> None:
    assert fields(replace(COMPLETE, started_at=NOW + timedelta(minutes=9))) == []
    assert fields(replace(COMPLETE, started_at=NOW + timedelta(minutes=11))) == ["started_at"]
    a_year_ahead = replace(COMPLETE, started_at=NOW + timedelta(days=365))
    problem = submission_problems(a_year_ahead, now=NOW)[0]
    assert "in the future" in problem.message and "planner" in problem.message


def test_a_start_before_the_hcp_came_into_the_territory_is_refused() -> None:
    since = NOW - timedelta(days=2)
    assert fields(
        replace(COMPLETE, started_at=NOW - timedelta(days=3)), in_territory_since=since
    ) == ["started_at"]
    assert fields(COMPLETE, in_territory_since=since) == []


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (240, True), (241, False)])
def test_a_call_lasts_1_to_240_minutes(minutes: int, ok: bool) -> None:
    draft = replace(COMPLETE, duration_minutes=minutes)
    assert (fields(draft) == []) is ok
    if not ok:
        with pytest.raises(ValidationError, match="1-240 minutes"):
            validate_call(draft)  # checked on every save, drafts too


def test_a_draft_may_be_incomplete() -> None:
    validate_call(
        CallDraft(hcp_id="hcp-1", channel=Channel.VISIT, started_at=NOW + timedelta(days=9))
    )
