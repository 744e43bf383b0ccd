"""The model's side of the evidence: every quantity the likelihood compares with a figure,
from one run of the model (issue 13).

One run from the model's start to the survey month (March 2025) gives, in a fixed order
(:func:`quantity_names`):

- for each target of the study (calibration and validation) that is a proportion, a mean or
  a bound: the model's answer (``survey.ask`` in expected mode);
- for each ordering: both of its sides, ``"<id>:greater"`` and ``"<id>:lesser"``;
- for each dated statistic measured by ``series.toml``: the model quantity its measurement
  reads, ``"series:<row id>"`` (the run stops at each row's month on its way to March 2025).

Beside each value, the number of model firms it is computed over (``group_n``): the model's
own noise on a share is about q(1-q)/group_n, which the likelihood adds to the survey's
sampling variance.  In expected mode every firm answers twice (as Technique and as Business),
so a survey quantity's ``group_n`` is half the answers in its group.

The run stops at March 2025, the last month a target needs: nothing after it enters the
likelihood, so stopping there changes no number the fit sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import AdoptionModel, Params
from ..model.clock import SURVEY_MONTH, month_index
from . import series as sr
from . import survey
from . import targets as tg

__all__ = ["ModelOutputs", "quantity_names", "simulate"]

SERIES_PREFIX = "series:"


def quantity_names(
    targets: Sequence[tg.Target], spec: sr.SeriesSpec | None
) -> tuple[str, ...]:
    """The ordered names of the model quantities the likelihood needs (see module doc)."""
    names: list[str] = []
    for t in targets:
        if t.kind == "ordering":
            names += [f"{t.id}:greater", f"{t.id}:lesser"]
        else:
            names.append(t.id)
    if spec is not None:
        names += [SERIES_PREFIX + m.id for m in spec.measurements]
    return tuple(names)


@dataclass(frozen=True)
class ModelOutputs:
    """The model's quantities of one run, in :func:`quantity_names` order."""

    names: tuple[str, ...]
    values: np.ndarray
    group_n: np.ndarray


def _side(answers: survey.Answers, side: str, metric: str,
          by_id: dict[str, tg.Target]) -> tuple[float, int]:  # fmt: skip
    """One side of an ordering and its respondents (a target id or "metric:cat@group")."""
    if side in by_id:
        t = by_id[side]
        return survey.estimate(answers, t.metric, t.category, t.group or "all")
    expr, group = side.split("@")
    metric_name, _, category = expr.partition(":")
    return survey.estimate(answers, metric_name or metric, category or None, group)


def survey_quantities(
    answers: survey.Answers, targets: Sequence[tg.Target]
) -> tuple[list[float], list[float]]:
    """Values and answer counts of every target (orderings: both sides), in name order."""
    by_id = {t.id: t for t in targets}
    values: list[float] = []
    counts: list[float] = []
    for t in targets:
        if t.kind == "ordering":
            for side in (t.greater, t.lesser):
                v, n = _side(answers, str(side), t.metric, by_id)
                values.append(v)
                counts.append(float(n))
        else:
            v, n = survey.estimate(answers, t.metric, t.category, t.group or "all")
            values.append(v)
            counts.append(float(n))
    return values, counts


def _series_quantity(model: AdoptionModel, m: sr.Measurement) -> tuple[float, float]:
    q = sr.model_quantity(model, m.quantity, m.sizes)
    n = sr.firms_of(model, m.sizes)
    return q, float(n)


def simulate(
    params: Params,
    seed: int,
    targets: Sequence[tg.Target],
    spec: sr.SeriesSpec | None,
) -> ModelOutputs:
    """Run the model from ``seed`` to March 2025 and read every quantity (module doc)."""
    names = quantity_names(targets, spec)
    measurements = list(spec.measurements) if spec is not None else []
    months = sorted({m.month for m in measurements}, key=month_index)
    if any(month_index(mo) > month_index(SURVEY_MONTH) for mo in months):
        raise ValueError(f"a series month is after the survey month {SURVEY_MONTH}")
    series_values: dict[str, tuple[float, float]] = {}
    with AdoptionModel(params, seed=seed, collect=False, firm_agents=False) as model:
        for month in months:
            model.run(month)
            for m in measurements:
                if m.month == month:
                    series_values[m.id] = _series_quantity(model, m)
        model.run(SURVEY_MONTH)
        answers = survey.expected_answers(model.state, model.params)
        values, counts = survey_quantities(answers, targets)
    group_n = [c / 2.0 for c in counts]  # every firm answers twice in expected mode
    for m in measurements:
        v, n = series_values[m.id]
        values.append(v)
        group_n.append(n)
    return ModelOutputs(names, np.asarray(values, dtype=np.float64),
                        np.asarray(group_n, dtype=np.float64))  # fmt: skip
