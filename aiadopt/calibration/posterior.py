"""The posterior of the model's parameters given the study and the dated statistics
(issue 13, point 4): history matching with an emulator, then an ensemble sampler.

Why this sampler.  The model has about 240 uncertain parameters and gives about 25 runs a
second on this 2-core machine; the likelihood (``evidence.py``) compares ~90 figures.  A
sampler that calls the model at every step (MCMC, ABC-SMC, nested sampling) needs 10^5-10^6
runs for a posterior over even the ~40 parameters the data can inform: days.  So:

1. **Prior design** (wave 0): runs at parameter sets drawn from the priors (every parameter,
   its own seed each).
2. **Screen** (:func:`~aiadopt.calibration.emulator.screen`): the parameters whose prior range
   moves some figure by a noticeable share of its sampling error are "active"; the others
   stay at their priors (prior-driven) and their effect is part of the emulator's error.
3. **Waves** of history matching: fit the emulator on the runs so far (the best by the real
   likelihood), sample the emulated posterior with ``emcee`` (affine-invariant ensemble with
   differential-evolution moves, vectorised), run the model at draws of it, refit.  Each
   wave puts runs where the posterior is, so the emulator is accurate where it matters.
4. **Final**: the last emulator is sampled long enough for the effective sample size and
   R-hat (``arviz``) asked for; the posterior sample is its thinned chain (active
   parameters and nuisances) with every other parameter drawn from its prior.
5. **Check with the model itself**: the model is run at posterior draws and the study's
   figures are drawn from their sampling model around each run (posterior predictive);
   the fit report scores every target on these, not on the emulator.

Everything a wave computes is saved in the output folder as it completes (design chunks,
each wave's new points, the chain), so a killed calibration resumes where it stopped and
ends where an uninterrupted one would.  Randomness comes from ``settings.seed`` only
(``SeedSequence`` streams per wave).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import emcee
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ..files import write_atomic
from ..model import ParameterError, Params
from . import evidence as ev
from . import outputs
from . import series as sr
from . import targets as tg
from .design import Design, DesignRunner, ParameterSpace, seeds_for
from .draws import NUISANCE_PREFIX, POSTERIOR_FILE
from .emulator import Emulator, ScreenResult, screen
from .errors import CalibrationError
from .priors import Prior, PriorSet, load_priors

with warnings.catch_warnings():  # arviz announces a refactor on import (FutureWarning)
    warnings.simplefilter("ignore", FutureWarning)
    import arviz

__all__ = ["PosteriorFit", "SamplerSettings", "sample_posterior"]



LEVER_DRIVERS: dict[str, tuple[str, ...]] = {
    "tripartite_strategy": ("strategy_effect[0]", "strategy_effect[3]", "complementarity"),
    "training": ("training_effect", "complementarity"),
    "co_managed_outsourcing": ("manager_effect[0]", "manager_effect[1]", "complementarity"),
    "dedicated_staff": ("dedicated_effect", "roles_effect", "complementarity"),
    "regulatory_clarity": ("engage_obstacle_weights[3]", "progress_obstacle_weights[3]",
                           "give_up_obstacle_effect"),
    "cost_support": ("engage_obstacle_weights[4]", "progress_obstacle_weights[4]",
                     "give_up_obstacle_effect"),
    "security_framework": ("engage_obstacle_weights[2]", "progress_obstacle_weights[2]",
                           "give_up_obstacle_effect"),
}  # fmt: skip
"""The parameters through which each lever (intervention kind, ``model/interventions.py``)
acts: the log-effects of the success factor it gives, their complementarity, or the weights
of the obstacle it lowers.  They are always sampled (whatever the screen says), so that
whether the data inform a lever's effect is measured, not assumed."""

ALWAYS_SAMPLED: tuple[str, ...] = (
    *dict.fromkeys(n for names in LEVER_DRIVERS.values() for n in names),
    "scale_hazard",
)
"""Sampled whatever the screen says: the levers' drivers, and the scaling rate behind the
share at scale (the headline answer; the study's "en place" pools deployed and scaled, so
the data may well leave it to its prior: the identifiability report says)."""


