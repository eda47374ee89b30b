"""What an HCP's other messages say about a message: multivariate empirical Bayes.

Beyond the theme and product the scorer already reads, how an HCP takes a message is a
matter of hidden attitudes that no catalogue segment names, so messages that appeal to
the same attitude go well (or badly) with the same HCPs. Learning each (HCP, message) on
its own needs outcomes on that very message, and an HCP gets a handful of calls a year.

Here each HCP's message effects are a vector e_i ~ N(0, S) over the M messages, with the
M x M covariance S estimated from the territory itself (method of moments on every HCP's
outcome residuals, the sampling noise taken out, projected to a valid covariance). For
each HCP and message the term is the best linear prediction of e_im from the HCP's
outcomes on its *other* messages (leave that message out, so its own outcomes can be
pooled on top without being counted twice). A world where messages do not move together
estimates S ~ 0 and the term vanishes, as `residuals.eb_shift` does for one group.
"""

from __future__ import annotations

import numpy as np

from fieldrep.segments.profiles import FloatArray

UNSEEN = 1e6  # sampling variance of a cell without outcomes: it informs nothing
MIN_INFO = 0.05  # Fisher information below which a cell counts as unseen


def cell_residuals(
    hcp: np.ndarray,
    message: np.ndarray,
    weight: FloatArray,
    positive: FloatArray,
    offset: FloatArray,
    *,
    shape: tuple[int, int],
) -> tuple[FloatArray, FloatArray]:
    """Per (HCP, message): the logit residual of its outcomes against the offsets (one
    Newton step from 0) and its sampling variance (UNSEEN without outcomes)."""
    p = 1 / (1 + np.exp(-offset))
    resid, info = np.zeros(shape), np.zeros(shape)
    np.add.at(resid, (hcp, message), positive - weight * p)
    np.add.at(info, (hcp, message), weight * p * (1 - p))
    seen = info > MIN_INFO
    z = np.where(seen, resid / np.where(seen, info, 1.0), 0.0)
    var = np.where(seen, 1 / np.where(seen, info, 1.0), UNSEEN)
    return z, var


def message_covariance(z: FloatArray, var: FloatArray, pair_strength: float) -> FloatArray:
    """M x M covariance of the HCPs' true message effects: cross products of residuals
    where an HCP has both messages, each residual weighted by its precision (weights
    scaled so a typical cell weighs 1) and shrunk to 0 with `pair_strength` pseudo-HCPs;
    the diagonal less the sampling noise; then clipped to a valid covariance. Two
    passes: the first, unweighted, gives the effects' scale the weights need."""
    seen = var < UNSEEN
    level = np.zeros(z.shape[1])
    cov = np.zeros((z.shape[1], z.shape[1]))
    for _ in range(2):
        w = np.where(seen, 1 / (level[None, :] + np.where(seen, var, 1.0)), 0.0)
        w = w / max(float(w[seen].mean()), 1e-12) if seen.any() else w
        cov = (z * w).T @ (z * w) / (w.T @ w + pair_strength)
        w2 = w**2
        noise = (w2 * np.where(seen, var, 0.0)).sum(axis=0)
        diag = np.maximum((w2 * z**2).sum(axis=0) - noise, 0.0) / (w2.sum(axis=0) + 1e-12)
        np.fill_diagonal(cov, diag)
        level = diag
    values, vectors = np.linalg.eigh(cov)
    return np.asarray((vectors * np.maximum(values, 0.0)) @ vectors.T)


def leave_one_out(z: FloatArray, var: FloatArray, cov: FloatArray) -> FloatArray:
    """N x M: each HCP's effect on each message predicted from its other messages only
    (Gaussian conditioning; the closed-form leave-one-out of the joint fit)."""
    n, m = z.shape
    k = cov[None, :, :] + var[:, :, None] * np.eye(m)[None, :, :]
    k_inv = np.linalg.inv(k)
    alpha = np.einsum("nij,nj->ni", k_inv, z)
    diag = np.einsum("nii->ni", k_inv)
    return np.asarray(z - alpha / diag)


def message_factors(
    hcp: np.ndarray,
    message: np.ndarray,
    weight: FloatArray,
    positive: FloatArray,
    offset: FloatArray,
    *,
    shape: tuple[int, int],
    usable: np.ndarray | None = None,
    pair_strength: float = 20.0,
) -> FloatArray:
    """N x M logit: what each HCP's outcomes on its other messages predict for each
    message (the calls: `hcp`, `message`, discounted `weight` and `positive`, and the
    scorer's `offset` logit for each), centred on each HCP's mean over the messages it
    may get (`usable`, N x M): the term chooses among messages; how well an HCP answers
    in general is the channel history's to learn, and must not be counted twice."""
    n, m = shape
    if n == 0 or m < 2 or len(hcp) == 0:
        return np.zeros(shape)
    z, var = cell_residuals(hcp, message, weight, positive, offset, shape=shape)
    cov = message_covariance(z, var, pair_strength)
    if not np.any(cov):
        return np.zeros(shape)
    out = leave_one_out(z, var, cov)
    if usable is None:
        return out
    mean = (out * usable).sum(axis=1) / np.maximum(usable.sum(axis=1), 1)
    return np.asarray(np.where(usable, out - mean[:, None], 0.0))
