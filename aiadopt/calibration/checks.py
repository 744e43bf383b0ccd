"""Posterior-predictive checks and honest validation (issue 13, points 7 and 9): every
figure of the study scored against the model ITSELF run at posterior draws, never against
the emulator.

For each model run at a posterior draw (``posterior_checks.csv``: the model's quantities of
runs at the first draws of the posterior sample, with the draw's nuisance values), the
study's figures are drawn again from their sampling model (:meth:`Likelihood.predictive`:
the same raw bases, design effect and measurement as the likelihood), ``replicates`` times.
For each observation this gives its posterior-predictive distribution; the report gives:

- the 90% posterior-predictive interval (5th-95th percentiles) and whether the study's
  figure is inside it;
- the study's figure's predictive percentile (mid-rank: a figure equal to simulated ones
  counts half; the study prints whole percents, so figures within half a point or half a
  respondent of each other are ties).  A statement (bound or ordering) is inside when the
  model makes it true with probability at least 5%;
- the log predictive density of the figure (log of the mean likelihood over the draws).

Validation (the held-out figures, ``use = "validation"`` in ``targets.toml``, never fitted)
is reported apart, with its log score against two references:

- the **prior predictive** (the model at draws from the priors, before the data: what the
  fit added);
- a **naive baseline**: copy the closest calibration figure of the same question (Figure 12's
  "engaged" column for its "planned" and "active" columns; the all-respondent "in place"
  share for each function's view; the average of the two functions' interest for the
  interest of firms in place).  Figures with no such counterpart have no naive score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from . import evidence as ev

__all__ = ["LEVEL", "NAIVE_COPIES", "PredictiveChecks", "predictive_checks"]

LEVEL = 0.9
"""The posterior-predictive intervals are central 90% intervals (issue 13, acceptance)."""

NAIVE_COPIES: Mapping[str, tuple[str, ...]] = {
    **{f"action_{a}_{col}": (f"action_{a}_engaged",)
       for a in ("outsourcing", "outsource_all", "training", "external_experts",
                 "dedicated_staff", "new_roles_internal", "new_roles_external")
       for col in ("planned", "in_place_or_in_progress")},
    "deployed_view_technique": ("in_place_share",),
    "deployed_view_business": ("in_place_share",),
    **{f"usecase_interest_{u}_in_place": (f"usecase_interest_{u}_technique",
                                          f"usecase_interest_{u}_business")
       for u in ("content", "personalisation", "test_automation")},
}
"""The naive baseline of each validation figure: the calibration figures it copies (their
mean)."""


@dataclass(frozen=True)
class PredictiveChecks:
    """One row per observation (``table``) and the summary of calibration and validation."""

    table: pd.DataFrame
    summary: dict[str, float]


def _mid_percentile(sim: np.ndarray, observed: np.ndarray, tie: np.ndarray) -> np.ndarray:
    below = (sim < observed[None, :] - tie[None, :]).mean(axis=0)
    equal = (np.abs(sim - observed[None, :]) <= tie[None, :]).mean(axis=0)
    return below + 0.5 * equal


def _log_score(ll: np.ndarray) -> np.ndarray:
    """Log of the mean likelihood over draws, per observation (NaN-safe)."""
    ll = np.where(np.isfinite(ll), ll, -np.inf)
    return logsumexp(ll, axis=0) - np.log(ll.shape[0])


def predictive_checks(
    data: ev.StudyData,
    names: Sequence[str],
    values: np.ndarray,
    nuisance: Mapping[str, np.ndarray],
    rng: np.random.Generator,
    replicates: int = 20,
    prior_values: np.ndarray | None = None,
    prior_nuisance: Mapping[str, np.ndarray] | None = None,
) -> PredictiveChecks:
    """Checks of every observation of ``data`` against model runs ``values`` (m, Q) at
    posterior draws with their ``nuisance`` values (m,) (see the module doc);
    ``prior_values``/``prior_nuisance``: runs at prior draws, for the validation's prior
    reference."""
    lik = ev.Likelihood(data, names, use=None)
    ok = np.isfinite(lik.logliks(values, 0.0, nuisance)).all(axis=1)
    values = values[ok]
    nuisance = {k: np.asarray(v)[ok] for k, v in nuisance.items()}
    sims = np.concatenate([lik.predictive(values, 0.0, nuisance, rng) for _ in range(replicates)])
    observed = np.array([data.observed[i] for i in lik.index])
    kinds = [data.kinds[i] for i in lik.index]
    bases = np.array([data.bases[i][0] for i in lik.index])
    statement = np.array([k in ("bound", "ordering") for k in kinds])
    tie = np.maximum(0.005, 0.5 / (bases / 1.3))
    tie = np.where(np.array([k == "mean" for k in kinds]), 0.05, tie)
    pct = _mid_percentile(sims, observed, tie)
    lo, hi = np.quantile(sims, [(1 - LEVEL) / 2, (1 + LEVEL) / 2], axis=0)
    p_true = sims.mean(axis=0)
    inside = np.where(statement, p_true >= (1 - LEVEL) / 2,
                      (pct >= (1 - LEVEL) / 2) & (pct <= (1 + LEVEL) / 2))  # fmt: skip
    score = _log_score(lik.logliks(values, 0.0, nuisance))
    table = pd.DataFrame({
        "id": lik.ids, "kind": kinds, "use": [data.uses[i] for i in lik.index],
        "observed": observed, "ppi_05": np.where(statement, np.nan, lo),
        "ppi_95": np.where(statement, np.nan, hi),
        "median": np.where(statement, np.nan, np.median(sims, axis=0)),
        "p_statement_true": np.where(statement, p_true, np.nan),
        "percentile": np.where(statement, np.nan, pct), "inside_90": inside,
        "log_score": score,
    })  # fmt: skip
    if prior_values is not None and prior_nuisance is not None:
        table["log_score_prior"] = _log_score(lik.logliks(prior_values, 0.0, prior_nuisance))
    table["log_score_naive"] = _naive_scores(lik, data, names, nuisance)
    return PredictiveChecks(table, _summary(table))


def _naive_scores(lik: ev.Likelihood, data: ev.StudyData, names: Sequence[str],
                  nuisance: Mapping[str, np.ndarray]) -> np.ndarray:  # fmt: skip
    """Log score of the naive baseline (copy a calibration figure; NaN where none)."""
    observed = dict(zip(data.ids, data.observed, strict=True))
    position = {n: j for j, n in enumerate(names)}
    values = np.full((1, len(names)), 0.5)
    has = np.zeros(lik.n_obs, dtype=bool)
    for c, i in enumerate(lik.index):
        copies = NAIVE_COPIES.get(data.ids[i])
        if copies and all(x in observed for x in copies) and data.ids[i] in position:
            values[0, position[data.ids[i]]] = float(np.mean([observed[x] for x in copies]))
            has[c] = True
    nu = {k: np.array([float(np.median(v))]) for k, v in nuisance.items()}
    ll = lik.logliks(values, 0.0, nu)[0]
    return np.where(has, ll, np.nan)


def _summary(table: pd.DataFrame) -> dict[str, float]:
    out: dict[str, float] = {}
    for use in ("calibration", "validation"):
        part = table[table["use"] == use]
        out[f"{use}_figures"] = float(len(part))
        out[f"{use}_inside_90"] = float(part["inside_90"].mean()) if len(part) else np.nan
        out[f"{use}_log_score"] = float(part["log_score"].sum())
        if "log_score_prior" in part:
            out[f"{use}_log_score_prior"] = float(part["log_score_prior"].sum())
        naive = part["log_score_naive"].notna()
        if naive.any():
            out[f"{use}_naive_figures"] = float(naive.sum())
            out[f"{use}_log_score_on_naive_figures"] = float(part.loc[naive, "log_score"].sum())
            out[f"{use}_log_score_naive"] = float(part.loc[naive, "log_score_naive"].sum())
    return out