@dataclass(frozen=True)
class SamplerSettings:
    """How the posterior is sampled (defaults: the shipped calibration; see the module doc).

    ``n_firms``: firms per run (10,000: the survey groups the fit uses hold 100-10,000
    firms, so the model's own noise stays well under the study's sampling error; it is
    counted in the emulator's error anyway).  ``prior_runs``: the prior design.
    ``wave_runs`` x ``waves``: history matching.  ``train_size``: the runs the emulator is fit
    on (the best by the real likelihood).  ``steps`` per wave and ``final_steps`` of the
    ensemble sampler (half are burn-in); ``walkers_per_dim``.  ``screen_threshold``,
    ``max_active``: the screen.  ``draws``: rows of the posterior sample; ``check_runs``: model
    runs at posterior draws for the posterior-predictive checks.  ``pairs``: how many of the
    sampled parameters (those the screen ranks first) have their pairwise products in the
    emulator (0: an additive quadratic; :mod:`~aiadopt.calibration.emulator` says why).
    ``placebos``: coordinates of pure noise, which the model never reads, added to the final
    emulator and sampled with the rest: their contraction is how much the emulated
    posterior contracts a parameter the data cannot inform, the floor a parameter's own
    contraction must pass to be called data-informed.
    """

    n_firms: int = 10_000
    prior_runs: int = 3000
    wave_runs: int = 1500
    waves: int = 3
    train_size: int = 2500
    steps: int = 2000
    final_steps: int = 6000
    walkers_per_dim: int = 4
    screen_threshold: float = 0.5
    max_active: int = 40
    draws: int = 2000
    check_runs: int = 400
    seed: int = 20250303
    pairs: int = 0
    placebos: int = 2

    def __post_init__(self) -> None:
        for name in ("n_firms", "prior_runs", "wave_runs", "train_size", "steps",
                     "final_steps", "walkers_per_dim", "max_active", "draws",
                     "check_runs"):  # fmt: skip
            if int(getattr(self, name)) < 1:
                raise CalibrationError(f"sampler setting {name!r} must be at least 1")
        for name in ("waves", "pairs", "placebos"):
            if int(getattr(self, name)) < 0:
                raise CalibrationError(f"sampler setting {name!r} must be at least 0")
        if self.n_firms < 1000:
            raise CalibrationError("sampler setting 'n_firms' must be at least 1000 (the "
                                   "survey's small groups need them)")  # fmt: skip


@dataclass
class PosteriorFit:
    """What :func:`sample_posterior` found (also written to the output folder)."""

    settings: SamplerSettings
    space: ParameterSpace
    screen: ScreenResult
    emulator: Emulator
    nuisance: tuple[Prior, ...]
    chain: np.ndarray  # (steps, walkers, dims) of the final run, after burn-in
    draws: pd.DataFrame  # the posterior sample: one row per draw, every parameter
    diagnostics: dict[str, Any]
    design: Design
    checks: pd.DataFrame = field(default_factory=pd.DataFrame)
    sampled: tuple[int, ...] = ()
    placebo_contraction: tuple[float, ...] = ()

    @property
    def active_names(self) -> list[str]:
        """The sampled parameters, in the chain's column order (the screen's and the
        always-sampled ones)."""
        return [self.space.names[j] for j in self.sampled]


# --- the pieces ----------------------------------------------------------------------------------


def load_evidence(paths: tuple[str | None, str | None, str | None] = (None, None, None)
                  ) -> tuple[list[tg.Target], sr.SeriesSpec]:  # fmt: skip
    """The targets and the series spec of ``paths`` (targets, series, series data; None:
    the packaged files)."""
    targets_path, series_path, data_path = paths
    return tg.load_targets(targets_path), sr.load_series(series_path, data_path)


