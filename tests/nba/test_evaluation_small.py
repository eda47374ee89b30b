"""A small run of the offline evaluation: zero rule breaks, and NBA beats random."""

from __future__ import annotations

from fieldrep.nba.evaluation.policies import ModelPolicy, OraclePolicy, RuleOrderPolicy
from fieldrep.nba.evaluation.report import markdown
from fieldrep.nba.evaluation.run import evaluate


def test_small_simulation_breaks_no_rule_and_nba_beats_random() -> None:
    ev = evaluate(
        seeds=2,
        weeks=8,
        hcps=150,
        per_day=6,
        first_seed=7,
        policies=[
            ModelPolicy("NBA (learning)", learn=True),
            RuleOrderPolicy("random"),
            OraclePolicy(),
        ],
    )
    assert sum(r.violations for r in ev.results) == 0
    assert all(r.suggested > 100 for r in ev.results)
    by = {(r.policy, r.seed): r.value_per_week for r in ev.results}
    for seed in (7, 8):
        assert by[("NBA (learning)", seed)] > by[("random", seed)]
        assert by[("oracle", seed)] >= by[("random", seed)]
    table = markdown(ev)
    assert "| NBA (learning) |" in table and "Segment recovery" in table
