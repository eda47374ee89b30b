"""Segment hints: a mixed membership per HCP, stable labels, corrections that stick."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import insert

from fieldrep.domain.enums import Channel
from fieldrep.segments.mixture import estimate_weights, match_to_catalogue, refit_profiles
from fieldrep.segments.profiles import SegmentProfiles, catalogue_profiles
from fieldrep.store.schema import hcp_segment_mix
from fieldrep.tasks import Cancelled, CancelToken
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call


def _simulate_counts(mix: np.ndarray, contacts: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = catalogue_profiles()
    channels = np.array([rng.multinomial(contacts, row) for row in mix @ p.channels])
    themes = np.array([rng.multinomial(contacts, row) for row in mix @ p.themes])
    return channels.astype(float), themes.astype(float)


def test_mixed_membership_recovers_known_mixes_from_rich_history() -> None:
    rng = np.random.default_rng(1)
    k = catalogue_profiles().k
    mix = np.zeros((300, k))
    for row in mix:
        a, b = rng.choice(k, 2, replace=False)
        row[a], row[b] = 0.7, 0.3
    channels, themes = _simulate_counts(mix, contacts=60, seed=2)
    p = catalogue_profiles()
    est = estimate_weights(channels, themes, p.channels, p.themes)
    assert (est.weights.argmax(axis=1) == mix.argmax(axis=1)).mean() > 0.85
    assert 0.5 * np.abs(est.weights - mix).sum(axis=1).mean() < 0.2
    assert est.confidence.mean() > 0.7


def test_confidence_grows_with_evidence() -> None:
    mix = np.tile([[0.7, 0.3, 0, 0, 0]], (50, 1))
    p = catalogue_profiles()
    few = estimate_weights(*_simulate_counts(mix, 2, 3), p.channels, p.themes)
    many = estimate_weights(*_simulate_counts(mix, 40, 3), p.channels, p.themes)
    assert few.confidence.mean() < many.confidence.mean()


def test_refit_keeps_catalogue_labels_even_from_a_shuffled_start() -> None:
    mix = np.random.default_rng(4).dirichlet(np.ones(5) * 0.5, size=400)
    channels, themes = _simulate_counts(mix, 20, 5)
    catalogue = catalogue_profiles()
    order = [3, 0, 4, 1, 2]
    shuffled = SegmentProfiles(
        catalogue.segment_ids, catalogue.channels[order], catalogue.themes[order]
    )
    fitted = refit_profiles(channels, themes, catalogue, start=shuffled)
    assert match_to_catalogue(fitted, catalogue) == list(range(catalogue.k))
    assert np.abs(fitted.channels - catalogue.channels).sum(axis=1).max() < 0.5


def test_labels_stay_stable_across_refits(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    assert ws.segment_hints.refit() == 400
    first = {h: m.top(1)[0][0] for h, m in ws.segments.all_mixes().items()}
    for hcp_id in ("hcp-00001", "hcp-00002", "hcp-00003"):
        log_call(ws, hcp_id, Channel.EMAIL, days_ago=3)
    ws.segment_hints.refit()
    second = {h: m.top(1)[0][0] for h, m in ws.segments.all_mixes().items()}
    same = sum(first[h] == second[h] for h in first) / len(first)
    assert same > 0.97


def test_hint_shows_top_two_segments_with_evidence(demo_workspace: Workspace) -> None:
    hint = demo_workspace.segment_hints.for_hcp("hcp-00001")
    assert hint.source == "estimate"
    assert len(hint.top) == 2 and hint.top[0][1] >= hint.top[1][1]
    assert 0.0 < hint.confidence <= 1.0
    assert hint.evidence[0].startswith(hint.top[0][0].name)
    assert "contacts" in hint.evidence[0]
    assert hint.top[0][0].tips  # messaging tips travel with the segment


def test_rep_correction_wins_over_refit_and_syncs(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    hint = ws.segment_hints.correct("hcp-00001", {"digital_first": 3, "evidence_seeker": 1}).value
    assert hint.source == "rep"
    assert hint.top[0][0].id == "digital_first" and hint.top[0][1] == pytest.approx(0.75)
    ws.segment_hints.refit()
    again = ws.segment_hints.for_hcp("hcp-00001")
    assert again.source == "rep" and again.mix.weights == hint.mix.weights
    pending = [m for m in ws.pending_mutations() if m.entity == "segment_mix"]
    assert pending and pending[-1].fields["source"] == "rep"


def test_server_mix_is_never_overwritten_by_a_refit(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    with ws.store.write() as conn:
        conn.execute(
            insert(hcp_segment_mix).values(
                hcp_id="hcp-00002",
                weights={"access_restricted": 1.0},
                confidence=0.9,
                source="server",
                evidence=["Set by sales ops"],
            )
        )
    ws.segment_hints.refit()
    hint = ws.segment_hints.for_hcp("hcp-00002")
    assert hint.source == "server" and hint.mix.weights == {"access_restricted": 1.0}


def test_refit_reports_progress_and_honours_cancel(demo_workspace: Workspace) -> None:
    seen: list[float] = []
    token = CancelToken()

    def progress(_message: str, fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0.3:
            token.cancel()

    with pytest.raises(Cancelled):
        demo_workspace.segment_hints.refit(progress=progress, cancel=token)
    assert seen and seen == sorted(seen)
    assert demo_workspace.segments.all_mixes() == {}


def test_a_company_without_a_segment_catalogue_gets_hints_not_a_crash(
    workspace: Workspace,
) -> None:
    """A company that loaded products, messages and contact rules but no segments: the
    HCP page raised IndexError once an HCP had three contacts (a new user's first
    realigned HCP came with three)."""
    from fieldrep.domain.hcp import Hcp

    workspace.hcps.upsert_many(
        [Hcp("H-1", "X1", "ALICE MARTIN", "CARDIOLOGY", "", "", "SOUTH", title="DR")]
    )
    for days in (1, 9, 30):
        log_call(workspace, "H-1", Channel.VISIT, days_ago=days)
    assert workspace.segments.catalogue() == []  # nothing loaded, nothing built in
    hint = workspace.segment_hints.for_hcp("H-1")
    assert hint.evidence[-1] == "Based on 3 contacts on record."
    profile = workspace.profiles.hcp_profile("H-1")
    assert len(profile.calls) == 3
