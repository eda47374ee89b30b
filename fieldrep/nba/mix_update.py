"""Learning an HCP's segment mix from outcomes and the rep's dismissals.

The stored mix (estimated from which channels and themes the HCP's contacts used, or set
by the server or the rep) is a prior. What happened since says more: an HCP whose visits
keep going nowhere and whose rep says "wrong channel" for visits is more likely the
access-restricted kind than the stored mix says, and that shifts every channel and theme
for that HCP, not just visits.

The posterior is computed on a fixed grid of candidate mixes (pure segments and
main-plus-second blends), vectorised over all HCPs:

    log post(g) = conc x sum_k w_k log g_k                      (the stored mix as a prior)
                + outcome_weight x sum_c [pos log r_gc + fail log(1 - r_gc)]   (channels)
                + outcome_weight x sum_t [...]                                   (themes)
                + dismiss_weight x sum_c wrong_channel failures x log(1 - r_gc)
                + dismiss_weight x sum_t wrong_message failures x log(1 - r_gt)

with r_g = g @ (learned segment rates). The new mix is the stored mix moved by the
difference between the posterior and prior means over the grid, so an HCP without any
outcome or dismissal keeps exactly its stored mix.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from fieldrep.segments.profiles import FloatArray

MAIN_SHARES = (0.55, 0.7, 0.85)
FLOOR = 0.02  # every grid mix keeps a little of each segment (log stays finite)


@lru_cache(maxsize=8)
def mix_grid(k: int) -> FloatArray:
    """G x K candidate mixes: uniform, pure segments and (main, second) blends."""
    rows = [np.full(k, 1.0 / k)]
    for a in range(k):
        pure = np.zeros(k)
        pure[a] = 1.0
        rows.append(pure)
        for b in range(k):
            if a == b:
                continue
            for share in MAIN_SHARES:
                blend = np.zeros(k)
                blend[a], blend[b] = share, 1.0 - share
                rows.append(blend)
    grid = np.array(rows) + FLOOR
    return np.asarray(grid / grid.sum(axis=1, keepdims=True))


def _softmax(x: FloatArray) -> FloatArray:
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return np.asarray(z / z.sum(axis=1, keepdims=True))


def _bernoulli(pos: FloatArray, fail: FloatArray, rates: FloatArray) -> FloatArray:
    """N x G log-likelihood of pos/fail counts (N x V) under each grid mix's rates (G x V)."""
    # Contiguous V x G operands: numpy's matmul with a transposed view was ~200x slower.
    r = np.ascontiguousarray(np.clip(rates, 1e-4, 1 - 1e-4).T)
    return np.asarray(_c(pos) @ np.log(r) + _c(fail) @ np.log(1 - r))


def _c(a: FloatArray) -> FloatArray:
    return np.ascontiguousarray(a, dtype=np.float64)


def updated_mix(
    weights: FloatArray,
    concentration: FloatArray,
    *,
    channel_rates: FloatArray,
    theme_rates: FloatArray,
    channel_counts: tuple[FloatArray, FloatArray],
    theme_counts: tuple[FloatArray, FloatArray],
    channel_dismissals: FloatArray,
    theme_dismissals: FloatArray,
    outcome_weight: float,
    dismiss_weight: float,
) -> FloatArray:
    """Posterior-updated N x K mixes (see the module docstring).

    `channel_rates` (K x C) and `theme_rates` (K x T) are each segment's learned rates of
    good outcomes; `*_counts` are (positive, total) N x V arrays; `channel_dismissals`
    (N x C) and `theme_dismissals` (N x T) the pseudo-failures the rep's "wrong channel"
    and "wrong message" / "not relevant" dismissals stand for.
    """
    grid = mix_grid(weights.shape[1])
    log_grid = np.ascontiguousarray(np.log(grid).T)  # K x G
    prior = concentration[:, None] * (_c(weights) @ log_grid)  # N x G
    cpos, cn = channel_counts
    tpos, tn = theme_counts
    rc, rt = grid @ channel_rates, grid @ theme_rates
    evidence = outcome_weight * (
        _bernoulli(cpos, cn - cpos, rc) + _bernoulli(tpos, tn - tpos, rt)
    ) + dismiss_weight * (
        _bernoulli(np.zeros_like(channel_dismissals), channel_dismissals, rc)
        + _bernoulli(np.zeros_like(theme_dismissals), theme_dismissals, rt)
    )
    moved = (_softmax(prior + evidence) - _softmax(prior)) @ grid
    new = np.clip(weights + moved, 0.0, None)
    return np.asarray(new / np.maximum(new.sum(axis=1, keepdims=True), 1e-12))
