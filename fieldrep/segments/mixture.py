"""A grade-of-membership (mixed-membership) model over contact history.

Each HCP n has weights w_n over K segments; each segment k has a distribution over
channels (beta_k) and over message themes (theta_k). A contact's channel is drawn from
sum_k w_nk beta_k, its message theme from sum_k w_nk theta_k. This is the model the
history really follows (a rep adapts channel and message to a person who is partly one
type, partly another), unlike a Gaussian mixture, whose `predict_proba` says which
*single* cluster a point came from and so pushes mixed HCPs to 0/1.

Fitting is EM, vectorised over all HCPs (a few ms for 2,000). Components are anchored
to the catalogue profiles by a strong Dirichlet prior and re-matched to them with the
cheapest one-to-one assignment after each refit, so "evidence_seeker" keeps meaning
the same thing from one refit to the next. See docs/segments.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import permutations

import numpy as np

from fieldrep.segments.profiles import FloatArray, SegmentProfiles
from fieldrep.tasks import CancelToken, Progress, check, report

PRIOR_WEIGHT = 0.2  # Dirichlet pseudo-count per segment on an HCP's weights
ANCHOR_STRENGTH = 150.0  # pseudo-contacts tying a refitted profile to the catalogue's
EPS = 1e-12
# Trying every order costs K! sums: 120 for the catalogue's 5 segments, 40,320 (a few ms)
# for 8. Past that a real Hungarian solver would be needed, and so would a bigger catalogue.
MAX_MATCHED_SEGMENTS = 8


@dataclass(frozen=True)
class MixEstimate:
    weights: FloatArray  # N x K, rows sum to 1
    confidence: FloatArray  # N, in [0, 1]
    channel_soft: FloatArray  # K x C: territory contacts attributed to each segment
    theme_soft: FloatArray  # K x T


def _explained(
    w: FloatArray, counts: FloatArray, profile: FloatArray, norm: FloatArray | None = None
) -> tuple[FloatArray, ...]:
    """E-step for one view without the N x K x V tensor.

    Returns (per HCP and segment: observations explained, N x K) and (per segment and
    column: observations explained across the territory, K x V). `norm` (N x K) is each
    segment's share of the columns open to the HCP, when some are closed (no consent).
    """
    scaled = w if norm is None else w / np.maximum(norm, EPS)
    ratio = counts / np.maximum(scaled @ profile, EPS)  # N x V
    return scaled * (ratio @ profile.T), profile * (scaled.T @ ratio)


def estimate_weights(
    channel_counts: FloatArray,
    theme_counts: FloatArray,
    channel_profile: FloatArray,
    theme_profile: FloatArray,
    *,
    iterations: int = 40,
    tolerance: float = 1e-3,
    channel_open: np.ndarray | None = None,
) -> MixEstimate:
    """Posterior-mean weights per HCP with the profiles held fixed.

    `channel_open` (N x C booleans, e.g. consents) says which channels could have been
    used at all: a segment is judged only on its preference among those, so an HCP
    who never consented to email is not taken for a non-email type.
    """
    n, k = channel_counts.shape[0], channel_profile.shape[0]
    w = np.full((n, k), 1.0 / k)
    alpha = np.full((n, k), PRIOR_WEIGHT)
    soft_c, soft_t = np.zeros_like(channel_profile), np.zeros_like(theme_profile)
    norm = None if channel_open is None else channel_open.astype(np.float64) @ channel_profile.T
    for _ in range(iterations):
        per_c, soft_c = _explained(w, channel_counts, channel_profile, norm)
        per_t, soft_t = _explained(w, theme_counts, theme_profile)
        alpha = PRIOR_WEIGHT + per_c + per_t
        new = alpha / alpha.sum(axis=1, keepdims=True)
        done = float(np.abs(new - w).max(initial=0.0)) < tolerance
        w = new
        if done:  # every HCP has settled; later rounds would not move a weight visibly
            break
    total = alpha.sum(axis=1, keepdims=True)
    variance = alpha * (total - alpha) / (total**2 * (total + 1))
    # 1 - twice the posterior spread: ~0 with no history, ~0.8 after a dozen contacts.
    confidence = np.clip(1.0 - 2.0 * np.sqrt(variance.sum(axis=1)), 0.0, 1.0)
    return MixEstimate(w, confidence, soft_c, soft_t)


def cheapest_assignment(cost: FloatArray) -> list[int]:
    """For each row of a square cost matrix, its column in the one-to-one assignment of
    least total cost (what scipy's `linear_sum_assignment` returns as `col_ind`).

    Brute force over every permutation, for the handful of segments in a catalogue; of
    equally cheap assignments, the first in lexicographic order wins.
    """
    k = cost.shape[0]
    if cost.shape != (k, k) or k > MAX_MATCHED_SEGMENTS:
        raise ValueError(f"expected a square cost matrix of at most 8 rows, got {cost.shape}")
    orders = np.array(list(permutations(range(k))), dtype=np.intp).reshape(-1, k)
    totals = cost[np.arange(k), orders].sum(axis=1)
    return [int(c) for c in orders[int(np.argmin(totals))]]


def match_to_catalogue(fitted: SegmentProfiles, catalogue: SegmentProfiles) -> list[int]:
    """For each catalogue segment, the fitted component that matches it (least total L1)."""
    cost = np.abs(catalogue.channels[:, None, :] - fitted.channels[None, :, :]).sum(axis=2)
    cost += np.abs(catalogue.themes[:, None, :] - fitted.themes[None, :, :]).sum(axis=2)
    return cheapest_assignment(cost)


def refit_profiles(
    channel_counts: FloatArray,
    theme_counts: FloatArray,
    catalogue: SegmentProfiles,
    *,
    start: SegmentProfiles | None = None,
    rounds: int = 8,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> SegmentProfiles:
    """Re-estimate the segment profiles from the territory, anchored to the catalogue.

    `start` (default: the catalogue) is where EM begins; whatever order its components
    come in, the result is returned in catalogue order, so labels never swap.
    """
    begin = start or catalogue
    order = match_to_catalogue(begin, catalogue)
    beta, theta = begin.channels[order].copy(), begin.themes[order].copy()
    for step in range(rounds):
        check(cancel)
        report(progress, "Refining segment profiles", step / rounds)
        est = estimate_weights(channel_counts, theme_counts, beta, theta, iterations=15)
        beta = ANCHOR_STRENGTH * catalogue.channels + est.channel_soft
        theta = ANCHOR_STRENGTH * catalogue.themes + est.theme_soft
        beta /= beta.sum(axis=1, keepdims=True)
        theta /= theta.sum(axis=1, keepdims=True)
        # Re-anchor each round: a component that drifted towards another label is moved
        # back to the catalogue row it now resembles before the next round's prior.
        fitted = SegmentProfiles(catalogue.segment_ids, beta, theta)
        order = match_to_catalogue(fitted, catalogue)
        beta, theta = beta[order], theta[order]
    return SegmentProfiles(catalogue.segment_ids, beta, theta)
