"""An emulator of the model's quantities, and the screen that picks the parameters the data
can inform (issue 13: the sampler needs millions of likelihood evaluations; the model gives
about 25 runs a second on this 2-core machine).

Why an emulator.  A posterior over ~50 parameters needs ~10^6 likelihood evaluations; the
model cannot give that many in an hour, an emulator can (a product of matrices).  The
emulator's own error is not hidden: it is measured by leave-one-out cross-validation on the
design runs and added to the model's variance in the likelihood, so an emulator that knows
little widens the posterior rather than narrowing it.  The design runs each have their own
seed and draw every parameter the fit does not move from its prior, so the leave-one-out
error also holds the model's stochastic noise and the effect of those parameters: the
likelihood it enters is a synthetic likelihood in the sense of Wood (2010), with an
emulated mean and a measured variance.

The emulator.  Each quantity, on a scale where a quadratic fits well (the logit of a share,
the log of a gain), is a ridge regression (scikit-learn ``RidgeCV``, one penalty per
quantity chosen by generalised cross-validation) on the linear and squared terms of the
active coordinates ``z`` (see :mod:`~aiadopt.calibration.design`), and the pairwise
products of a chosen few of them (none by default).  History matching refocuses the design
on the region the data allow, wave by wave, where a quadratic is a good local
approximation.

Why no pairwise products by default.  With ~55 active coordinates the full quadratic has
~1,600 terms for 1,500-2,500 training runs.  Measured on the simulation-based calibration's
refits (1,500 training runs): its median leave-one-out R^2 was 0.38 and 0.48 (refits 1 and
5), against 0.73 and 0.79 for the additive quadratic, and 0.70 with the products of the 15
parameters the screen ranks first.  The over-fitted products also make the emulated
likelihood curve along directions the model does not even read: a placebo coordinate
(independent noise) contracted to a posterior sd of about 0.8 (see
:data:`~aiadopt.calibration.posterior.SamplerSettings` ``placebos``).

The screen.  A linear regression of every quantity on every coordinate over the prior
design measures how far one prior standard deviation of a parameter moves each quantity, in
units of the study's sampling error on that figure.  Parameters that move no figure by a
noticeable fraction of its error are left to their priors ("prior-driven"): the data cannot
inform them, and the emulator's error carries their effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import Ridge, RidgeCV

__all__ = ["Emulator", "QuadraticTerms", "ScreenResult", "from_scale", "screen", "to_scale"]

SHARE_CLIP = 1e-4
"""Shares are clipped to [1e-4, 1 - 1e-4] before the logit (a 0 share in a run is a
share below 1 in 10,000 firms, not minus infinity)."""
GAIN_SHIFT = 0.1
"""Gains (percent) are emulated as log(gain + 0.1): a realised gain of 0 stays finite."""
ALPHAS = np.logspace(-4, 3, 15)


def to_scale(values: np.ndarray, is_mean: np.ndarray) -> np.ndarray:
    """Quantities (m, Q) on the emulator's scale: logit of shares, log of gains."""
    v = np.asarray(values, dtype=np.float64)
    out = np.empty_like(v)
    share = ~is_mean
    q = np.clip(v[:, share], SHARE_CLIP, 1 - SHARE_CLIP)
    out[:, share] = np.log(q) - np.log1p(-q)
    out[:, is_mean] = np.log(np.maximum(v[:, is_mean], 0.0) + GAIN_SHIFT)
    return out


def from_scale(y: np.ndarray, is_mean: np.ndarray) -> np.ndarray:
    """Inverse of :func:`to_scale` (an emulator far outside its design is clipped to
    logits and logs of +-30 rather than overflowing)."""
    y = np.clip(y, -30.0, 30.0)
    out = np.empty_like(y)
    out[:, ~is_mean] = 1.0 / (1.0 + np.exp(-y[:, ~is_mean]))
    out[:, is_mean] = np.exp(y[:, is_mean]) - GAIN_SHIFT
    return out


def natural_variance(y: np.ndarray, var_scale: np.ndarray, is_mean: np.ndarray) -> np.ndarray:
    """Variance on the natural scale of an emulated quantity with variance ``var_scale`` on
    the emulator's scale (delta method: the logit's derivative q(1-q), the log's v + 0.1)."""
    v = from_scale(y, is_mean)
    y = np.clip(y, -30.0, 30.0)
    slope = np.where(is_mean, v + GAIN_SHIFT, v * (1.0 - v))
    return slope * slope * var_scale


