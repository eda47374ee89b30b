"""The labelled call notes keep their figures: a change to the checker or the demo rules
that costs precision or recall shows here (docs/compliance.md has the full table)."""

from __future__ import annotations

import pytest

from tests.data.compliance.evaluate import HERE, Tally, checker, evaluate


def _overall(tallies: dict[str, Tally]) -> tuple[float, float]:
    flagged = sum(t.predicted for t in tallies.values())
    labelled = sum(t.labelled for t in tallies.values())
    right = sum(t.predicted_right for t in tallies.values())
    found = sum(t.labelled_found for t in tallies.values())
    return right / flagged, found / labelled


@pytest.mark.parametrize(
    "name", ["notes_dev.jsonl", "notes_dev2.jsonl", "notes_dev3.jsonl", "notes_dev4.jsonl"]
)
def test_the_development_notes_stay_found(name: str) -> None:
    precision, recall = _overall(evaluate(HERE / name, checker()))
    assert precision >= 0.99 and recall >= 0.98


def test_the_held_out_notes_meet_the_targets_they_met_when_measured() -> None:
    tallies = evaluate(HERE / "notes_heldout.jsonl", checker())
    precision, recall = _overall(tallies)
    assert precision >= 0.85 and recall >= 0.95  # measured: 0.899 and 0.985
    assert tallies["adverse_event"].recall >= 0.95
    assert tallies["phi"].recall >= 0.95


def test_the_set_is_large_enough() -> None:
    notes = sum(
        len((HERE / name).read_text("utf-8").splitlines())
        for name in (
            "notes_dev.jsonl",
            "notes_dev2.jsonl",
            "notes_dev3.jsonl",
            "notes_heldout.jsonl",
        )
    )
    assert notes >= 400
