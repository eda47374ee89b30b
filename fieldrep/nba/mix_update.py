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


def _logs(rates: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log r and log(1 - r) as V x G tables for each grid mix's rates (G x V)."""
    r = np.clip(rates, 1e-4, 1 - 1e-4).T
    return np.log(r), np.log(1 - r)


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
    cpos, cn = channel_counts
    tpos, tn = theme_counts
    log_rc, log_fc = _logs(grid @ channel_rates)
    log_rt, log_ft = _logs(grid @ theme_rates)
    prior_x = concentration[:, None] * weights
    # One matmul for the prior and every piece of evidence: [counts...] @ [log tables...].
    # (Contiguous operands: a matmul with a transposed view was ~200x slower.)
    x = np.hstack(
        [
            prior_x,
            outcome_weight * cpos,
            outcome_weight * (cn - cpos),
            outcome_weight * tpos,
            outcome_weight * (tn - tpos),
            dismiss_weight * channel_dismissals,
            dismiss_weight * theme_dismissals,
        ]
    )
    tables = np.ascontiguousarray(
        np.vstack([np.log(grid).T, log_rc, log_fc, log_rt, log_ft, log_fc, log_ft])
    )
    prior = np.ascontiguousarray(prior_x) @ tables[: weights.shape[1]]  # N x G
    moved = (_softmax(x @ tables) - _softmax(prior)) @ grid
    new = np.clip(weights + moved, 0.0, None)
    return np.asarray(new / np.maximum(new.sum(axis=1, keepdims=True), 1e-12))
