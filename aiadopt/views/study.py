"""The study's values on the figures: a target's value and 95% interval, and its mark.

The study (Publicis Sapient France, March 2025) is read from the calibration's targets
(``aiadopt/calibration/targets.toml``) when a figure first asks for it, never at import time.
Every figure and the dashboard mark the study with :func:`study_mark` (a diamond and an error
bar at the survey month).
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from ..calibration.survey import N_BUSINESS, N_TECHNIQUE
from ..calibration.targets import TargetsError, load_targets, study_interval
from .style import SURVEY_DATE

STUDY_TARGETS: dict[str, str] = {
    "engaged": "engaged_share",
    "active": "in_place_or_in_progress_share",
    "in_place": "in_place_share",
    "technique": "deployed_view_technique",
    "business": "deployed_view_business",
}
"""The study's headline values the views show, by name: target id (the one map of them).
Engaged (planned or beyond) 48%, active (experimenting or beyond) 29%, in place (deployed or
scaled) 15% (text p.2, Figure 9); the Technique and Business respondents who say generative AI
is deployed, 10% and 21% (text p.2)."""

STUDY_STAGE_MARKS = tuple(
    (key, STUDY_TARGETS[key], colour)
    for key, colour in (("engaged", "#d7301f"), ("active", "#fc8d59"), ("in_place", "#fee090"))
)
"""The study's stage shares marked on the stage figure: key, target id, colour."""


ANSWER_LABEL = "model: what respondents would say"
"""How the views name the model's simulated answer to a study question (like with like)."""

STATE_LABEL = "model state (true stages, not what respondents say)"
"""How the views name the model's true state where it is drawn beside the study."""

ROLE_WEIGHTS: dict[str, float] = {
    "technique": N_TECHNIQUE / (N_TECHNIQUE + N_BUSINESS),
    "business": N_BUSINESS / (N_TECHNIQUE + N_BUSINESS),
}
"""The study's respondents by role (114 Technique, 117 Business; Methodology), as weights:
a study share over all respondents is this mix of the two roles' views (the calibration's
simulated survey weighs them so)."""


def respondents_in_place(technique: pd.Series, business: pd.Series) -> pd.Series:
    """The share of respondents who would say generative AI is in place (deployed or scaled),
    the study's "in place 15%": the Technique and Business views of "deployed"
    (``deployed_view.*``) mixed as the study's respondents were (:data:`ROLE_WEIGHTS`)."""
    return ROLE_WEIGHTS["technique"] * technique + ROLE_WEIGHTS["business"] * business


def model_answer(
    fit: pd.DataFrame | None, target_id: str, scale: float = 100.0
) -> tuple[float, float, float] | None:
    """The model's simulated answer to a study question: median and 90% band (5th, 95th
    percentile over the sampled surveys) of target ``target_id`` in a calibration fit table
    (:func:`aiadopt.calibration.report.fit_report`), times ``scale``; None without it."""
    if fit is None or "id" not in fit.columns:
        return None
    row = fit[fit["id"].astype(str) == target_id]
    if row.empty:
        return None
    r = row.iloc[0]
    try:
        values = tuple(float(r[c]) * scale for c in ("model_median", "model_p05", "model_p95"))
    except (KeyError, TypeError, ValueError):
        return None
    return values if pd.notna(values[0]) else None  # type: ignore[return-value]


def answer_mark(
    ax,
    value: tuple[float, float, float],
    colour: str,
    label: str | None = None,
    *,
    shift_days: float = 45.0,
):
    """The model's simulated answer (hollow circle) and its 90% band over the sampled surveys
    (error bar) at the survey month, shifted by ``shift_days`` so that it sits beside the
    study's diamond (:func:`study_mark`)."""
    v, lo, hi = value
    return ax.errorbar(
        [SURVEY_DATE + pd.Timedelta(days=shift_days)],
        [v],
        yerr=[[max(0.0, v - lo)], [max(0.0, hi - v)]],
        fmt="o",
        ms=6.5,
        mfc="white",
        mec=colour,
        mew=1.8,
        color=colour,
        ecolor=colour,
        elinewidth=1.4,
        capsize=3.0,
        zorder=7,
        label=label,
    )


def study_target(metric: str, group: str) -> str | None:
    """The study target a model series (``metric``, ``group`` of a tidy table) is set against,
    or None: the two views of "deployed" (all firms; :data:`STUDY_TARGETS`), the expected gains
    (all firms) and the realised gains (active firms: the study's base of Figures 15-16)."""
    family, _, what = metric.partition(".")
    if family == "deployed_view" and group == "all":
        return STUDY_TARGETS.get(what)
    if (family, group) in (("gain_expected", "all"), ("gain_realised", "active")):
        return f"{family}_{what}"
    return None


_STUDY_MARK = {"fmt": "D", "ms": 6.5, "mec": "white", "mew": 0.9, "elinewidth": 1.4, "capsize": 3.5}


@functools.cache
def _targets() -> dict[str, Any]:
    """The study's targets by id, read once (empty if the targets file cannot be read: a broken
    file must not stop the figures; the calibration's own tests catch it)."""
    try:
        return {t.id: t for t in load_targets()}
    except (TargetsError, OSError):  # pragma: no cover
        return {}


def study_value(target_id: str, scale: float = 100.0) -> tuple[float, float, float] | None:
    """A study target's value and 95% interval (times ``scale``), or None if unknown."""
    target = _targets().get(target_id)
    if target is None or target.value is None:
        return None
    try:
        low, high = study_interval(target)
    except ValueError:  # a bound or an ordering: no sampling interval
        low = high = float(target.value)
    return float(target.value) * scale, low * scale, high * scale


def study_mark(
    ax,
    value: tuple[float, float, float],
    colour: str,
    label: str | None = None,
    *,
    edge: str | None = None,
    shift_days: float = 0.0,
):
    """The study's value (diamond) and 95% interval (error bar) at the survey month, shifted
    by ``shift_days`` (to keep two intervals at the same month apart); ``edge``: the colour
    of the diamond's edge and of the bar (default: white edge, bar in ``colour``)."""
    v, lo, hi = value
    options = dict(_STUDY_MARK)
    if edge is not None:
        options["mec"] = edge
    return ax.errorbar(
        [SURVEY_DATE + pd.Timedelta(days=shift_days)],
        [v],
        yerr=[[v - lo], [hi - v]],
        color=colour,
        mfc=colour,
        ecolor=edge or colour,
        zorder=7,
        label=label,
        **options,
    )
