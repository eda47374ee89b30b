"""How the rep has chosen to reach each HCP: a revealed preference, learned per HCP.

Reps reach an HCP the way that works with them, so the share of the rep's own calls on
each channel (calls not made on the engine's suggestion: those would only echo the
engine) against the territory's share among the channels the HCP consents to says
something about the HCP beyond the segment mix. The shift is

    usage_gain * log(own share / territory share),  own share pooled with `usage_strength`
    pseudo-calls at the territory share,

0 for an HCP with no such calls. It is a prior, so the HCP's outcomes still decide.
"""

from __future__ import annotations

import numpy as np

from fieldrep.nba.config import NbaConfig
from fieldrep.nba.features import Territory
from fieldrep.segments.profiles import CHANNELS, FloatArray

# call_rows columns (segments.history.ContactHistory.call_rows)
_ROW, _CHANNEL, _SUGGESTED = 0, 1, 5


def usage_shift(t: Territory, config: NbaConfig) -> FloatArray:
    """N x C logit shift from the rep's own channel choices (0 when `usage_gain` is 0)."""
    c_count = len(CHANNELS)
    out = np.zeros((t.n, c_count))
    calls = t.history.call_rows
    if config.usage_gain == 0 or calls.shape[0] == 0 or t.n == 0:
        return out
    own = calls[calls[:, _SUGGESTED] < 0.5]
    used = np.zeros((t.n, c_count))
    np.add.at(used, (own[:, _ROW].astype(np.int64), own[:, _CHANNEL].astype(np.int64)), 1.0)
    total = used.sum(axis=0)
    if total.sum() <= 0:
        return out
    consent = t.consent.astype(np.float64) if t.consent.shape == out.shape else np.ones_like(out)
    share = np.maximum(total / total.sum(), 1e-3)[None, :] * consent
    share = share / np.maximum(share.sum(axis=1, keepdims=True), 1e-12)
    n = used.sum(axis=1, keepdims=True)
    k = config.usage_strength
    pooled = (used + k * share) / (n + k)
    shift = np.log(np.maximum(pooled, 1e-6) / np.maximum(share, 1e-6))
    return np.asarray(np.where((share > 0) & (n > 0), config.usage_gain * shift, 0.0))