@dataclass
class _Problem:
    """What every step needs: the evidence, the parameter space and the quantities."""

    targets: list[tg.Target]
    spec: sr.SeriesSpec
    names: tuple[str, ...]
    space: ParameterSpace
    likelihood: ev.Likelihood
    nuisance: tuple[Prior, ...]
    is_mean: np.ndarray
    columns: np.ndarray  # quantities the calibration observations use
    base: Params

    @classmethod
    def load(cls, priors: PriorSet, base: Params, targets_path: str | None,
             series_path: str | None, data_path: str | None,
             study: ev.StudyData | None = None) -> _Problem:  # fmt: skip
        targets, spec = load_evidence((targets_path, series_path, data_path))
        names = ev.quantity_names(targets, spec)
        if names != outputs.quantity_names(targets, spec):
            raise CalibrationError("the simulator and the likelihood order the quantities "
                                   "differently")  # fmt: skip
        data = ev.StudyData.of_study(targets, spec) if study is None else study
        lik = ev.Likelihood(data, names, use="calibration")
        kinds = {t.id: t.kind for t in targets}
        is_mean = np.array([kinds.get(n, "") == "mean" for n in names])
        used = {q for i in lik.index for q in data.quantities[i]}
        columns = np.array([i for i, n in enumerate(names) if n in used])
        return cls(targets, spec, names, ParameterSpace.of(priors), lik,
                   tuple(lik.nuisance_priors()), is_mean, columns, base)  # fmt: skip

    def keep_modelled(self, values: np.ndarray) -> None:
        """Leave out of the fit the quantities the model cannot give (NaN in most runs: a
        figure the model does not speak to, see ``survey.NOT_MODELLED``)."""
        finite = np.isfinite(values[:, self.columns]).mean(axis=0)
        self.columns = self.columns[finite >= 0.5]

    @functools.cached_property
    def nuisance_space(self) -> ParameterSpace:
        return ParameterSpace(self.nuisance, ())

    def nuisance_values(self, zn: np.ndarray) -> dict[str, np.ndarray]:
        """The nuisance parameters' values of their coordinates ``zn`` (m, nuisances)."""
        x = self.nuisance_space.from_z(np.atleast_2d(zn))
        return {p.name: x[:, j] for j, p in enumerate(self.nuisance)}

    def real_loglik(self, d: Design) -> np.ndarray:
        """The likelihood of each design run itself (its model noise q(1-q)/n; nuisances at
        their prior medians): ranks the runs for the emulator's training set."""
        values = d.values
        sim_var = model_noise(values, d.group_n, self.is_mean)
        nuis = self.nuisance_values(np.zeros((len(values), len(self.nuisance))))
        with np.errstate(all="ignore"):
            ll = self.likelihood.total(np.nan_to_num(values, nan=np.nan), sim_var, nuis)
        return np.where(np.isfinite(ll), ll, -np.inf)


def model_noise(values: np.ndarray, group_n: np.ndarray, is_mean: np.ndarray) -> np.ndarray:
    """Variance of the model's own estimate of each quantity: q(1-q)/n for a share over n
    firms; for a mean gain, (cv * mean)^2 / n with cv = 1 (as the study's own means)."""
    n = np.maximum(np.nan_to_num(group_n, nan=1.0), 1.0)
    q = np.nan_to_num(values, nan=0.5)
    share_var = np.clip(q, 0, 1) * (1 - np.clip(q, 0, 1)) / n
    mean_var = q * q / n
    return np.where(is_mean[None, :], mean_var, share_var)


def quantity_bases(likelihood: ev.Likelihood) -> dict[str, float]:
    """The study's raw base behind each quantity the likelihood reads (an ordering's two
    sides their own bases; a conditional share's both quantities its base)."""
    data = likelihood.data
    out: dict[str, float] = {}
    for i in likelihood.index:
        bases = data.bases[i]
        for j, q in enumerate(data.quantities[i]):
            out[q] = float(bases[min(j, len(bases) - 1)])
    return out


def data_sd(problem: _Problem, design: Design) -> np.ndarray:
    """Each emulated quantity's sampling sd on the emulator's scale, for the screen: the
    study's raw base over a design effect of 1.3 (the prior median), at the design's median
    value (a series row's base is already effective)."""
    bases = quantity_bases(problem.likelihood)
    cols = problem.columns
    names = [problem.names[c] for c in cols]
    n_eff = np.array([bases.get(n, 50.0) / (1.0 if n.startswith("series:") else 1.3)
                      for n in names])  # fmt: skip
    med = np.nanmedian(design.values[:, cols], axis=0)
    q = np.clip(med, 0.02, 0.98)
    sd_share = 1.0 / np.sqrt(n_eff * q * (1 - q))
    sd_mean = 1.0 / np.sqrt(n_eff)  # log scale, cv = 1
    return np.where(problem.is_mean[cols], sd_mean, sd_share)