def _fill_missing(y: np.ndarray) -> np.ndarray:
    """Quantities a run could not give (an empty group): the column's median, so that a
    rare empty group does not drop the run (its error then shows in the emulator's
    leave-one-out error)."""
    y = y.copy()
    med = np.nanmedian(y, axis=0)
    rows, cols = np.nonzero(~np.isfinite(y))
    y[rows, cols] = med[cols]
    return y


class QuadraticTerms:
    """The emulator's terms of the active coordinates (columns of ``z``): each coordinate,
    its square, and the products of the pairs among ``pairs`` (positions in the columns)."""

    def __init__(self, dims: int, pairs: Sequence[int] = ()) -> None:
        self.dims = int(dims)
        self.pairs = tuple(sorted(int(p) for p in pairs))
        if any(not 0 <= p < self.dims for p in self.pairs):
            raise ValueError(f"QuadraticTerms: pairs {self.pairs} outside 0..{self.dims - 1}")
        i, j = np.triu_indices(len(self.pairs), k=1)
        self._left = np.asarray(self.pairs, dtype=int)[i]
        self._right = np.asarray(self.pairs, dtype=int)[j]

    @property
    def size(self) -> int:
        """How many terms."""
        return 2 * self.dims + len(self._left)

    def transform(self, z: np.ndarray) -> np.ndarray:
        """The terms (m, size) of coordinates ``z`` (m, dims)."""
        z = np.atleast_2d(z)
        return np.hstack([z, z * z, z[:, self._left] * z[:, self._right]])


