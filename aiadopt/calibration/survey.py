"""The simulated survey: ask the model's respondents, in March 2025, what the study asked.

The study (Methodology) interviewed 231 decision-makers of firms of 100+ employees, 114 from
Technique functions and 117 from Business functions, by telephone from 3 to 24 March 2025,
and post-stratified the answers on INSEE margins (sector, size class, region).  Each
respondent answers from its own role's view: a Business respondent counts AI as "in place"
when its teams use a tool (shadow AI, or a content/personalisation pilot for some), where a
Technique respondent waits for an integrated use case (text p.2).  The 10% vs 21% gap of the
two views is therefore an output of the survey, never an input.

Two modes:

- ``expected``: every firm of the model answers, once as Technique and once as Business,
  the two roles weighted 114:117 as in the study; probabilistic answers (interest, the
  favourite use case) enter as probabilities.  The model population already has the INSEE
  margins, so no reweighting is needed.  Smooth in the parameters: for fitting.
- ``sampled``: 231 firms drawn without replacement (larger firms more likely to be drawn,
  an assumption about the professional file), 114 of them asked as Technique and 117 as
  Business, every answer drawn (Bernoulli for interest, a categorical for the favourite),
  then weights raked to the population's size, sector and region margins.  Shows the
  sampling noise the study itself had.

The output is one tidy table keyed by the target ids (see :func:`ask`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import pandas as pd

from ..model import AdoptionModel, Params, rules
from ..model.clock import SURVEY_MONTH
from ..model.stages import (
    Collaboration,
    Difficulty,
    Gain,
    Obstacle,
    Outsourcing,
    ProviderManager,
    SizeClass,
    Stage,
    Strategy,
    UseCase,
    UseCaseStage,
    label,
)
from ..model.state import FirmState
from . import targets as tg

TECHNIQUE, BUSINESS = 0, 1
N_TECHNIQUE, N_BUSINESS = 114, 117  # Methodology
SAMPLING_SIZE_FACTOR = (1.0, 1.6, 2.2)
"""Relative chance of a firm of each size class to be drawn (assumption: larger firms are
over-represented in professional files; the weights undo it)."""

MODES = ("expected", "sampled")


def codes_of(enum: type[IntEnum]) -> dict[str, int]:
    """A target category's name -> the model's integer code, taken from the model's
    enumeration (the names are the members' labels; sentinels below 0, such as
    ``Collaboration.UNSET``, are left out): the enums stay the one place a code is declared."""
    return {label(m): int(m) for m in enum if int(m) >= 0}


CATEGORY_ENUMS: dict[str, type[IntEnum]] = {
    "stages": Stage,
    "obstacles": Obstacle,
    "use_cases": UseCase,
    "strategy": Strategy,
    "outsourcing": Outsourcing,
    "provider_manager": ProviderManager,
    "collaboration": Collaboration,
    "collab_difficulties": Difficulty,
    "gains": Gain,
}
"""The model enumeration behind each vocabulary of target categories
(:data:`aiadopt.calibration.targets.CATEGORY_VOCABULARIES`) that the survey reads as codes."""

_STAGE_CODES = codes_of(Stage)
_COLLAB_CODES = codes_of(Collaboration)
_STRATEGY_CODES = codes_of(Strategy)
_OUTSOURCING_CODES = codes_of(Outsourcing)
_MANAGER_CODES = codes_of(ProviderManager)
_USE_CASES = codes_of(UseCase)
_OBSTACLES = codes_of(Obstacle)
_DIFFICULTIES = codes_of(Difficulty)
_GAINS = codes_of(Gain)

NOT_MODELLED = {
    "outsourcing_reason:complexity": "the model has no perceived complexity of deployment",
    "outsourcing_reason:provider_quality": "the model has no quality of provider solutions",
}
"""Quantities of the study the model cannot speak to, with the reason (reported, never fitted)."""


class SurveyError(ValueError):
    """The survey was asked something it cannot answer (unknown mode, metric or group)."""


@dataclass
class Answers:
    """Every respondent's answers, one entry per respondent (role-specific where it matters).

    ``interest`` and ``favourite`` are probabilities in expected mode and 0/1 draws in
    sampled mode; everything else is a fact of the firm seen from the respondent's role.
    """

    weight: np.ndarray  # survey weight
    role: np.ndarray  # TECHNIQUE or BUSINESS
    size: np.ndarray  # SizeClass
    stage: np.ndarray  # Stage as reported by the respondent's role
    obstacles: np.ndarray  # (m, 5) bool, cited
    interest: np.ndarray  # (m, 6) float
    favourite: np.ndarray  # (m, 6) float
    in_place: np.ndarray  # (m, 6) bool
    strategy: np.ndarray
    outsourcing: np.ndarray
    manager: np.ndarray
    training: np.ndarray
    dedicated: np.ndarray
    roles_internal: np.ndarray
    roles_external: np.ndarray
    external_experts: np.ndarray
    collaboration: np.ndarray  # as reported by the respondent's role (-1: unset)
    difficulties: np.ndarray  # (m, 3) bool
    expected: np.ndarray  # (m, 3) percent
    realised: np.ndarray  # (m, 3) percent
    agentic: np.ndarray  # bool, the respondent's role heard of agentic AI
    cache: dict = field(default_factory=dict)  # group masks and metric values, by key

    @property
    def n(self) -> int:
        return int(self.weight.shape[0])


# --- answering ------------------------------------------------------------------------------------


def reported_stage(state: FirmState, firms: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """The stage each respondent reports: Technique reports the firm's stage; Business
    reports "deployed" when it sees AI in place though the firm has not deployed (text p.2)."""
    stage = state.stage[firms].astype(np.int8)
    loose = rules.business_sees_deployed(state)[firms]
    upgrade = (roles == BUSINESS) & loose & (stage < Stage.DEPLOYED)
    stage[upgrade] = Stage.DEPLOYED
    return stage


def _favourite_probabilities(interest: np.ndarray, sharpness: float) -> np.ndarray:
    """Probability that each use case is named the most interesting: a Luce choice rule,
    P_j proportional to interest_j ** sharpness (assumption; Figure 5's 41% for content)."""
    w = np.power(np.clip(interest, 1e-9, 1.0), sharpness)
    return w / w.sum(axis=1, keepdims=True)


def answer(
    state: FirmState,
    params: Params,
    firms: np.ndarray,
    roles: np.ndarray,
    weights: np.ndarray,
    rng: np.random.Generator | None = None,
) -> Answers:
    """The answers of respondents (``firms[k]`` asked as ``roles[k]``); with ``rng``, the
    probabilistic answers are drawn (sampled mode), else kept as probabilities."""
    e = state.enthusiasm[firms]
    x = state.uc_experience[firms]
    interest_t, interest_b = rules.interest_from(
        e, x, params, params.interest_technique, params.interest_business
    )
    interest = np.where((roles == TECHNIQUE)[:, None], interest_t, interest_b).astype(np.float64)
    favourite = _favourite_probabilities(interest, params.favourite_sharpness)
    if rng is not None:
        interest = (rng.random(interest.shape) < interest).astype(np.float64)
        cdf = np.cumsum(favourite, axis=1)
        pick = (rng.random((len(firms), 1)) > cdf).sum(axis=1).clip(0, favourite.shape[1] - 1)
        favourite = np.eye(favourite.shape[1])[pick]
    collaboration = state.collaboration[firms].astype(np.int8)
    business = roles == BUSINESS
    shadow = state.shadow_ai[firms]
    # a Business respondent whose teams use tools of their own reports no collaboration
    # (Figure 13: non-collaboration is reported above all by Business, 32%); this includes
    # firms not engaged, whose Business reports AI "in place" through shadow AI
    collaboration[business & shadow] = Collaboration.NONE
    return Answers(
        weight=np.asarray(weights, dtype=np.float64),
        role=roles,
        size=state.size[firms],
        stage=reported_stage(state, firms, roles),
        obstacles=rules.obstacle_severities(state)[firms] > params.cite_threshold,
        interest=interest,
        favourite=favourite,
        in_place=state.uc_stage[firms] == UseCaseStage.IN_PLACE,
        strategy=state.strategy[firms],
        outsourcing=state.outsourcing[firms],
        manager=state.manager[firms],
        training=state.training[firms],
        dedicated=state.dedicated[firms],
        roles_internal=state.roles_internal[firms],
        roles_external=state.roles_external[firms],
        external_experts=state.external_experts[firms],
        collaboration=collaboration,
        difficulties=state.difficulties[firms],
        expected=state.expected[firms].astype(np.float64),
        realised=state.realised[firms].astype(np.float64),
        agentic=np.where(business, state.business_agentic[firms], state.technique_agentic[firms]),
    )


# --- groups and metrics ---------------------------------------------------------------------------


def _engaged(a: Answers) -> np.ndarray:
    return a.stage >= Stage.PLANNED


def _active(a: Answers) -> np.ndarray:
    return a.stage >= Stage.EXPERIMENTING


_GROUPS: dict[str, Callable[[Answers], np.ndarray]] = {
    "all": lambda a: np.ones(a.n, dtype=bool),
    "technique": lambda a: a.role == TECHNIQUE,
    "business": lambda a: a.role == BUSINESS,
    "not_engaged": lambda a: a.stage == Stage.NOT_ENGAGED,
    "engaged": _engaged,
    "planned": lambda a: a.stage == Stage.PLANNED,
    "in_progress": lambda a: a.stage == Stage.EXPERIMENTING,
    "in_place": lambda a: a.stage >= Stage.DEPLOYED,
    "in_place_or_in_progress": _active,
    "outsourcing": lambda a: _engaged(a) & (a.outsourcing != Outsourcing.NONE),
    "collaborative": lambda a: (
        _active(a) & (a.collaboration >= 0) & (a.collaboration != Collaboration.NONE)
    ),
    "non_collaborative": lambda a: _active(a) & (a.collaboration == Collaboration.NONE),
    "tripartite": lambda a: _active(a) & (a.strategy == Strategy.TRIPARTITE),
    "size_100_249": lambda a: a.size == SizeClass.S100_249,
    "size_250_499": lambda a: a.size == SizeClass.S250_499,
    "size_500_plus": lambda a: a.size == SizeClass.S500_PLUS,
}


def group_mask(answers: Answers, group: str) -> np.ndarray:
    """Respondents of a target group (atoms joined by "&" intersect)."""
    mask = np.ones(answers.n, dtype=bool)
    for atom in group.split("&"):
        try:
            mask &= _GROUPS[atom](answers)
        except KeyError:
            raise SurveyError(
                f"unknown group atom {atom!r}; allowed: {', '.join(_GROUPS)}"
            ) from None
    return mask


def _codes(values: np.ndarray, categories: Sequence[str], codes: dict[str, int]) -> np.ndarray:
    return np.isin(values, [codes[c] for c in categories]).astype(np.float64)


def metric_values(answers: Answers, metric: str, categories: Sequence[str]) -> np.ndarray | None:
    """Each respondent's value of ``metric`` for the pooled ``categories`` (an indicator for
    shares, a percent for gains); ``None`` if the model cannot speak to it."""
    a = answers
    if metric in NOT_MODELLED or any(f"{metric}:{c}" in NOT_MODELLED for c in categories):
        return None
    if metric in ("stage_share", "deployed_view"):
        return _codes(a.stage, categories, _STAGE_CODES)
    if metric == "outsourcing_reason":  # only "skills" is modelled (see NOT_MODELLED)
        # lack of internal AI skills, cited as a reason to outsource = the skills obstacle
        return a.obstacles[:, _OBSTACLES["skills"]].astype(float)
    if metric == "obstacle_prevalence":
        return a.obstacles[:, [_OBSTACLES[c] for c in categories]].any(axis=1).astype(float)
    if metric in ("usecase_interest", "usecase_most_interesting", "usecase_in_place"):
        table = {"usecase_interest": a.interest, "usecase_most_interesting": a.favourite,
                 "usecase_in_place": a.in_place}[metric]  # fmt: skip
        cols = [_USE_CASES[c] for c in categories]
        if metric == "usecase_interest":
            return table[:, cols].max(axis=1).astype(float)
        return table[:, cols].sum(axis=1).clip(0, 1).astype(float)
    if metric == "strategy_share":
        return _codes(a.strategy, categories, _STRATEGY_CODES)
    if metric == "outsourcing_share":
        return _codes(a.outsourcing, categories, _OUTSOURCING_CODES)
    if metric == "provider_manager_share":
        return _codes(a.manager, categories, _MANAGER_CODES)
    if metric == "action_share":
        actions = {
            "outsourcing": a.outsourcing != Outsourcing.NONE,
            "outsource_all": a.outsourcing == Outsourcing.ALL,
            "training": a.training,
            "dedicated_staff": a.dedicated,
            "new_roles_internal": a.roles_internal,
            "new_roles_external": a.roles_external,
            "external_experts": a.external_experts,
        }
        return np.logical_or.reduce([actions[c] for c in categories]).astype(float)
    if metric == "collaboration_share":
        return _codes(a.collaboration, categories, _COLLAB_CODES)
    if metric == "collab_difficulty_share":
        return a.difficulties[:, [_DIFFICULTIES[c] for c in categories]].any(axis=1).astype(float)
    if metric in ("gain_expected", "gain_realised"):
        table = a.expected if metric == "gain_expected" else a.realised
        return table[:, [_GAINS[c] for c in categories]].sum(axis=1)
    if metric == "agentic_awareness":
        return a.agentic.astype(float)
    if metric == "success_factors":
        counts = success_factor_counts(a)
        wanted = [_FACTOR_COUNTS[c] for c in categories]
        return np.isin(np.minimum(counts, 3), wanted).astype(float)
    raise SurveyError(f"unknown metric {metric!r}; allowed: {', '.join(tg.METRICS)}")


_FACTOR_COUNTS = {"zero": 0, "one": 1, "two": 2, "three_plus": 3}


def success_factor_counts(a: Answers) -> np.ndarray:
    """How many of the six success factors of text p.6 each respondent's firm holds, from
    its answers: the tripartite strategy, providers managed by the Technique-Business pair,
    training, dedicated staff, new AI roles, and balanced collaboration as the respondent
    reports it (the same factors as the model's ``rules.portfolio.success_factor_pairs``)."""
    return (
        (a.strategy == Strategy.TRIPARTITE).astype(int)
        + (a.manager == ProviderManager.PAIR)
        + a.training.astype(bool)
        + a.dedicated.astype(bool)
        + (a.roles_internal.astype(bool) | a.roles_external.astype(bool))
        + (a.collaboration == Collaboration.BALANCED)
    )


def estimate(answers: Answers, metric: str, category: str | None, group: str) -> tuple[float, int]:
    """Weighted estimate of ``metric:category`` over ``group``, and the raw respondent count
    of the group (NaN estimate where the group is empty or the model cannot answer)."""
    cache = answers.cache
    if group not in cache:
        cache[group] = group_mask(answers, group)
    mask = cache[group]
    key = (metric, category)
    if key not in cache:
        cache[key] = metric_values(answers, metric, tuple(category.split("+")) if category else ())
    values = cache[key]
    n = int(mask.sum())
    w = answers.weight[mask]
    if values is None or n == 0 or w.sum() <= 0:
        return float("nan"), n
    # an elementwise product, not np.dot: a BLAS call wakes OpenBLAS's threads for every
    # target, which made a whole survey 3x slower in a single process
    return float((w * values[mask]).sum() / w.sum()), n


def _side(answers: Answers, side: str, metric: str, by_id: dict[str, tg.Target]) -> float:
    """One side of an ordering: a target id or a "metric:category@group" expression."""
    if side in by_id:
        t = by_id[side]
        return estimate(answers, t.metric, t.category, t.group or "all")[0]
    expr, group = side.split("@")
    metric_name, _, category = expr.partition(":")
    return estimate(answers, metric_name or metric, category or None, group)[0]


def ask(answers: Answers, targets: Sequence[tg.Target]) -> pd.DataFrame:
    """The model's answer to every target: one row per target id.

    Columns: ``id, use, kind, value, n`` (raw respondents in the group), and for orderings
    ``greater, lesser`` (the two sides; ``value`` is their difference).  ``value`` is NaN
    where the model cannot speak to the target (see :data:`NOT_MODELLED`).
    """
    by_id = {t.id: t for t in targets}
    rows = []
    for t in targets:
        row = {"id": t.id, "use": t.use, "kind": t.kind, "greater": np.nan, "lesser": np.nan}
        if t.kind == "ordering":
            g = _side(answers, t.greater, t.metric, by_id)
            lo = _side(answers, t.lesser, t.metric, by_id)
            row.update(value=g - lo, n=np.nan, greater=g, lesser=lo)
        else:
            value, n = estimate(answers, t.metric, t.category, t.group or "all")
            row.update(value=value, n=n)
        rows.append(row)
    return pd.DataFrame(rows, columns=["id", "use", "kind", "value", "n", "greater", "lesser"])


# --- the two modes --------------------------------------------------------------------------------


def expected_answers(state: FirmState, params: Params) -> Answers:
    """Every firm answers twice, as Technique and as Business, weighted 114:117."""
    n = state.n
    firms = np.concatenate([np.arange(n), np.arange(n)])
    roles = np.repeat(np.array([TECHNIQUE, BUSINESS], dtype=np.int8), n)
    weights = np.repeat([N_TECHNIQUE / n, N_BUSINESS / n], n)
    return answer(state, params, firms, roles, weights)


def rake(
    margins: Sequence[tuple[np.ndarray, np.ndarray]],
    base: np.ndarray,
    iterations: int = 50,
    tol: float = 1e-10,
) -> np.ndarray:
    """Iterative proportional fitting: weights from ``base`` whose weighted shares match each
    (codes, target shares) margin (post-stratification on INSEE margins, Methodology)."""
    w = np.asarray(base, dtype=np.float64).copy()
    for _ in range(iterations):
        worst = 0.0
        for codes, shares in margins:
            totals = np.bincount(codes, weights=w, minlength=len(shares))
            wanted = shares * w.sum()
            factor = np.divide(wanted, totals, out=np.ones_like(wanted), where=totals > 0)
            w *= factor[codes]
            worst = max(worst, float(np.abs(factor - 1).max()))
        if worst < tol:
            break
    return w / w.sum()


def sampled_answers(state: FirmState, params: Params, rng: np.random.Generator) -> Answers:
    """231 respondents as the study drew them (see the module docstring), raked weights."""
    n_resp = N_TECHNIQUE + N_BUSINESS
    if state.n < n_resp:
        raise SurveyError(
            f"the sampled survey needs at least {n_resp} firms, the model has {state.n}"
        )
    p = np.asarray(SAMPLING_SIZE_FACTOR)[state.size]
    firms = rng.choice(state.n, size=n_resp, replace=False, p=p / p.sum())
    roles = rng.permutation(np.repeat(np.array([TECHNIQUE, BUSINESS], dtype=np.int8),
                                      [N_TECHNIQUE, N_BUSINESS]))  # fmt: skip
    margins = []
    for codes_all in (state.size, state.sector, state.region):
        shares = np.bincount(codes_all, minlength=3 if codes_all is not state.region else 2)
        margins.append((codes_all[firms].astype(np.int64), shares / shares.sum()))
    weights = rake(margins, np.ones(n_resp))
    return answer(state, params, firms, roles, weights, rng)


def survey_model(
    model: AdoptionModel,
    targets: Sequence[tg.Target] | None = None,
    mode: str = "expected",
    rng: np.random.Generator | None = None,
) -> pd.DataFrame:
    """Ask ``model`` (standing at the survey month) every target; see :func:`ask`."""
    if mode not in MODES:
        raise SurveyError(f"unknown survey mode {mode!r}; allowed: {', '.join(MODES)}")
    if model.month != SURVEY_MONTH:
        raise SurveyError(f"the model stands at {model.month}, the survey is in {SURVEY_MONTH}")
    pool = tg.load_targets() if targets is None else targets
    if mode == "expected":
        answers = expected_answers(model.state, model.params)
    else:
        if rng is None:
            raise SurveyError("the sampled survey needs a random generator (rng)")
        answers = sampled_answers(model.state, model.params, rng)
    return ask(answers, pool)


def run_survey(
    params: Params,
    seed: int,
    mode: str = "expected",
    replicates: int = 1,
    targets: Sequence[tg.Target] | None = None,
) -> pd.DataFrame:
    """Run the model from ``seed`` to March 2025 and survey it ``replicates`` times (sampled
    mode draws a new sample each time from the same model run); adds a ``replicate`` column.
    """
    pool = tg.load_targets() if targets is None else targets
    with AdoptionModel(params, seed=seed, collect=False, firm_agents=False) as model:
        model.run(SURVEY_MONTH)
        rng = np.random.default_rng(np.random.SeedSequence([seed, 231]))
        frames = []
        for k in range(replicates):
            frame = survey_model(model, pool, mode, rng if mode == "sampled" else None)
            frame.insert(0, "replicate", k)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)
