"""Interest in use cases (ODD 7.5): how likely each role finds each use case interesting.

The base levels are Figure 5's, one per role; interest moves with Business's enthusiasm (the
hype cycle, Figure 7), centred on 0.5 where the base is returned, and with what each use case
delivered where the firm tried it (its experience, Figure 8).  The firm's interest is the mean
of its two roles'.  ``interest_shift`` is the move away from the base on the logit scale,
for one firm and use case; ``firm_interest_in`` is the rule for one firm and use case (set-up
and the portfolio use it); the vectorised functions below serve the reporters (through
``interest_shift``), the simulated survey and the agents.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..codes import DEPLOYED
from ..params import Params
from .compiled import per_firm
from .constants import derived, logit


@per_firm
def interest_shift(i, j, enthusiasm, uc_experience, interest_enthusiasm_effect,
                   interest_experience_effect):  # fmt: skip
    """How far firm i's interest in use case j lies from Figure 5's base level, on the logit
    scale (the same for both roles): ``interest_enthusiasm_effect`` * (enthusiasm - 0.5) +
    ``interest_experience_effect`` * experience.  A role's interest is
    logistic(logit(base) + shift)."""
    return interest_enthusiasm_effect * (enthusiasm[i] - 0.5) + (
        interest_experience_effect * uc_experience[i, j]
    )


@per_firm
def firm_interest_in(i, j, enthusiasm, uc_experience, logit_technique, logit_business,
                     interest_enthusiasm_effect, interest_experience_effect):  # fmt: skip
    """Interest of firm i in use case j: the mean of its two roles' (see ``interest_from``)."""
    x = interest_shift(i, j, enthusiasm, uc_experience, interest_enthusiasm_effect,
                       interest_experience_effect)  # fmt: skip
    return 0.5 * (
        1.0 / (1.0 + np.exp(-(logit_technique[j] + x)))
        + 1.0 / (1.0 + np.exp(-(logit_business[j] + x)))
    )


def interest_from(
    enthusiasm: np.ndarray, experience: np.ndarray, params: Params, *role_bases: tuple[float, ...]
) -> np.ndarray:
    """Probability that a role finds each use case interesting, for given enthusiasm (n,) and
    experience (n, 6) arrays: (n, 6) float32 for one role's base levels (Figure 5), an array
    (roles, n, 6) for several."""
    bases = logit(np.asarray(role_bases, dtype=np.float64))
    x = np.empty((len(role_bases), *experience.shape), dtype=np.float32)
    _interest_logits(
        enthusiasm, experience, bases, params.interest_enthusiasm_effect,
        params.interest_experience_effect, x,
    )  # fmt: skip
    _sigmoid(x)
    return x[0] if len(role_bases) == 1 else x


def interest_sums(
    enthusiasm: np.ndarray, experience: np.ndarray, stage: np.ndarray, params: Params
) -> np.ndarray:
    """Sums of each role's interest over all firms (row 0) and over deployed or scaled firms
    (row 1), (2, 12) float64: columns 0-5 Technique's by UseCase, 6-11 Business's.

    For the reporters, every month: the logistic is taken as 1/2 + tanh(x/2)/2, so that one
    vectorised numpy pass (float32 tanh) does the transcendental work and a compiled loop
    adds up; the interest of each firm is never stored.
    """
    half = np.empty((experience.shape[0], 2 * experience.shape[1]), dtype=np.float32)
    _interest_half_logits(
        enthusiasm, experience, derived(params).logit_both, params.interest_enthusiasm_effect,
        params.interest_experience_effect, half,
    )  # fmt: skip
    np.tanh(half, out=half)
    return _logistic_sums(half, stage)


@njit(cache=True)
def _interest_logits(enthusiasm, experience, bases, k_enthusiasm, k_experience, out):
    """Each role's logit of interest, (roles, n, m) float32.

    Not written with ``interest_shift``: this sum has always been taken as (base +
    enthusiasm's shift) + experience's, the compiled rules' as base + (enthusiasm's +
    experience's); the two can differ in the last bit, and the simulated survey's answers
    rest on this one (a refactor keeps them bit for bit)."""
    n, m = experience.shape
    for r in range(bases.shape[0]):
        for i in range(n):
            shift = k_enthusiasm * (enthusiasm[i] - 0.5)
            for j in range(m):
                out[r, i, j] = bases[r, j] + shift + k_experience * experience[i, j]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, in place on ``x`` (numpy's SIMD exp: 7x faster than
    scipy.special.expit on float32 here)."""
    np.negative(x, out=x)
    np.exp(x, out=x)
    x += np.float32(1.0)
    return np.reciprocal(x, out=x)


@njit(cache=True)
def _interest_half_logits(enthusiasm, experience, bases, k_enthusiasm, k_experience, out):
    """Half the logit of each role's interest, Technique's then Business's side by side."""
    n, m = experience.shape
    for i in range(n):
        for j in range(m):
            x = interest_shift(i, j, enthusiasm, experience, k_enthusiasm, k_experience)
            out[i, j] = 0.5 * (bases[0, j] + x)
            out[i, m + j] = 0.5 * (bases[1, j] + x)


@njit(cache=True)
def _logistic_sums(tanh_half, stage):
    """Column sums of 1/2 + tanh/2 over all firms and over deployed or scaled firms."""
    n, m = tanh_half.shape
    sums = np.zeros((2, m))
    n_mature = 0
    for i in range(n):
        mature = stage[i] >= DEPLOYED
        n_mature += mature
        for c in range(m):
            t = tanh_half[i, c]
            sums[0, c] += t
            if mature:
                sums[1, c] += t
    for c in range(m):
        sums[0, c] = 0.5 * n + 0.5 * sums[0, c]
        sums[1, c] = 0.5 * n_mature + 0.5 * sums[1, c]
    return sums