@dataclass
class Emulator:
    """Quadratic ridge emulator of the quantities ``columns`` on the active coordinates."""

    active: tuple[int, ...]
    columns: np.ndarray  # indices of the emulated quantities
    is_mean: np.ndarray  # (len(columns),) bool
    poly: QuadraticTerms
    coef: np.ndarray  # (features, len(columns))
    intercept: np.ndarray
    loo_var: np.ndarray  # (len(columns),) leave-one-out error variance on the emulator scale
    r2: np.ndarray  # (len(columns),) leave-one-out R^2
    n_train: int
    centre: np.ndarray  # mean of the training coordinates
    precision: np.ndarray  # inverse covariance of the training coordinates
    reach: float  # 95th percentile of the training points' squared Mahalanobis distance

    @classmethod
    def fit(cls, z: np.ndarray, values: np.ndarray, is_mean: np.ndarray,
            active: Sequence[int], columns: np.ndarray,
            reach_z: np.ndarray | None = None, pairs: Sequence[int] = ()) -> Emulator:  # fmt: skip
        """Fit on design coordinates ``z`` (m, all) and quantities ``values`` (m, Q).
        ``pairs``: the coordinates (among ``active``) whose pairwise products are terms too.
        ``reach_z``: the coordinates whose spread defines the emulator's reach (default: the
        training runs'; the calibration passes every run of its design, the prior design's
        included, so that the reach spans the prior and never narrows the posterior by
        itself - only the data do)."""
        za = z[:, list(active)]
        unknown = sorted(set(pairs) - set(active))
        if unknown:
            raise ValueError(f"Emulator.fit: pairs {unknown} are not active coordinates")
        poly = QuadraticTerms(len(active), [list(active).index(j) for j in pairs])
        features = poly.transform(za)
        y = _fill_missing(to_scale(values[:, columns], is_mean[columns]))
        ridge = RidgeCV(alphas=ALPHAS, alpha_per_target=True, store_cv_results=True)
        ridge.fit(features, y)
        cv = ridge.cv_results_  # (m, targets, alphas) squared leave-one-out errors
        chosen = np.searchsorted(ALPHAS, ridge.alpha_)
        chosen = np.clip(chosen, 0, len(ALPHAS) - 1)
        loo = cv[:, np.arange(y.shape[1]), chosen].mean(axis=0)
        total = y.var(axis=0)
        r2 = 1.0 - loo / np.where(total > 0, total, 1.0)
        coef = np.atleast_2d(ridge.coef_).T.copy()  # (features, quantities), one or many
        spread = za if reach_z is None else reach_z[:, list(active)]
        centre = spread.mean(axis=0)
        cov = np.cov(spread, rowvar=False) + 1e-6 * np.eye(za.shape[1])
        precision = np.linalg.inv(np.atleast_2d(cov))
        d2 = _mahalanobis2(spread, centre, precision)
        return cls(tuple(int(a) for a in active), np.asarray(columns), is_mean[columns], poly,
                   coef, np.atleast_1d(ridge.intercept_), loo, r2, len(za), centre, precision,
                   float(np.quantile(d2, 0.95)))  # fmt: skip

    def coordinates(self, z: np.ndarray) -> np.ndarray:
        """The active coordinates (m, len(active)) of full coordinates ``z`` (m, d); an
        active coordinate beyond ``d`` (a placebo the calibration appended) is set to 0, its
        prior mean: the model never reads it."""
        z = np.atleast_2d(z)
        out = np.zeros((len(z), len(self.active)))
        known = [i for i, j in enumerate(self.active) if j < z.shape[1]]
        out[:, known] = z[:, [self.active[i] for i in known]]
        return out

    def reach_factor(self, z_active: np.ndarray) -> np.ndarray:
        """How much the emulator's error grows away from its design: ``1 + max(0, d2 / r -
        1)^2`` with ``d2`` the squared Mahalanobis distance from the design's centre and ``r``
        the 95th percentile of the design runs' own.  Exactly 1 within the design (so it
        never pulls the posterior towards the design's centre: an earlier form, growing
        everywhere, shrank every sampled parameter by half, which simulation-based
        calibration caught), and growing as the square of the excess outside it, so that the
        sampler cannot settle where the emulator invents a fit the model never showed."""
        d2 = _mahalanobis2(np.atleast_2d(z_active), self.centre, self.precision)
        excess = np.maximum(d2 / self.reach - 1.0, 0.0)
        return 1.0 + excess * excess

    def predict(self, z_active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Emulated quantities on the natural scale (m, columns) and their error variance
        (m, columns), for active coordinates ``z_active`` (m, len(active))."""
        features = self.poly.transform(np.atleast_2d(z_active))
        y = features @ self.coef + self.intercept
        values = from_scale(y, self.is_mean)
        var_scale = self.loo_var[None, :] * self.reach_factor(z_active)[:, None]
        var = natural_variance(y, var_scale, self.is_mean)
        return values, var


def _mahalanobis2(z: np.ndarray, centre: np.ndarray, precision: np.ndarray) -> np.ndarray:
    d = z - centre
    return np.einsum("ij,jk,ik->i", d, precision, d)


@dataclass(frozen=True)
class ScreenResult:
    """How much each coordinate moves the figures, in units of their sampling error."""

    score: np.ndarray  # (d,) root-sum-square over figures of the standardised effects
    effect: np.ndarray  # (d, Q') the standardised effect of each coordinate on each figure
    columns: np.ndarray  # the quantities screened
    active: tuple[int, ...]


def screen(z: np.ndarray, values: np.ndarray, is_mean: np.ndarray, columns: np.ndarray,
           data_sd: np.ndarray, threshold: float, max_active: int) -> ScreenResult:  # fmt: skip
    """Regress every quantity (emulator scale) on every coordinate over the prior design;
    ``data_sd`` is each figure's sampling sd on the emulator scale.  A coordinate is active
    when the root-sum-square of its effects (one prior sd, in data sds) is at least
    ``threshold``; at most ``max_active`` (the largest scores) are kept."""
    y = _fill_missing(to_scale(values[:, columns], is_mean[columns]))
    zs = (z - z.mean(axis=0)) / z.std(axis=0)
    ridge = Ridge(alpha=1.0).fit(zs, y)
    effect = ridge.coef_.T / z.std(axis=0)[:, None] / data_sd[None, :]  # per prior sd
    score = np.sqrt((effect**2).sum(axis=1))
    order = np.argsort(-score)
    active = tuple(sorted(int(j) for j in order[:max_active] if score[j] >= threshold))
    return ScreenResult(score, effect, np.asarray(columns), active)
