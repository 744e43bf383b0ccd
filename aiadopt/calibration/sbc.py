"""Simulation-based calibration of the posterior sampler (issue 13, point 6; Talts, Betancourt,
Simpson, Vehtari & Gelman 2018, "Validating Bayesian inference algorithms with
simulation-based calibration").

If the sampler is right, a parameter set drawn from the prior, a study drawn from the model
at that set (same bases, same measurement as the real study), and the posterior given that
study, then the true set is a draw from that posterior: its 90% central credible intervals
hold the truth 90% of the time, and the rank of the true value among the posterior draws is
uniform.  This module measures both:

1. :func:`synthetic_studies`: ``k`` parameter sets from the joint prior the fit uses (every
   scalar prior through its standard-normal coordinate, the share vectors from their
   Dirichlet priors, the likelihood's nuisances from their priors; a set that breaks a
   constraint between parameters is redrawn, as :meth:`PriorSet.sample` does), a model run at
   each (its own seed, ``settings.n_firms`` firms) and a study drawn from it
   (:meth:`~aiadopt.calibration.evidence.Likelihood.draw`).  The true parameters and the
   run's quantities are kept.
2. :func:`refit`: :func:`~aiadopt.calibration.posterior.sample_posterior` on one synthetic
   study - the same method as the shipped calibration, usually with smaller budgets
   (:func:`reduced_settings`); refits with the same ``settings.seed`` share the prior
   design's runs (wave 0 does not depend on the data).
3. :func:`score_refit`: for each sampled parameter and nuisance, whether the truth lies in
   its 90% central posterior interval, and its SBC rank among the posterior draws; the same
   for key model quantities (the true run's value against model runs at posterior draws -
   the fit's check runs - and against the emulator's prediction at every posterior draw
   with the emulator's error added).
4. :func:`coverage`: the share inside over all (refit, item) pairs and per item, with an
   exact binomial (Clopper-Pearson) 90% interval, and a chi-square test of the pooled ranks'
   uniformity.

Randomness comes from the seed given (``SeedSequence`` streams per study), apart from the
refits' own ``settings.seed``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..model import ParameterError, Params
from . import evidence as ev
from . import outputs
from . import posterior as po
from .design import ParameterSpace
from .draws import NUISANCE_PREFIX
from .emulator import from_scale, to_scale
from .errors import CalibrationError
from .pipeline import CONTRACTION_INFORMED
from .priors import PriorSet, load_priors

__all__ = [
    "KEY_OUTPUTS",
    "SyntheticStudy",
    "coverage",
    "emulator_at_truth",
    "interval_inside",
    "reduced_settings",
    "refit",
    "sbc_rank",
    "score_refit",
    "synthetic_studies",
]

LEVEL = 0.9
"""The credible level whose coverage is measured (the acceptance: 80-98%)."""

KEY_OUTPUTS: tuple[str, ...] = (
    "engaged_share", "in_place_share", "in_place_or_in_progress_share",
    "gain_realised_productivity",
)  # fmt: skip
"""The model quantities whose posterior-predictive coverage is measured, besides every
series quantity (``series:<row>``): the study's headline stages and realised gain."""

MAX_TRIES = 200
"""Prior draws tried per synthetic study before giving up (invalid sets are redrawn)."""


@dataclass(frozen=True)
class SyntheticStudy:
    """One synthetic study and the truth behind it."""

    index: int
    run_seed: int
    z: np.ndarray  # (d,) true coordinates of the scalar parameters
    x: np.ndarray  # (d,) their values
    shares: np.ndarray  # share-vector elements
    nuisance: dict[str, float]  # true nuisance values (every observation's)
    names: tuple[str, ...]  # model quantity names
    values: np.ndarray  # (Q,) the true run's quantities
    study: ev.StudyData

    def truth(self, space: ParameterSpace) -> dict[str, float]:
        """True value of every scalar parameter and nuisance (posterior-sample column
        names)."""
        out = dict(zip(space.names, map(float, self.x), strict=True))
        out.update({NUISANCE_PREFIX + k: float(v) for k, v in self.nuisance.items()})
        return out

    def quantities(self) -> dict[str, float]:
        """The true run's model quantities, by name."""
        return dict(zip(self.names, map(float, self.values), strict=True))


