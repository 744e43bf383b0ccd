"""The model reporters against an independent computation from the firm state arrays.

Each (metric, group) value that ``model.tidy()`` records is recomputed here with plain numpy
masks, counts and means, written from the meaning the reporters' docstrings give it (which
firms are counted, over which firms the share is taken, NaN for an empty group), without
calling the reporters or their tally.  A faster rewrite of the reporters must leave every one
of these values unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from aiadopt.model.model import AdoptionModel
from aiadopt.model.params import Params
from aiadopt.model.reporters import MODEL_REPORTERS
from aiadopt.model.rules.interest import interest_from
from aiadopt.model.rules.obstacles import obstacle_severities
from aiadopt.model.rules.views import business_sees_deployed, technique_sees_deployed
from aiadopt.model.stages import (
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

Key = tuple[str, str]

EXACT = "exact"  # a count or a share of counts: to 1e-12
MEAN = "mean"  # a mean of float32 quantities: to a relative 1e-6
ABS_TOL = 1e-12
REL_TOL = 1e-6

SIZE_GROUP = {
    SizeClass.S100_249: "size:100_249",
    SizeClass.S250_499: "size:250_499",
    SizeClass.S500_PLUS: "size:500_plus",
}
ACTION_ARRAYS = {
    "training": "training",
    "dedicated_staff": "dedicated",
    "new_roles_internal": "roles_internal",
    "new_roles_external": "roles_external",
}

# Months at which the recorded values are checked: None is the model as built (step 0, nobody
# engaged); in 2022-12 some firms are engaged but none active, in 2023-01 some are active but
# none deployed; the last is the horizon, every stage populated.
CHECKPOINTS: tuple[str | None, ...] = (None, "2022-12", "2023-01", "2024-06", "2026-01", "2030-12")


@dataclass(frozen=True)
class Case:
    """A population and seed to run."""

    name: str
    params: Params
    seed: int


CASES = (
    Case("seed0", Params(n_firms=2_000), 0),
    Case("seed1", Params(n_firms=2_000), 1),
    Case("seed2", Params(n_firms=2_000), 2),
    # twelve firms, none of 500+ employees: empty size groups and empty stages
    Case("tiny", Params(n_firms=12), 1),
)


@dataclass
class Snapshot:
    """The last recorded month of ``tidy()`` at a checkpoint, and its reference."""

    month: str
    recorded: pd.Series  # value by (metric, group)
    reference: dict[Key, float]
    kind: dict[Key, str]  # EXACT or MEAN
    empty: dict[Key, bool]  # the group the value is taken over has no firm
    stage_counts: np.ndarray


class Reference:
    """Reference values of one month, built from boolean masks over the firms."""

    def __init__(self) -> None:
        self.value: dict[Key, float] = {}
        self.kind: dict[Key, str] = {}
        self.empty: dict[Key, bool] = {}

    def _put(self, key: Key, value: float, kind: str, empty: bool) -> None:
        assert key not in self.value, f"reference computed twice for {key}"
        self.value[key] = value
        self.kind[key] = kind
        self.empty[key] = empty

    def share(self, key: Key, hit: np.ndarray, among: np.ndarray) -> None:
        """Share of the firms ``among`` for which ``hit`` holds; NaN if there are none."""
        n = int(np.count_nonzero(among))
        k = int(np.count_nonzero(hit & among))
        self._put(key, k / n if n else float("nan"), EXACT, n == 0)

    def mean(self, key: Key, values: np.ndarray, among: np.ndarray) -> None:
        """Mean of ``values`` over the firms ``among``; NaN if there are none."""
        n = int(np.count_nonzero(among))
        value = float(np.mean(values[among].astype(np.float64))) if n else float("nan")
        self._put(key, value, MEAN, n == 0)


def reference_table(model: AdoptionModel) -> Reference:
    """Every (metric, group) of the current month, from the state arrays alone."""
    s, p = model.state, model.params
    ref = Reference()
    stage = s.stage
    everyone = np.ones(s.n, dtype=bool)
    engaged = stage >= Stage.PLANNED  # planned or beyond
    active = stage >= Stage.EXPERIMENTING  # experimenting or beyond: deployed or in progress
    mature = stage >= Stage.DEPLOYED  # deployed or scaled
    planned = stage == Stage.PLANNED

    # premises of the groups below: an engaged firm always has a collaboration mode, and a
    # firm outsources exactly when someone manages its providers
    assert (s.collaboration[engaged] != Collaboration.UNSET).all()
    outsources = s.outsourcing != Outsourcing.NONE
    assert (outsources == (s.manager != ProviderManager.NOBODY))[engaged].all()

    # scalar reporters
    ref.share(("engaged_share", "all"), engaged, everyone)
    ref.share(("scaled_share", "all"), stage == Stage.SCALED, everyone)

    # stage shares, all firms and by size class
    groups = [("all", everyone)] + [(g, s.size == size) for size, g in SIZE_GROUP.items()]
    for group, among in groups:
        for st in Stage:
            ref.share((f"stage_share.{label(st)}", group), stage == st, among)

    # what each role would call deployed
    ref.share(("deployed_view.technique", "all"), technique_sees_deployed(s), everyone)
    ref.share(("deployed_view.business", "all"), business_sees_deployed(s), everyone)

    # Direction: strategy, outsourcing and actions among engaged and active firms
    for group, among in (("engaged", engaged), ("active", active)):
        for strategy in Strategy:
            ref.share((f"strategy_share.{label(strategy)}", group), s.strategy == strategy, among)
        for outsourcing in Outsourcing:
            key = (f"outsourcing_share.{label(outsourcing)}", group)
            ref.share(key, s.outsourcing == outsourcing, among)
        ref.share(("action_share.outsourcing", group), outsources, among)
        ref.share(("action_share.outsource_all", group), s.outsourcing == Outsourcing.ALL, among)
        for action, attribute in ACTION_ARRAYS.items():
            ref.share((f"action_share.{action}", group), getattr(s, attribute), among)
    for manager in ProviderManager:
        if manager != ProviderManager.NOBODY:
            key = (f"manager_share.{label(manager)}", "outsourcing")
            ref.share(key, s.manager == manager, engaged & outsources)
    ref.share(("action_share.training", "planned"), s.training, planned)

    # collaboration modes while setting up, once deployed, and of active firms
    setting_up = planned | (stage == Stage.EXPERIMENTING)
    for group, among in (("setting_up", setting_up), ("deployed", mature), ("active", active)):
        for mode in Collaboration:
            if mode != Collaboration.UNSET:
                key = (f"collaboration_share.{label(mode)}", group)
                ref.share(key, s.collaboration == mode, among)
    collaborating = active & (s.collaboration != Collaboration.UNSET)
    collaborating &= s.collaboration != Collaboration.NONE
    for difficulty in Difficulty:
        key = (f"difficulty_share.{label(difficulty)}", "collaborating")
        ref.share(key, s.difficulties[:, difficulty], collaborating)
    ref.share(("shadow_ai_share", "all"), s.shadow_ai, everyone)

    # obstacles cited: severity above the threshold, engaged and not engaged firms
    cited = obstacle_severities(s) > p.cite_threshold
    for group, among in (("engaged", engaged), ("not_engaged", ~engaged)):
        for obstacle in Obstacle:
            ref.share((f"obstacle_prevalence.{label(obstacle)}", group), cited[:, obstacle], among)

    # use cases: stage among engaged firms; interest by role (all firms), of mature firms
    for uc in UseCase:
        for st in (UseCaseStage.PLANNED, UseCaseStage.IN_DEVELOPMENT, UseCaseStage.IN_PLACE):
            key = (f"usecase_stage.{label(uc)}.{label(st)}", "engaged")
            ref.share(key, s.uc_stage[:, uc] == st, engaged)
    interest = interest_from(
        s.enthusiasm, s.uc_experience, p, p.interest_technique, p.interest_business
    ).astype(np.float64)
    firm_interest = 0.5 * (interest[0] + interest[1])
    for uc in UseCase:
        ref.mean((f"usecase_interest.{label(uc)}", "technique"), interest[0][:, uc], everyone)
        ref.mean((f"usecase_interest.{label(uc)}", "business"), interest[1][:, uc], everyone)
        ref.mean((f"usecase_interest.{label(uc)}", "mature"), firm_interest[:, uc], mature)

    # gains, enthusiasm, agentic awareness
    for gain in Gain:
        ref.mean((f"gain_expected.{label(gain)}", "all"), s.expected[:, gain], everyone)
        ref.mean((f"gain_realised.{label(gain)}", "active"), s.realised[:, gain], active)
        ref.mean((f"gain_realised.{label(gain)}", "all"), s.realised[:, gain], everyone)
    ref.mean(("enthusiasm", "all"), s.enthusiasm, everyone)
    ref.mean(("enthusiasm", "engaged"), s.enthusiasm, engaged)
    ref.share(("agentic_awareness.technique", "engaged"), s.technique_agentic, engaged)
    ref.share(("agentic_awareness.business", "engaged"), s.business_agentic, engaged)
    return ref


def last_month(model: AdoptionModel) -> pd.Series:
    """The last recorded month of ``model.tidy()``, value by (metric, group)."""
    frame = model.tidy()
    last = frame[frame.date == frame.date.max()]
    assert last.date.iloc[0] == pd.Timestamp(f"{model.month}-01")
    recorded = last.set_index(["metric", "group"]).value
    assert recorded.index.is_unique, recorded.index[recorded.index.duplicated()].tolist()
    return recorded


def take_snapshot(model: AdoptionModel) -> Snapshot:
    ref = reference_table(model)
    return Snapshot(
        month=model.month,
        recorded=last_month(model),
        reference=ref.value,
        kind=ref.kind,
        empty=ref.empty,
        stage_counts=np.bincount(model.state.stage, minlength=len(Stage)),
    )


@dataclass
class Run:
    """A case and its snapshots, one per checkpoint."""

    case: Case
    snapshots: list[Snapshot]


@pytest.fixture(scope="module", params=CASES, ids=lambda case: case.name)
def run(request: pytest.FixtureRequest) -> Run:
    """One run per case, with a snapshot at each checkpoint."""
    case: Case = request.param
    out = []
    with AdoptionModel(case.params, seed=case.seed, firm_agents=False) as model:
        for until in CHECKPOINTS:
            if until is not None:
                model.run(until)
            out.append(take_snapshot(model))
    return Run(case, out)


def _compare(run: Run, kind: str, check: Callable[[float, float], bool]) -> list[str]:
    """Keys of ``kind`` whose recorded value fails ``check`` against the reference."""
    bad = []
    for snap in run.snapshots:
        for key, expected in snap.reference.items():
            if snap.kind[key] != kind or key not in snap.recorded.index:
                continue
            actual = float(snap.recorded[key])
            if np.isnan(expected) or np.isnan(actual):
                continue  # NaN placement: test_nan_exactly_where_the_group_is_empty
            if not check(actual, expected):
                bad.append(f"{snap.month} {key}: recorded {actual!r}, reference {expected!r}")
    return bad


def test_every_recorded_key_has_a_reference(run: Run) -> None:
    """The recorded (metric, group) pairs are exactly those of the reference: a new reporter
    without a reference here, or a reporter that lost a key, fails."""
    for snap in run.snapshots:
        recorded, reference = set(snap.recorded.index), set(snap.reference)
        assert recorded - reference == set(), f"{snap.month}: no reference for these"
        assert reference - recorded == set(), f"{snap.month}: no longer recorded"


def test_shares_match_reference_exactly(run: Run) -> None:
    """Shares of counts (stages, views, Direction, collaboration, difficulties, shadow AI,
    obstacles, use-case stages, agentic awareness, engaged and scaled) match to 1e-12."""
    bad = _compare(run, EXACT, lambda a, e: abs(a - e) <= ABS_TOL)
    assert not bad, "\n".join(bad)


def test_means_match_reference(run: Run) -> None:
    """Means of float32 quantities (use-case interest, gains, enthusiasm) match to a relative
    1e-6."""
    bad = _compare(run, MEAN, lambda a, e: abs(a - e) <= REL_TOL * abs(e))
    assert not bad, "\n".join(bad)


def test_nan_exactly_where_the_group_is_empty(run: Run) -> None:
    """A value is NaN if and only if the firms it is taken over are none."""
    bad = []
    for snap in run.snapshots:
        for key, empty in snap.empty.items():
            if key in snap.recorded.index and bool(np.isnan(snap.recorded[key])) != empty:
                bad.append(f"{snap.month} {key}: {snap.recorded[key]!r}, group empty: {empty}")
    assert not bad, "\n".join(bad)


def test_checkpoints_exercise_every_group(run: Run) -> None:
    """The checkpoints are not vacuous: nobody is engaged at first (every group of engaged
    firms empty); for the large populations, engaged but no active firms, then active but no
    deployed firms, and every stage populated at the horizon; for the tiny one, an empty size
    group."""
    snaps = {snap.month: snap for snap in run.snapshots}
    first, last = run.snapshots[0], run.snapshots[-1]
    assert last.month == run.case.params.horizon
    assert first.stage_counts[Stage.PLANNED :].sum() == 0
    assert first.empty[("enthusiasm", "engaged")]
    assert first.empty[("action_share.training", "planned")]
    if run.case.name == "tiny":
        assert any(last.empty[("stage_share.planned", g)] for g in SIZE_GROUP.values())
        return
    assert (last.stage_counts > 0).all()
    assert not any(last.empty.values())
    engaged_only = snaps["2022-12"]
    assert not engaged_only.empty[("strategy_share.none", "engaged")]
    assert engaged_only.empty[("strategy_share.none", "active")]
    not_deployed = snaps["2023-01"]
    assert not not_deployed.empty[("gain_realised.productivity", "active")]
    assert not_deployed.empty[("usecase_interest.content", "mature")]


def test_reporters_outside_a_collect_match_the_recorded_month() -> None:
    """Called outside a collect (a fresh tally each), every reporter returns what the
    DataCollector recorded for the same month."""
    with AdoptionModel(Params(n_firms=500), seed=3, firm_agents=False) as model:
        model.run("2025-03")
        recorded = last_month(model)
        for name, reporter in MODEL_REPORTERS.items():
            value = reporter(model)
            keys = getattr(reporter, "keys", [(name, "all")])
            values = np.atleast_1d(np.asarray(value, dtype=np.float64))
            assert len(values) == len(keys), name
            np.testing.assert_array_equal(values, recorded.loc[keys].to_numpy(), err_msg=name)
