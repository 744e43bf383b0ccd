"""The likelihood of the study's figures given the model's simulated survey.

Components (each a log-likelihood, tested against ``scipy.stats``):

- ``binomial`` (default for a proportion): the study's weighted share ``p`` on its effective
  base ``n_eff = n / deff`` (design effect 1.3, an assumption recorded in targets.toml), seen
  as ``k = p * n_eff`` successes out of ``n_eff`` trials with the model's share ``q``.
  Fractional counts use the gamma-function form, which equals ``scipy.stats.binom.logpmf``
  for whole counts.
- ``beta_binomial`` (optional for proportions): the same with over-dispersion ``phi``: the
  model's share is itself uncertain (the model's own noise and its structural error).
- ``dirichlet_multinomial`` for the stage distribution of all respondents (not engaged,
  planned, in progress, in place: 52/19/14/15% from the three nested shares 48%, 29%, 15%);
  replaces the three binomials so the same respondents are not counted three times.
- ``normal`` for the gain means: standard error ``se = cv * value / sqrt(n_eff)`` with
  ``cv = 1`` (assumption: a respondent-level spread equal to the mean, usual for skewed
  non-negative percent answers; the study prints no dispersion).
- ``hinge`` penalties for bounds and orderings: ``-(shortfall / scale)^2 / 2``, scale 2
  points (assumption): zero when the statement holds, smooth when it almost does.

The loss minimised by the fit is the weighted deviance ``2 * (loglik(saturated) -
loglik(model))``, 0 when the model reproduces every figure exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import gammaln

from . import targets as tg

STAGE_TARGETS = ("engaged_share", "in_place_or_in_progress_share", "in_place_share")
"""Nested shares of all respondents that make the stage distribution (Figure 1, text p.2)."""

EPS = 1e-6
HINGE_SCALE = 0.02
"""Scale of the bound and ordering penalties: 2 points of share (assumption)."""


def _clip(q: np.ndarray | float) -> np.ndarray:
    return np.clip(np.asarray(q, dtype=np.float64), EPS, 1.0 - EPS)


def binomial_loglik(p: float, n: float, q: np.ndarray | float) -> np.ndarray:
    """log P(k = p n successes in n trials | success probability q), fractional n allowed."""
    k = p * n
    q = _clip(q)
    log_choose = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    return log_choose + k * np.log(q) + (n - k) * np.log1p(-q)


def beta_binomial_loglik(p: float, n: float, q: np.ndarray | float, phi: float) -> np.ndarray:
    """Beta-binomial log-likelihood: k = p n out of n with success probability ~ Beta(q phi,
    (1 - q) phi); ``phi`` large tends to the binomial."""
    k = p * n
    q = _clip(q)
    a, b = q * phi, (1.0 - q) * phi
    log_choose = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    log_beta = gammaln(k + a) + gammaln(n - k + b) - gammaln(n + a + b)
    log_beta0 = gammaln(a) + gammaln(b) - gammaln(a + b)
    return log_choose + log_beta - log_beta0


def dirichlet_multinomial_loglik(
    counts: np.ndarray, probs: np.ndarray, concentration: float
) -> float:
    """Dirichlet-multinomial log-likelihood of (possibly fractional) ``counts`` given the
    model's category probabilities and a concentration (alpha = probs * concentration)."""
    counts = np.asarray(counts, dtype=np.float64)
    alpha = _clip(np.asarray(probs, dtype=np.float64)) * concentration
    n = counts.sum()
    return float(
        gammaln(alpha.sum())
        + gammaln(n + 1)
        - gammaln(n + alpha.sum())
        + np.sum(gammaln(counts + alpha) - gammaln(alpha) - gammaln(counts + 1))
    )


def normal_loglik(x: float, mean: np.ndarray | float, se: float) -> np.ndarray:
    """Normal log-density of the study's mean ``x`` around the model's ``mean``."""
    z = (x - np.asarray(mean, dtype=np.float64)) / se
    return -0.5 * z * z - np.log(se) - 0.5 * np.log(2 * np.pi)


def hinge_penalty(shortfall: np.ndarray | float, scale: float = HINGE_SCALE) -> np.ndarray:
    """``-(max(shortfall, 0) / scale)^2 / 2``: 0 when a bound or ordering holds."""
    s = np.maximum(np.asarray(shortfall, dtype=np.float64), 0.0) / scale
    return -0.5 * s * s