def reduced_settings(**changes: Any) -> po.SamplerSettings:
    """The shipped sampler with smaller budgets for many refits (same method: prior design,
    screen, history-matching waves, ensemble sampler, check runs); ``changes`` override."""
    small = dict(n_firms=5000, prior_runs=1500, wave_runs=600, waves=2, train_size=1500,
                 steps=800, final_steps=2000, draws=500, check_runs=30)  # fmt: skip
    small.update(changes)
    return replace(po.SamplerSettings(), **small)


def _nuisance_priors(likelihood: ev.Likelihood) -> list[Any]:
    return list(likelihood.nuisance_priors())


def _draw_truth(space: ParameterSpace, base: Params, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """A valid parameter set from the joint prior: (z, x, shares)."""
    for _ in range(MAX_TRIES):
        z = rng.standard_normal(len(space.names))
        shares = space.draw_shares(rng, 1)[0]
        x = space.from_z(z[None, :])[0]
        try:
            space.params(x, shares, base)
        except (ParameterError, ValueError):
            continue
        return z, x, shares
    raise CalibrationError(f"no valid parameter set in {MAX_TRIES} prior draws")


def synthetic_studies(
    k: int,
    settings: po.SamplerSettings,
    priors: PriorSet | None = None,
    base: Params | None = None,
    seed: int = 0,
    paths: tuple[str | None, str | None, str | None] = (None, None, None),
    log: Callable[[str], None] = print,
    first: int = 0,
) -> list[SyntheticStudy]:
    """Studies ``first`` .. ``first + k - 1`` drawn from the prior predictive (module doc).

    Study ``i`` depends on ``seed`` and ``i`` only, so a resumed benchmark redraws the same
    ones.  A set whose run cannot give a quantity an observation reads (an empty group: NaN)
    is redrawn as an invalid one: the real study's figures all exist."""
    priors = priors or load_priors()
    base = (base or Params()).replace(n_firms=settings.n_firms)
    targets, spec = po.load_evidence(paths)
    names = outputs.quantity_names(targets, spec)
    data = ev.StudyData.of_study(targets, spec)
    lik = ev.Likelihood(data, names, use=None)
    space = ParameterSpace.of(priors)
    position = {n: j for j, n in enumerate(names)}
    needed = np.array(sorted({position[q] for qs in data.quantities for q in qs}))
    out = []
    for i in range(first, first + k):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 5151, i]))
        for _ in range(MAX_TRIES):
            z, x, shares = _draw_truth(space, base, rng)
            nuisance = {p.name: float(ParameterSpace((p,), ()).from_z(
                rng.standard_normal((1, 1)))[0, 0]) for p in _nuisance_priors(lik)}  # fmt: skip
            run_seed = int(rng.integers(2**31))
            run = outputs.simulate(space.params(x, shares, base), run_seed, targets, spec)
            if np.isfinite(run.values[needed]).all():
                break
        else:
            raise CalibrationError(f"synthetic study {i}: no run gave every quantity")
        study = lik.draw(run.values, 0.0, nuisance, rng)
        out.append(SyntheticStudy(i, run_seed, z, x, shares, nuisance, names, run.values, study))
        log(f"synthetic study {i}: drawn ({len(study.ids)} observations)")
    return out


def refit(
    study: SyntheticStudy,
    settings: po.SamplerSettings,
    out: Path,
    design_dir: Path,
    priors: PriorSet | None = None,
    base: Params | None = None,
    workers: int = 1,
    paths: tuple[str | None, str | None, str | None] = (None, None, None),
    log: Callable[[str], None] = print,
) -> po.PosteriorFit:
    """The posterior given a synthetic study: the shipped method
    (:func:`~aiadopt.calibration.posterior.sample_posterior`) into ``out``, the runs saved in
    ``design_dir`` (shared by refits: their prior design is the same)."""
    Path(out).mkdir(parents=True, exist_ok=True)
    return po.sample_posterior(Path(out), settings, priors, base, workers, None, paths, log,
                               study=study.study, design_dir=Path(design_dir))  # fmt: skip


# --- scoring -------------------------------------------------------------------------------------


def interval_inside(true: float, draws: np.ndarray, level: float = LEVEL) -> bool:
    """Whether ``true`` lies in the central ``level`` interval of ``draws`` (empirical
    quantiles, inclusive)."""
    d = np.asarray(draws, dtype=float)
    d = d[np.isfinite(d)]
    lo, hi = np.quantile(d, [(1 - level) / 2, (1 + level) / 2])
    return bool(lo <= true <= hi)