def _log_prob_factory(problem: _Problem, emu: Emulator) -> Callable[[np.ndarray], np.ndarray]:
    q = len(problem.names)
    k = len(emu.active)

    def log_prob(theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        za, zn = theta[:, :k], theta[:, k:]
        values = np.full((len(theta), q), np.nan)
        var = np.zeros((len(theta), q))
        values[:, emu.columns], var[:, emu.columns] = emu.predict(za)
        ll = problem.likelihood.total(values, var, problem.nuisance_values(zn))
        lp = -0.5 * np.sum(theta * theta, axis=1) + ll
        return np.where(np.isfinite(lp), lp, -np.inf)

    return log_prob


def run_ensemble(log_prob: Callable[[np.ndarray], np.ndarray], start: np.ndarray, steps: int,
                 seed: int, log: Callable[[str], None] | None = None) -> np.ndarray:  # fmt: skip
    """``emcee`` from ``start`` (walkers, dims) for ``steps``; returns the chain (steps,
    walkers, dims).  Differential-evolution moves (ter Braak 2006) mix better than the
    stretch move in tens of dimensions: the default scale 2.38/sqrt(2 dims), and one move in
    ten at scale 1 (a jump between modes, as ter Braak recommends).  ``log`` hears about
    progress every 10%.

    No snooker move: emcee 3.1.6's ``DESnookerMove`` does not leave the target invariant
    (its step is scaled by the norm of ``s - z`` it should be divided by, and its acceptance
    uses half the exponent (d-1) of ter Braak & Vrugt 2008).  Measured on a 63-dimensional
    normal (4 Dec 2026): it sampled standard deviations 27% too small (0.146 for 0.2; 0.84
    for 1), and 18% too small at its old share of 20% of the moves - which is what made a
    placebo coordinate look informed; the differential-evolution moves alone give 0.200 and
    1.00 (``tests/calibration/test_posterior.py`` checks it)."""
    walkers, dims = start.shape
    sampler = emcee.EnsembleSampler(
        walkers, dims, log_prob, vectorize=True,
        moves=[(emcee.moves.DEMove(), 0.9), (emcee.moves.DEMove(gamma0=1.0), 0.1)],
    )  # fmt: skip
    sampler.random_state = np.random.RandomState(seed % 2**32).get_state()
    every = max(steps // 10, 1)
    t0 = time.perf_counter()
    # one BLAS thread: the emulator's small matrix products are slower with OpenBLAS's threads
    # spinning against the model's worker processes (11x, measured on the loaded 2-core machine)
    with threadpool_limits(limits=1, user_api="blas"):
        for i, _ in enumerate(sampler.sample(start, iterations=steps), start=1):
            if log is not None and (i % every == 0 or i == steps):
                log(f"  ensemble step {i}/{steps} ({time.perf_counter() - t0:.0f} s, "
                    f"acceptance {np.mean(sampler.acceptance_fraction):.2f})")  # fmt: skip
    return sampler.get_chain()


def diagnostics(chain: np.ndarray, names: Sequence[str]) -> dict[str, Any]:
    """R-hat (rank-normalised, split; walkers as chains) and bulk/tail ESS per dimension
    (arviz), and the integrated autocorrelation time (emcee)."""
    data = {n: chain[:, :, j].T for j, n in enumerate(names)}  # (chains=walkers, draws)
    with warnings.catch_warnings():  # short chains (tests): more walkers than draws
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        rhat = arviz.rhat(data)
        ess = arviz.ess(data, method="bulk")
        tail = arviz.ess(data, method="tail")
    emcee_log = logging.getLogger("emcee")
    level = emcee_log.level
    emcee_log.setLevel(logging.ERROR)  # a short chain's warning: the R-hat and ESS say it
    try:
        with np.errstate(invalid="ignore", divide="ignore"):
            tau = emcee.autocorr.integrated_time(chain, quiet=True)
    finally:
        emcee_log.setLevel(level)
    per = {n: {"rhat": float(rhat[n]), "ess_bulk": float(ess[n]), "ess_tail": float(tail[n]),
               "tau": float(tau[j])} for j, n in enumerate(names)}  # fmt: skip
    return {
        "max_rhat": max(v["rhat"] for v in per.values()),
        "min_ess_bulk": min(v["ess_bulk"] for v in per.values()),
        "min_ess_tail": min(v["ess_tail"] for v in per.values()),
        "max_tau": max(v["tau"] for v in per.values()),
        "per_dimension": per,
    }


def _select_training(design: Design, ll: np.ndarray, size: int) -> np.ndarray:
    ok = np.flatnonzero(design.valid & np.isfinite(ll))
    order = ok[np.argsort(-ll[ok])]
    return order[:size]


PRIOR_SHARE = 0.2
"""Share of the emulator's training runs drawn at random from the prior design (the rest:
the runs with the best real likelihood), so that the emulator has seen the whole prior range
in every direction, not only where the last wave looked: a direction the data do not inform
stays as wide as its prior instead of inheriting the last wave's spread."""


def _training(design: Design, ll: np.ndarray, size: int, seed: int) -> np.ndarray:
    """The emulator's training runs: the best by the real likelihood, and a random share of
    the prior design (:data:`PRIOR_SHARE`)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 555]))
    prior = np.flatnonzero((design.wave == 0) & design.valid & np.isfinite(ll))
    k = min(int(PRIOR_SHARE * size), len(prior))
    from_prior = rng.choice(prior, size=k, replace=False) if k else prior[:0]
    taken = set(from_prior.tolist())
    best = [i for i in _select_training(design, ll, size) if i not in taken]
    return np.concatenate([np.asarray(best[: size - k], dtype=int), from_prior])


def _walkers(s: SamplerSettings, dims: int) -> int:
    """Walkers of the ensemble: ``walkers_per_dim`` per dimension, at least 2 dims + 2, even."""
    walkers = max(s.walkers_per_dim * dims, 2 * dims + 2)
    return walkers + walkers % 2


PLACEBO_STREAM = 777
"""The SeedSequence stream of the placebo coordinates (:func:`with_placebos`)."""


def with_placebos(z: np.ndarray, active: Sequence[int], s: SamplerSettings
                  ) -> tuple[np.ndarray, list[int]]:  # fmt: skip
    """The design's coordinates with ``s.placebos`` columns of independent N(0, 1) noise
    appended (from the calibration seed's own stream: the same on a resume), and the active
    coordinates with the placebos last.  The model never reads them, so a posterior that
    contracts them shows how far the emulated likelihood bends where the model's cannot
    (the emulator's coefficients fitted to noise)."""
    rng = np.random.default_rng(np.random.SeedSequence([s.seed, PLACEBO_STREAM]))
    extra = rng.standard_normal((len(z), s.placebos))
    d = z.shape[1]
    return np.hstack([z, extra]), [*active, *range(d, d + s.placebos)]


def _start(design: Design, ll: np.ndarray, active: Sequence[int], walkers: int,
           n_nuisance: int, rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """Walkers start at the best design runs' active coordinates (jittered), nuisances near
    their prior medians."""
    best = _select_training(design, ll, walkers)
    z = design.z[best][:, list(active)]
    if len(z) < walkers:
        z = z[rng.integers(0, len(z), walkers)]
    z = z + 0.01 * rng.standard_normal(z.shape)
    return np.hstack([z, 0.3 * rng.standard_normal((walkers, n_nuisance))])


# --- the driver ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _sampler_code() -> str:
    """SHA-256 of the sampler's and the likelihood's source: a wave's saved points are read
    back only by the code that chose them."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("posterior.py", "emulator.py", "evidence.py", "design.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()


def _points_file(folder: Path, wave: int) -> Path:
    return folder / f"wave{wave}_points.npz"


def _wave_points(folder: Path, wave: int, make: Callable[[], tuple[np.ndarray, ...]],
                 key: str) -> tuple[np.ndarray, ...]:  # fmt: skip
    """A wave's new points, saved once: a resumed calibration reads them back (the
    ensemble sampler's floating point may differ in the last bit between processes)."""
    path = _points_file(folder, wave)
    if path.is_file():
        with np.load(path) as f:
            if str(f["key"]) == key:
                return f["z"], f["shares"], f["seeds"]
    z, shares, seeds = make()
    buf = io.BytesIO()
    np.savez(buf, key=np.array(key), z=z, shares=shares, seeds=seeds)
    write_atomic(path, buf.getvalue())
    return z, shares, seeds


def sample_posterior(
    out: Path,
    settings: SamplerSettings | None = None,
    priors: PriorSet | None = None,
    base: Params | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    paths: tuple[str | None, str | None, str | None] = (None, None, None),
    log: Callable[[str], None] = print,
    study: ev.StudyData | None = None,
    design_dir: Path | None = None,
) -> PosteriorFit:
    """Sample the posterior (module doc) into folder ``out``; resumes from what ``out``
    holds.  ``paths``: targets, series and series-data files (default: packaged).
    ``study``: other observed figures (a synthetic study, for simulation-based calibration;
    default: the study of ``paths``).  ``design_dir``: where runs are saved (default
    ``out/design``; synthetic studies can share the prior design's runs)."""
    s = settings or SamplerSettings()
    priors = priors or load_priors()
    base = (base or Params()).replace(n_firms=s.n_firms)
    problem = _Problem.load(priors, base, *paths, study=study)
    space = problem.space
    out = Path(out)
    design_dir = out / "design" if design_dir is None else Path(design_dir)
    t0 = time.perf_counter()
    d_all = len(space.names)

    def progress(done: int, total: int) -> None:
        if done == total or done % 400 < 16:
            log(f"  runs {done}/{total} ({time.perf_counter() - t0:.0f} s)")

    with DesignRunner(design_dir, base, space, paths, workers, scheduler, progress) as runner:
        # wave 0: the prior design
        rng0 = np.random.default_rng(np.random.SeedSequence([s.seed, 0]))
        z0 = rng0.standard_normal((s.prior_runs, d_all))
        shares0 = space.draw_shares(rng0, s.prior_runs)
        log(f"wave 0: {s.prior_runs} runs at prior draws of {d_all} parameters")
        design = runner.run("w0", z0, shares0, seeds_for(s.seed, 0, s.prior_runs), 0)
        valid = design.valid
        problem.keep_modelled(design.values[valid])
        sc = screen(z0[valid], design.values[valid], problem.is_mean, problem.columns,
                    data_sd(problem, design), s.screen_threshold, s.max_active)  # fmt: skip
        forced = [space.names.index(n) for n in ALWAYS_SAMPLED if n in space.names]
        active = sorted(set(sc.active) | set(forced))
        log(f"screen: {len(sc.active)} of {d_all} parameters move the figures (threshold "
            f"{s.screen_threshold} sampling sd per prior sd); {len(active)} sampled with the "
            "levers' drivers")  # fmt: skip
        ranked = sorted(active, key=lambda j: -sc.score[j])
        pairs = sorted(ranked[: s.pairs])
        dims = len(active) + len(problem.nuisance)
        walkers = _walkers(s, dims)
        emu = None
        for wave in range(1, s.waves + 1):
            ll = problem.real_loglik(design)
            train = _training(design, ll, s.train_size, s.seed + wave)
            emu = Emulator.fit(design.z[train], design.values[train], problem.is_mean,
                               active, problem.columns, design.z[design.valid],
                               pairs)  # fmt: skip
            log(f"wave {wave}: emulator on {len(train)} runs, median LOO R^2 "
                f"{np.median(emu.r2):.2f}; best run log-lik {ll[train[0]]:.1f}")  # fmt: skip
            rng = np.random.default_rng(np.random.SeedSequence([s.seed, wave]))

            def make(emu: Emulator = emu, rng: np.random.Generator = rng,
                     ll: np.ndarray = ll, wave: int = wave,
                     design: Design = design) -> tuple[np.ndarray, ...]:  # fmt: skip
                start = _start(design, ll, active, walkers, len(problem.nuisance), rng)
                chain = run_ensemble(_log_prob_factory(problem, emu), start, s.steps,
                                     int(rng.integers(2**31)), log)  # fmt: skip
                flat = chain[s.steps // 2 :].reshape(-1, dims)
                pick = flat[rng.choice(len(flat), s.wave_runs, replace=False)]
                z = rng.standard_normal((s.wave_runs, d_all))
                z[:, active] = pick[:, : len(active)]
                return z, space.draw_shares(rng, s.wave_runs), seeds_for(s.seed, wave,
                                                                         s.wave_runs)

            key = f"{s}|{active}|{len(design.x)}|{_sampler_code()}"
            zw, shw, seeds = _wave_points(out, wave, make, key)
            new = runner.run(f"w{wave}", zw, shw, seeds, wave)
            design = Design.concat([design, new])

        # the final emulator and the long run
        ll = problem.real_loglik(design)
        train = _training(design, ll, s.train_size, s.seed)
        z_final, final_active = with_placebos(design.z, active, s)
        emu = Emulator.fit(z_final[train], design.values[train], problem.is_mean,
                           final_active, problem.columns, z_final[design.valid],
                           pairs)  # fmt: skip
        log(f"final emulator on {len(train)} runs, median LOO R^2 {np.median(emu.r2):.2f}"
            + (f" ({s.placebos} placebo coordinates)" if s.placebos else ""))  # fmt: skip
        rng = np.random.default_rng(np.random.SeedSequence([s.seed, 10_000]))
        k = len(active)
        start = _start(design, ll, active, _walkers(s, dims + s.placebos),
                       len(problem.nuisance), rng)  # fmt: skip
        start = np.hstack([start[:, :k], rng.standard_normal((len(start), s.placebos)),
                           start[:, k:]])  # fmt: skip
        full = run_ensemble(_log_prob_factory(problem, emu), start, s.final_steps,
                            int(rng.integers(2**31)), log)[s.final_steps // 2 :]  # fmt: skip
        dim_names = ([space.names[j] for j in active]
                     + [f"placebo[{i}]" for i in range(s.placebos)]
                     + [p.name for p in problem.nuisance])  # fmt: skip
        diag = diagnostics(full, dim_names)
        log(f"ensemble: {full.shape[1]} walkers x {s.final_steps} steps; max R-hat "
            f"{diag['max_rhat']:.3f}, min bulk ESS {diag['min_ess_bulk']:.0f}")  # fmt: skip
        placebo = full[:, :, k : k + s.placebos].reshape(-1, s.placebos)
        placebo_contraction = tuple(float(1.0 - v) for v in placebo.var(axis=0))
        if s.placebos:
            log("placebo contraction " + ", ".join(f"{c:.2f}" for c in placebo_contraction)
                + " (coordinates the model never reads: 0 where the emulated likelihood is "
                "as flat as the model's)")  # fmt: skip
        chain = np.concatenate([full[:, :, :k], full[:, :, k + s.placebos :]], axis=2)
        draws = posterior_draws(chain, problem, active, s, rng)
        fit = PosteriorFit(s, space, sc, emu, problem.nuisance, chain, draws, diag, design,
                           sampled=tuple(active),
                           placebo_contraction=placebo_contraction)  # fmt: skip
        fit.checks = predictive_runs(fit, problem, runner, log)
    log(f"done in {time.perf_counter() - t0:.0f} s")
    return fit


def _prior_draws(space: ParameterSpace, rng: np.random.Generator,
                 batch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:  # fmt: skip
    """Endless prior draws (scalar values, shares) in the order ``rng`` gives them (each
    draw's coordinates, then its shares), mapped to values a batch at a time: mapping one
    row at a time built 235 scipy distributions per row (0.5 s a row)."""
    while True:
        zs, shares = [], []
        for _ in range(batch):
            zs.append(rng.standard_normal(len(space.names)))
            shares.append(space.draw_shares(rng, 1)[0])
        yield from zip(space.from_z(np.array(zs)), shares, strict=True)


def posterior_draws(chain: np.ndarray, problem: _Problem, active: Sequence[int],
                    s: SamplerSettings, rng: np.random.Generator) -> pd.DataFrame:  # fmt: skip
    """The posterior sample: ``s.draws`` rows thinned evenly from the chain (active
    parameters and nuisances), every other parameter and the share vectors drawn from their
    priors; columns in parameter units, plus ``draw``.  The joint prior is restricted to
    valid parameter sets (as :meth:`PriorSet.sample`): a row that breaks a constraint
    between parameters has its prior-drawn part redrawn, and a chain draw whose active part
    itself breaks one is replaced by another chain draw."""
    space = problem.space
    flat = chain.reshape(-1, chain.shape[2])
    order = rng.permutation(len(flat))
    k, cols = len(active), list(active)
    batch = max(s.draws, 16)
    prior = _prior_draws(space, rng, batch)
    rows_z, rows_sh, rows_n = [], [], []
    for start in range(0, len(order), batch):
        chosen = order[start : start + batch]
        x_active = space.from_z(flat[chosen, :k], cols)
        for i, xa in zip(chosen, x_active, strict=True):
            for _ in range(20):
                x, shares = next(prior)
                x = x.copy()
                x[cols] = xa
                try:
                    space.params(x, shares, problem.base)
                except (ParameterError, ValueError):
                    continue
                rows_z.append(x)
                rows_sh.append(shares)
                rows_n.append(flat[i, k:])
                break
            if len(rows_z) == s.draws:
                break
        if len(rows_z) == s.draws:
            break
    if len(rows_z) < s.draws:
        raise CalibrationError(f"only {len(rows_z)} valid posterior draws of {s.draws} asked")
    frame = pd.DataFrame(np.array(rows_z), columns=list(space.names))
    shares_arr = np.array(rows_sh)
    for j, name in enumerate(space.share_names):
        frame[name] = shares_arr[:, j]
    for name, v in problem.nuisance_values(np.array(rows_n)).items():
        frame[f"{NUISANCE_PREFIX}{name}"] = v
    frame.insert(0, "draw", np.arange(s.draws))
    return frame


def predictive_runs(fit: PosteriorFit, problem: _Problem, runner: DesignRunner,
                    log: Callable[[str], None]) -> pd.DataFrame:  # fmt: skip
    """Run the model at the first ``check_runs`` posterior draws: the model quantities of
    each (one row per run), for the posterior-predictive checks of the fit report."""
    s = fit.settings
    k = min(s.check_runs, len(fit.draws))
    space = problem.space
    rows = fit.draws.iloc[:k]
    x = rows[list(space.names)].to_numpy()
    shares = rows[list(space.share_names)].to_numpy() if space.share_names else np.empty((k, 0))
    log(f"checks: {k} model runs at posterior draws")
    d = runner.run("checks", space.to_z(x), shares, seeds_for(s.seed, 99, k), 99)
    frame = pd.DataFrame(d.values, columns=list(problem.names))
    frame.insert(0, "draw", rows["draw"].to_numpy())
    n = pd.DataFrame(d.group_n, columns=[f"n:{c}" for c in problem.names])
    return pd.concat([frame, n], axis=1)


def write_fit(fit: PosteriorFit, out: Path) -> None:
    """The fit's files: posterior.csv, posterior_checks.csv, screen.csv, emulator.csv and
    sampler.json (settings, active parameters, diagnostics)."""
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / POSTERIOR_FILE, fit.draws.to_csv(index=False, float_format="%.7g"))
    write_atomic(out / "posterior_checks.csv", fit.checks.to_csv(index=False,
                                                                float_format="%.8g"))  # fmt: skip
    screen_frame = pd.DataFrame({
        "parameter": fit.space.names, "score": fit.screen.score,
        "active": [j in fit.screen.active for j in range(len(fit.space.names))],
    }).sort_values("score", ascending=False)  # fmt: skip
    write_atomic(out / "screen.csv", screen_frame.to_csv(index=False, float_format="%.6g"))
    emu = fit.emulator
    write_atomic(out / "emulator.csv", pd.DataFrame({
        "quantity": [int(c) for c in emu.columns], "loo_r2": emu.r2, "loo_var": emu.loo_var,
    }).to_csv(index=False, float_format="%.6g"))  # fmt: skip
    doc = {"settings": asdict(fit.settings), "active": fit.active_names,
           "nuisance": [p.name for p in fit.nuisance], "diagnostics": fit.diagnostics,
           "placebo_contraction": list(fit.placebo_contraction),
           "runs": len(fit.design.x), "emulator_train": fit.emulator.n_train}  # fmt: skip
    write_atomic(out / "sampler.json", json.dumps(doc, indent=1, default=float))