@dataclass(frozen=True)
class LikelihoodSettings:
    """How targets enter the likelihood (all documented assumptions, see module docstring).

    ``weights`` maps target ids to a weight (default 1; 0 drops a target); ``proportion``
    is "binomial" or "beta_binomial" (with ``phi``); ``stage_concentration`` is the
    Dirichlet-multinomial's (large = multinomial).
    """

    deff: float = 1.3
    mean_cv: float = 1.0
    proportion: str = "binomial"
    phi: float = 200.0
    stage_concentration: float = 500.0
    weights: Mapping[str, float] | None = None

    def weight(self, target_id: str) -> float:
        return 1.0 if self.weights is None else float(self.weights.get(target_id, 1.0))


def _proportion_loglik(t: tg.Target, q: float, s: LikelihoodSettings) -> float:
    n_eff = t.n_eff(s.deff)
    if s.proportion == "beta_binomial":
        return float(beta_binomial_loglik(t.value, n_eff, q, s.phi))
    return float(binomial_loglik(t.value, n_eff, q))


def _mean_se(t: tg.Target, s: LikelihoodSettings) -> float:
    return s.mean_cv * abs(t.value) / np.sqrt(t.n_eff(s.deff))


def component_logliks(
    simulated: pd.DataFrame,
    targets: Sequence[tg.Target],
    settings: LikelihoodSettings | None = None,
) -> pd.DataFrame:
    """Log-likelihood of each target (and of the stage distribution) given the simulated
    survey (``survey.ask`` output, one row per id), with its saturated value.

    Columns: ``id, component, weight, loglik, saturated``.  Targets the model cannot speak
    to (NaN value) and validation targets are left out.
    """
    s = settings or LikelihoodSettings()
    model = simulated.set_index("id")["value"]
    rows = []
    stage = [t for t in targets if t.id in STAGE_TARGETS and t.use == "calibration"]
    use_dm = len(stage) == len(STAGE_TARGETS)
    for t in targets:
        if t.use != "calibration" or s.weight(t.id) == 0.0:
            continue
        if use_dm and t.id in STAGE_TARGETS:
            continue
        q = model.get(t.id, np.nan)
        if not np.isfinite(q):
            continue
        if t.kind == "proportion":
            ll = _proportion_loglik(t, q, s)
            sat = _proportion_loglik(t, t.value, s)
            comp = s.proportion
        elif t.kind == "mean":
            se = _mean_se(t, s)
            ll = float(normal_loglik(t.value, q, se))
            sat = float(normal_loglik(t.value, t.value, se))
            comp = "normal"
        elif t.kind == "bound":
            shortfall = t.value - q if t.bound == "lower" else q - t.value
            ll, sat, comp = float(hinge_penalty(shortfall)), 0.0, "hinge"
        else:  # ordering: the simulated value is greater - lesser
            ll, sat, comp = float(hinge_penalty(-q)), 0.0, "hinge"
        rows.append((t.id, comp, s.weight(t.id), ll, sat))
    if use_dm:
        by_id = {t.id: t for t in stage}
        counts, probs = stage_distribution(by_id, model, s.deff)
        if np.all(np.isfinite(probs)):
            ll = dirichlet_multinomial_loglik(counts, probs, s.stage_concentration)
            sat = dirichlet_multinomial_loglik(counts, counts / counts.sum(), s.stage_concentration)
            w = np.mean([s.weight(i) for i in STAGE_TARGETS])
            rows.append(("stage_distribution", "dirichlet_multinomial", w, ll, sat))
    return pd.DataFrame(rows, columns=["id", "component", "weight", "loglik", "saturated"])


def stage_distribution(
    by_id: Mapping[str, tg.Target], model: pd.Series, deff: float
) -> tuple[np.ndarray, np.ndarray]:
    """Study counts (effective) and model probabilities over not engaged / planned / in
    progress / in place, from the three nested shares."""
    e, a, p = (by_id[i].value for i in STAGE_TARGETS)
    study = np.array([1 - e, e - a, a - p, p])
    me, ma, mp = (float(model.get(i, np.nan)) for i in STAGE_TARGETS)
    sim = np.array([1 - me, me - ma, ma - mp, mp])
    n_eff = by_id["engaged_share"].n_eff(deff)
    return study * n_eff, np.clip(sim, EPS, 1.0)


def deviance(
    simulated: pd.DataFrame,
    targets: Sequence[tg.Target],
    settings: LikelihoodSettings | None = None,
) -> float:
    """Weighted deviance 2 * sum w (saturated - loglik): the fit's loss (0 is perfect)."""
    comps = component_logliks(simulated, targets, settings)
    return float(2.0 * np.sum(comps.weight * (comps.saturated - comps.loglik)))