def sbc_rank(true: float, draws: np.ndarray, rng: np.random.Generator) -> int:
    """The number of ``draws`` below ``true``, ties broken at random (Talts et al. 2018:
    uniform on 0..L under a correct posterior)."""
    d = np.asarray(draws, dtype=float)
    d = d[np.isfinite(d)]
    below = int(np.sum(d < true))
    ties = int(np.sum(d == true))
    return below + int(rng.integers(0, ties + 1))


def _row(refit_index: int, kind: str, item: str, method: str, true: float,
         draws: np.ndarray, rng: np.random.Generator,
         contraction: float = float("nan")) -> dict[str, Any]:  # fmt: skip
    """One scored item: the truth, the central interval, inside or not (``side``: where the
    truth fell when outside), the SBC rank and, for a parameter, its contraction."""
    d = np.asarray(draws, dtype=float)
    d = d[np.isfinite(d)]
    lo, hi = np.quantile(d, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    side = "below" if true < lo else "above" if true > hi else ""
    return {"refit": refit_index, "kind": kind, "item": item, "method": method,
            "true": float(true), "lo": float(lo), "hi": float(hi),
            "median": float(np.median(d)), "inside": bool(lo <= true <= hi), "side": side,
            "rank": sbc_rank(true, d, rng), "draws": int(d.size),
            "contraction": float(contraction)}  # fmt: skip


def _contraction(fit: po.PosteriorFit, name: str) -> float:
    """``1 - posterior variance`` of a sampled parameter's or nuisance's coordinate (N(0, 1)
    under its prior): 0 when the data say nothing, 1 when they pin it."""
    if name.startswith(NUISANCE_PREFIX):
        prior = next(p for p in fit.nuisance if NUISANCE_PREFIX + p.name == name)
        space, column = ParameterSpace((prior,), ()), [0]
    else:
        space, column = fit.space, [fit.space.names.index(name)]
    z = space.to_z(fit.draws[[name]].to_numpy(), column)[:, 0]
    return float(1.0 - np.var(z))


def emulated_outputs(fit: po.PosteriorFit, rng: np.random.Generator) -> pd.DataFrame:
    """The emulator's prediction of its quantities at every posterior draw, with its error
    (leave-one-out variance, on the emulator's scale) drawn and added: a posterior-predictive
    sample of each quantity, columns by quantity index."""
    emu = fit.emulator
    z = emu.coordinates(fit.space.to_z(fit.draws[list(fit.space.names)].to_numpy()))
    y = emu.poly.transform(z) @ emu.coef + emu.intercept
    y = y + np.sqrt(emu.loo_var)[None, :] * rng.standard_normal(y.shape)
    return pd.DataFrame(from_scale(y, emu.is_mean), columns=[int(c) for c in emu.columns])


def emulator_at_truth(study: SyntheticStudy, fit: po.PosteriorFit) -> pd.DataFrame:
    """The final emulator at the true parameters against the true run, per emulated quantity,
    on the emulator's scale, in units of its leave-one-out error sd: ``z`` should look like
    N(0, 1) (the true run is one noisy run, as the design's are).  Larger errors mean the
    likelihood trusts the emulator more than it should, and the posterior is too narrow."""
    emu = fit.emulator
    za = emu.coordinates(np.asarray(study.z, dtype=float)[None, :])
    predicted = emu.poly.transform(za) @ emu.coef + emu.intercept
    true = to_scale(study.values[None, emu.columns], emu.is_mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (true - predicted)[0] / np.sqrt(emu.loo_var)
    return pd.DataFrame({"refit": study.index,
                         "quantity": [study.names[c] for c in emu.columns],
                         "loo_r2": emu.r2, "z": z})  # fmt: skip


def score_refit(study: SyntheticStudy, fit: po.PosteriorFit, key_outputs: Sequence[str] = (),
                seed: int = 0) -> pd.DataFrame:  # fmt: skip
    """One row per (item, method) of this refit (module doc): the sampled parameters and
    nuisances against the posterior sample; the key quantities (``key_outputs`` plus every
    series quantity) against the check runs (``method = "model"``) and the emulator with its
    error (``"emulator"``)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 6262, study.index]))
    truth = study.truth(fit.space)
    rows = []
    items = fit.active_names + [NUISANCE_PREFIX + p.name for p in fit.nuisance]
    for name in items:
        kind = "nuisance" if name.startswith(NUISANCE_PREFIX) else "parameter"
        rows.append(_row(study.index, kind, name, "posterior", truth[name],
                         fit.draws[name].to_numpy(), rng, _contraction(fit, name)))  # fmt: skip
    true_q = study.quantities()
    wanted = list(dict.fromkeys([*key_outputs, *(n for n in study.names
                                                 if n.startswith(outputs.SERIES_PREFIX))]))
    emulated = emulated_outputs(fit, rng)
    for name in wanted:
        if not np.isfinite(true_q[name]):
            continue
        if name in fit.checks.columns:
            runs = fit.checks[name].to_numpy()
            if np.isfinite(runs).sum() >= 2:
                rows.append(_row(study.index, "output", name, "model", true_q[name], runs, rng))
        j = study.names.index(name)
        if j in emulated.columns:
            rows.append(_row(study.index, "output", name, "emulator", true_q[name],
                             emulated[j].to_numpy(), rng))  # fmt: skip
    return pd.DataFrame(rows)


# --- coverage ------------------------------------------------------------------------------------


def binomial_interval(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Exact (Clopper-Pearson) ``level`` interval of a proportion ``k / n``."""
    if n == 0:
        return float("nan"), float("nan")
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)


def _summary(frame: pd.DataFrame) -> dict[str, Any]:
    k, n = int(frame["inside"].sum()), len(frame)
    lo, hi = binomial_interval(k, n)
    side = frame["side"].fillna("") if "side" in frame else pd.Series("", index=frame.index)
    out = {"inside": k, "pairs": n, "coverage": k / n if n else float("nan"),
           "coverage_lo": lo, "coverage_hi": hi, "refits": int(frame["refit"].nunique()),
           "below": int((side == "below").sum()), "above": int((side == "above").sum())}
    if "contraction" in frame and frame["contraction"].notna().any():
        out["mean_contraction"] = float(frame["contraction"].mean())
    return out  # fmt: skip


def rank_uniformity(frame: pd.DataFrame, bins: int = 10) -> dict[str, Any]:
    """Pooled normalised ranks ``rank / draws`` in ``bins`` equal bins and a chi-square test
    of their uniformity (the counts pool correlated items: read the p-value as a guide)."""
    u = (frame["rank"].to_numpy() + 0.5) / (frame["draws"].to_numpy() + 1.0)
    counts = np.histogram(u, bins=bins, range=(0.0, 1.0))[0]
    p = float(stats.chisquare(counts).pvalue) if counts.sum() else float("nan")
    return {"bins": counts.tolist(), "chi2_p": p}


def coverage(rows: pd.DataFrame) -> dict[str, Any]:
    """Coverage of the 90% intervals from :func:`score_refit` rows of many refits: over all
    (refit, item) pairs and per item, each with its binomial 90% interval, where the misses
    fell (truth below or above the interval) and the ranks' histogram.  Groups: the sampled
    parameters; those of them the data inform in that refit (contraction at least
    :data:`~aiadopt.calibration.pipeline.CONTRACTION_INFORMED`: the others' intervals are
    nearly their priors', which cover by construction); the nuisances; the key outputs by
    method (model runs at posterior draws, emulator with its error).

    The pooled interval treats pairs as independent; items of one refit are not (they share
    its study), so the per-item intervals (one pair per refit) are the conservative read."""
    out: dict[str, Any] = {}
    params = rows[rows["kind"] == "parameter"]
    informed = params["contraction"] >= CONTRACTION_INFORMED if "contraction" in params else []
    drivers = set(po.ALWAYS_SAMPLED)
    groups = {
        "parameters": params,
        "parameters_data_informed": params[informed] if len(informed) else params.iloc[:0],
        "lever_drivers": params[params["item"].isin(drivers)],
        "nuisances": rows[rows["kind"] == "nuisance"],
        **{f"outputs_{m}": rows[(rows["kind"] == "output") & (rows["method"] == m)]
           for m in ("model", "emulator")},
    }  # fmt: skip
    for label, frame in groups.items():
        if frame.empty:
            continue
        per = {item: _summary(g) for item, g in frame.groupby("item", sort=True)}
        out[label] = {"all": _summary(frame), "ranks": rank_uniformity(frame),
                      "per_item": per}  # fmt: skip
    return out
