"""The logistic link the scorer and the learning share."""

from __future__ import annotations

import numpy as np

from fieldrep.segments.profiles import FloatArray

CLIP = 1e-4


def logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, CLIP, 1 - CLIP)
    return np.asarray(np.log(q / (1 - q)))


def sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))
