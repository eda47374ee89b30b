"""The independent simulator (a different family from the engine's model) in a small
world: the engine, driven only through the Workspace API, breaks no company rule, and
its stated chance is a probability. The full runs are `python -m
fieldrep.nba.evaluation.independent` (minutes), not part of the suite."""

from __future__ import annotations

from pathlib import Path

from fieldrep.nba.evaluation.independent.drive import Run
from fieldrep.nba.evaluation.independent.measure import NBA, ORACLE, figures, run_family


def test_engine_in_a_world_it_was_not_built_for_breaks_no_rule(tmp_path: Path) -> None:
    runs: list[Run] = run_family("all", 7, hcps=60, weeks=2, folder=tmp_path)
    f = figures(runs, "all")
    assert all(v == 0 for v in f.violations.values())
    nba = next(r for r in runs if r.policy == NBA)
    assert nba.suggested > 20 and nba.accepted > 0
    assert all(0.0 < s < 1.0 for s in nba.stated_all)
    assert f.value[ORACLE] > f.value["random"]
    assert 0.0 <= f.repeats[NBA] <= 1.0
