"""Model reporters for Mesa's DataCollector, computed from the state arrays.

Each reporter is a module-level function (lambdas do not pickle) of the model.  Scalar
reporters return a float; table reporters return a dict ``{(metric, group): value}`` that
``AdoptionModel.tidy()`` flattens into the long table ``date, metric, group, value``.

Metric names carry their category after a dot (``stage_share.deployed``); groups say which
firms the share is taken over (``all``, ``size:100_249``, ``engaged`` ...).  Empty groups give
NaN, never a division by zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from . import rules
from .stages import (
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

if TYPE_CHECKING:
    from .model import AdoptionModel

Table = dict[tuple[str, str], float]

SIZE_GROUPS = {
    SizeClass.S100_249: "size:100_249",
    SizeClass.S250_499: "size:250_499",
    SizeClass.S500_PLUS: "size:500_plus",
}


def _share(mask: np.ndarray, among: np.ndarray | None = None) -> float:
    """Share of True in ``mask`` among the firms of ``among`` (NaN if there are none)."""
    if among is not None:
        mask = mask[among]
    return float(mask.mean()) if mask.size else float("nan")


def _mix(values: np.ndarray, among: np.ndarray, n_categories: int, offset: int = 0) -> np.ndarray:
    """Shares of each category (values + offset in 0..n-1) among ``among`` firms."""
    sel = values[among].astype(np.int64) + offset
    total = sel.size
    counts = np.bincount(sel, minlength=n_categories)[:n_categories]
    return counts / total if total else np.full(n_categories, np.nan)


def engaged_share(model: AdoptionModel) -> float:
    """Share of firms engaged: planned or beyond (Figure 1: 48% in March 2025)."""
    return _share(model.state.stage >= Stage.PLANNED)


def scaled_share(model: AdoptionModel) -> float:
    """Share of firms that have scaled their deployment."""
    return _share(model.state.stage == Stage.SCALED)


def stage_shares(model: AdoptionModel) -> Table:
    """Share of firms in each stage, over all firms and by size class (Figure 1, text p.2)."""
    s = model.state
    out: Table = {}
    groups = [("all", np.ones(s.n, dtype=bool))] + [
        (name, s.size == size) for size, name in SIZE_GROUPS.items()
    ]
    for group, among in groups:
        shares = _mix(s.stage, among, len(Stage))
        for stage in Stage:
            out[(f"stage_share.{label(stage)}", group)] = float(shares[stage])
    return out


def deployed_views(model: AdoptionModel) -> Table:
    """Share of firms whose Technique / Business respondent would say AI is deployed
    (text p.2: 10% vs 21%)."""
    s = model.state
    return {
        ("deployed_view.technique", "all"): _share(rules.technique_sees_deployed(s)),
        ("deployed_view.business", "all"): _share(rules.business_sees_deployed(s)),
    }


def direction_mix(model: AdoptionModel) -> Table:
    """Strategy, outsourcing, provider management and actions among engaged firms
    (Figures 9, 11, 12)."""
    s = model.state
    engaged = s.stage >= Stage.PLANNED
    active = s.stage >= Stage.EXPERIMENTING
    out: Table = {}
    for group, among in (("engaged", engaged), ("active", active)):
        strat = _mix(s.strategy, among, len(Strategy))
        for k in Strategy:
            out[(f"strategy_share.{label(k)}", group)] = float(strat[k])
        outs = _mix(s.outsourcing, among, len(Outsourcing))
        for k in Outsourcing:
            out[(f"outsourcing_share.{label(k)}", group)] = float(outs[k])
        out[("action_share.outsourcing", group)] = float(1.0 - outs[Outsourcing.NONE])
        out[("action_share.outsource_all", group)] = float(outs[Outsourcing.ALL])
        out[("action_share.training", group)] = _share(s.training, among)
        out[("action_share.dedicated_staff", group)] = _share(s.dedicated, among)
        out[("action_share.new_roles_internal", group)] = _share(s.roles_internal, among)
        out[("action_share.new_roles_external", group)] = _share(s.roles_external, among)
    outsourcing = s.outsourcing != Outsourcing.NONE
    managers = _mix(s.manager, outsourcing, 3)
    for k in ProviderManager:
        if k != ProviderManager.NOBODY:
            out[(f"manager_share.{label(k)}", "outsourcing")] = float(managers[k])
    planned = s.stage == Stage.PLANNED
    for name, among in (("planned", planned),):
        out[("action_share.training", name)] = _share(s.training, among)
    return out


def collaboration_mix(model: AdoptionModel) -> Table:
    """Collaboration modes while setting up and once deployed, and difficulties among
    collaborating firms (Figures 13-14)."""
    s = model.state
    setting_up = (s.stage == Stage.PLANNED) | (s.stage == Stage.EXPERIMENTING)
    deployed = s.stage >= Stage.DEPLOYED
    active = s.stage >= Stage.EXPERIMENTING
    out: Table = {}
    modes = [c for c in Collaboration if c != Collaboration.UNSET]
    for group, among in (("setting_up", setting_up), ("deployed", deployed), ("active", active)):
        mix = _mix(s.collaboration, among & (s.collaboration >= 0), len(modes))
        for c in modes:
            out[(f"collaboration_share.{label(c)}", group)] = float(mix[c])
    collaborating = active & (s.collaboration >= 0) & (s.collaboration != Collaboration.NONE)
    for d in Difficulty:
        out[(f"difficulty_share.{label(d)}", "collaborating")] = _share(
            s.difficulties[:, d], collaborating
        )
    out[("shadow_ai_share", "all")] = _share(s.shadow_ai)
    return out


def obstacle_prevalence(model: AdoptionModel) -> Table:
    """Share of firms citing each obstacle, engaged and not engaged (Figures 3-4)."""
    s = model.state
    cited = s.obstacle_severity() > model.params.cite_threshold
    engaged = s.stage >= Stage.PLANNED
    out: Table = {}
    for group, among in (("engaged", engaged), ("not_engaged", ~engaged)):
        for k in Obstacle:
            out[(f"obstacle_prevalence.{label(k)}", group)] = _share(cited[:, k], among)
    return out


def usecases(model: AdoptionModel) -> Table:
    """Use-case stages among engaged firms (Figure 6) and interest by role and maturity
    (Figures 5, 8)."""
    s = model.state
    p = model.params
    engaged = s.stage >= Stage.PLANNED
    mature = s.stage >= Stage.DEPLOYED
    interest_t = rules.usecase_interest(s, p, p.interest_technique)
    interest_b = rules.usecase_interest(s, p, p.interest_business)
    both = 0.5 * (interest_t + interest_b)
    out: Table = {}
    for uc in UseCase:
        name = label(uc)
        col = s.uc_stage[:, uc]
        for st in (UseCaseStage.PLANNED, UseCaseStage.IN_DEVELOPMENT, UseCaseStage.IN_PLACE):
            out[(f"usecase_stage.{name}.{label(st)}", "engaged")] = _share(col == st, engaged)
        out[(f"usecase_interest.{name}", "technique")] = float(interest_t[:, uc].mean())
        out[(f"usecase_interest.{name}", "business")] = float(interest_b[:, uc].mean())
        out[(f"usecase_interest.{name}", "mature")] = (
            float(both[mature, uc].mean()) if mature.any() else float("nan")
        )
    return out


def gains(model: AdoptionModel) -> Table:
    """Mean expected gains (all firms) and realised gains (firms deployed or in progress),
    percent (Figures 15-16), and mean enthusiasm (the hype cycle, Figure 7)."""
    s = model.state
    active = s.stage >= Stage.EXPERIMENTING
    engaged = s.stage >= Stage.PLANNED
    out: Table = {}
    for g in Gain:
        out[(f"gain_expected.{label(g)}", "all")] = float(s.expected[:, g].mean())
        out[(f"gain_realised.{label(g)}", "active")] = (
            float(s.realised[active, g].mean()) if active.any() else float("nan")
        )
        out[(f"gain_realised.{label(g)}", "all")] = float(s.realised[:, g].mean())
    out[("enthusiasm", "all")] = float(s.enthusiasm.mean())
    out[("enthusiasm", "engaged")] = _share(s.enthusiasm, engaged) if engaged.any() else float("nan")
    out[("agentic_awareness.technique", "engaged")] = _share(s.technique_agentic, engaged)
    out[("agentic_awareness.business", "engaged")] = _share(s.business_agentic, engaged)
    return out


MODEL_REPORTERS: dict[str, Callable[[AdoptionModel], float | Table]] = {
    "engaged_share": engaged_share,
    "scaled_share": scaled_share,
    "stage_shares": stage_shares,
    "deployed_views": deployed_views,
    "direction_mix": direction_mix,
    "collaboration_mix": collaboration_mix,
    "obstacle_prevalence": obstacle_prevalence,
    "usecases": usecases,
    "gains": gains,
}
"""Every reporter the model's DataCollector runs, by name."""
