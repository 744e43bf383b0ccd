"""``aiadopt calibrate`` (issue 13): from the priors and the evidence to a posterior sample,
its checks against the model itself, the identifiability of every parameter and the stated
point, all written to one folder.

Files written into the output folder (each atomically):

- ``posterior.csv``: the posterior sample (:mod:`~aiadopt.calibration.draws` reads it);
  ``fitted.toml``: its stated point, the posterior median (``[meta] method = "posterior
  median"``);
- ``fit_checks.csv``: every figure (calibration and validation) against its 90%
  posterior-predictive interval from model runs at posterior draws
  (:mod:`~aiadopt.calibration.checks`); ``fit_summary.json``: the shares inside, the log
  scores and the references;
- ``identifiability.csv``: every parameter's prior and posterior (median, 90% interval,
  contraction ``1 - posterior var / prior var`` on the prior's normal scale), whether it was
  sampled, and its label (data-informed or prior-driven); ``correlations.csv``: the strongest
  posterior correlations; ``levers.csv``: each lever's drivers and its label;
- ``sampler.json``, ``screen.csv``, ``emulator.csv``, ``posterior_checks.csv``: the
  sampler's settings, diagnostics (R-hat, ESS), screen, emulator quality and check runs;
- ``design/``, ``wave*_points.npz``: the runs, kept for a resumed calibration.

Resume: the same command on the same folder reuses every saved run; ``resume=False``
deletes them first.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import FolderLocked, locked, write_atomic
from . import checks as ck
from . import evidence as ev
from . import posterior as po
from .draws import NUISANCE_PREFIX, load_posterior, posterior_median
from .errors import CalibrationError, SpecError
from .plan import CalibrationPlan, load_plan

__all__ = ["CONTRACTION_INFORMED", "CalibrationOutcome", "calibrate_posterior", "informed_floor"]

CONTRACTION_INFORMED = 0.2
"""A parameter is "data-informed" when the data shrink its prior variance (on the prior's
normal scale) by at least 20%, and by more than any placebo coordinate's (noise the model
never reads, sampled with the rest: :func:`informed_floor`), AND the screen found that one
prior sd of it moves the figures by at least ``screen_threshold`` sampling sds; otherwise
"prior-driven" (its answer is its prior).  The placebo and the screen are required too
because simulation-based calibration showed that an emulated posterior can contract
parameters the figures barely move (mean contraction 0.37-0.5 for the levers' drivers, with
67-80% coverage, before the snooker move was dropped and the emulator made additive; a
placebo contracted as much): the placebo measures that floor in every calibration."""


def informed_floor(placebo_contraction: Sequence[float]) -> float:
    """The contraction a parameter must reach to be data-informed: 0.2, or the largest
    placebo contraction of the fit (``sampler.json``) if that is larger."""
    return max([CONTRACTION_INFORMED, *placebo_contraction])


@dataclass
class CalibrationOutcome:
    """What a calibration found (the folder holds the same, as files)."""

    out: Path
    fit: po.PosteriorFit
    checks: ck.PredictiveChecks
    identifiability: pd.DataFrame
    levers: pd.DataFrame
    seconds: float

    def summary(self) -> str:
        """A few lines for the terminal."""
        d = self.fit.diagnostics
        s = self.checks.summary
        informed = int((self.identifiability["label"] == "data-informed").sum())
        lines = [
            f"Posterior: {len(self.fit.draws)} draws in {self.out / po.POSTERIOR_FILE}; "
            f"stated point (posterior median) in {self.out / 'fitted.toml'}",
            f"Sampler: {len(self.fit.active_names)} parameters and "
            f"{len(self.fit.nuisance)} nuisances sampled; max R-hat {d['max_rhat']:.3f}, "
            f"min bulk ESS {d['min_ess_bulk']:.0f}; {len(self.fit.design.x)} model runs",
            f"Calibration figures inside their 90% posterior-predictive interval: "
            f"{s['calibration_inside_90']:.0%} of {s['calibration_figures']:.0f}",
            f"Validation (held out): {s['validation_inside_90']:.0%} of "
            f"{s['validation_figures']:.0f} inside; log score {s['validation_log_score']:.1f} "
            f"(prior predictive {s.get('validation_log_score_prior', float('nan')):.1f}); on "
            f"the {s.get('validation_naive_figures', 0):.0f} figures with a naive copy: "
            f"{s.get('validation_log_score_on_naive_figures', float('nan')):.1f} vs naive "
            f"{s.get('validation_log_score_naive', float('nan')):.1f}",
            f"Data-informed parameters: {informed} of {len(self.identifiability)}",
            f"Done in {self.seconds / 60:.1f} min",
        ]
        return "\n".join(lines)


def identifiability(fit: po.PosteriorFit) -> pd.DataFrame:
    """Prior against posterior for every scalar parameter (module doc)."""
    space = fit.space
    z_post = space.to_z(fit.draws[list(space.names)].to_numpy())
    active = set(fit.sampled)
    screen_at = fit.settings.screen_threshold
    floor = informed_floor(fit.placebo_contraction)
    rows = []
    for j, p in enumerate(space.priors):
        lo, hi = p.interval(0.9)
        x = fit.draws[p.name]
        contraction = float(1.0 - np.var(z_post[:, j])) if j in active else 0.0
        rows.append({
            "parameter": p.name, "sampled": j in active,
            "screen_score": float(fit.screen.score[j]),
            "prior_median": float(space.from_z(np.zeros((1, 1)), [j])[0, 0]),
            "prior_05": lo, "prior_95": hi,
            "posterior_median": float(x.median()), "posterior_05": float(x.quantile(0.05)),
            "posterior_95": float(x.quantile(0.95)), "contraction": contraction,
            "label": "data-informed" if (contraction >= floor
                                         and fit.screen.score[j] >= screen_at) else "prior-driven",
            "source": p.source,
        })  # fmt: skip
    return pd.DataFrame(rows)


def correlations(fit: po.PosteriorFit, top: int = 15) -> pd.DataFrame:
    """The strongest posterior correlations between sampled parameters (chain, z scale)."""
    names = fit.active_names
    flat = fit.chain.reshape(-1, fit.chain.shape[2])[:, : len(names)]
    c = np.corrcoef(flat, rowvar=False)
    i, j = np.triu_indices(len(names), k=1)
    order = np.argsort(-np.abs(c[i, j]))[:top]
    return pd.DataFrame({"a": [names[i[k]] for k in order], "b": [names[j[k]] for k in order],
                         "correlation": c[i[order], j[order]]})  # fmt: skip


def lever_table(ident: pd.DataFrame) -> pd.DataFrame:
    """Each lever's drivers, their contraction, and the lever's label: data-informed when
    its main driver (the first listed) is."""
    by = ident.set_index("parameter")
    rows = []
    for lever, drivers in po.LEVER_DRIVERS.items():
        known = [d for d in drivers if d in by.index]
        main = known[0] if known else None
        label = by.loc[main, "label"] if main else "prior-driven"
        rows.append({"lever": lever, "drivers": ", ".join(known),
                     "contractions": ", ".join(f"{by.loc[d, 'contraction']:.2f}" for d in known),
                     "label": label})  # fmt: skip
    return pd.DataFrame(rows)


def _checks(fit: po.PosteriorFit, plan: CalibrationPlan) -> ck.PredictiveChecks:
    """The checks of every figure against the model runs at posterior draws, with the prior
    design as the prior reference."""
    targets, spec = po.load_evidence(plan.paths)
    names = ev.quantity_names(targets, spec)
    data = ev.StudyData.of_study(targets, spec)
    runs = fit.checks.set_index("draw")
    values = runs[list(names)].to_numpy()
    nuis_frame = fit.draws.set_index("draw").loc[runs.index]
    nuisance = {c.removeprefix(NUISANCE_PREFIX): nuis_frame[c].to_numpy()
                for c in nuis_frame.columns if c.startswith(NUISANCE_PREFIX)}  # fmt: skip
    rng = np.random.default_rng(np.random.SeedSequence([fit.settings.seed, 4242]))
    prior = fit.design.wave == 0
    prior_values = fit.design.values[prior]
    prior_nuisance = {p.name: p.sample(rng, len(prior_values)) for p in fit.nuisance}
    return ck.predictive_checks(data, names, values, nuisance, rng,
                                prior_values=prior_values,
                                prior_nuisance=prior_nuisance)  # fmt: skip


def _clear(out: Path) -> None:
    shutil.rmtree(out / "design", ignore_errors=True)
    for f in out.glob("wave*_points.npz"):
        f.unlink()


def calibrate_posterior(
    plan: CalibrationPlan | str | None,
    out: str | Path,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = True,
    log: Callable[[str], None] = print,
) -> CalibrationOutcome:
    """Sample the posterior of ``plan`` (a plan, a plan file, or None: the packaged plan)
    into ``out`` and write every file of the module doc."""
    t0 = time.perf_counter()
    plan = plan if isinstance(plan, CalibrationPlan) else load_plan(plan)
    if workers < 1:
        raise SpecError(f"workers must be at least 1, got {workers}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CalibrationError(f"{out} is a file, not a folder")
    try:
        with locked(out):
            return _calibrate(plan, out, workers, scheduler, resume, log, t0)
    except FolderLocked as exc:
        raise CalibrationError(str(exc)) from None


def _calibrate(plan: CalibrationPlan, out: Path, workers: int, scheduler: str | None,
               resume: bool, log: Callable[[str], None],
               t0: float) -> CalibrationOutcome:  # fmt: skip
    """:func:`calibrate_posterior` once its folder is locked."""
    if not resume:
        _clear(out)
    fit = po.sample_posterior(out, plan.settings, plan.priors(), plan.base(), workers,
                              scheduler, plan.paths, log)  # fmt: skip
    po.write_fit(fit, out)
    checks = _checks(fit, plan)
    write_atomic(out / "fit_checks.csv", checks.table.to_csv(index=False, float_format="%.6g"))
    write_atomic(out / "fit_summary.json", json.dumps(checks.summary, indent=1))
    ident = identifiability(fit)
    write_atomic(out / "identifiability.csv", ident.to_csv(index=False, float_format="%.6g"))
    corr = correlations(fit)
    write_atomic(out / "correlations.csv", corr.to_csv(index=False, float_format="%.4f"))
    levers = lever_table(ident)
    write_atomic(out / "levers.csv", levers.to_csv(index=False))
    point = posterior_median(load_posterior(out / po.POSTERIOR_FILE, plan.base()), plan.base())
    point.to_toml(out / "fitted.toml", meta={
        "method": "posterior median", "draws": len(fit.draws),
        "source": po.POSTERIOR_FILE, "calibrated": time.strftime("%Y-%m-%d"),
    })  # fmt: skip
    return CalibrationOutcome(out, fit, checks, ident, levers, time.perf_counter() - t0)
