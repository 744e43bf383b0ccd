"""Tests of the survey targets file and its loader (aiadopt.calibration.targets)."""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from scipy.stats import binomtest

from aiadopt.calibration import targets as tg
from aiadopt.calibration.targets import (
    Target,
    TargetsError,
    calibration_targets,
    load_meta,
    load_targets,
    study_interval,
    targets_frame,
    validation_targets,
    wilson_interval,
)

FIGURE_12_ACTIONS = (
    "outsourcing",
    "outsource_all",
    "training",
    "external_experts",
    "dedicated_staff",
    "new_roles_internal",
    "new_roles_external",
)

#: Validation targets the issue requires, with their values.
REQUIRED_VALIDATION = {
    "deployed_view_technique": 0.10,
    "deployed_view_business": 0.21,
    "collaboration_balanced_in_progress": 0.31,
    "collaboration_balanced_in_place": 0.46,
    "usecase_interest_content_in_place": 0.91,
    "usecase_interest_personalisation_in_place": 0.73,
    "usecase_interest_test_automation_in_place": 0.26,
    "usecase_interest_infrastructure_in_place": 0.48,
}

#: A few calibration targets and their values (regression guard on the reading of the study).
KEY_CALIBRATION = {
    "engaged_share": 0.48,
    "in_place_or_in_progress_share": 0.29,
    "in_place_share": 0.15,
    "obstacle_security_not_engaged": 0.58,
    "obstacle_security_engaged": 0.72,
    "obstacle_regulation_not_engaged": 0.41,
    "obstacle_regulation_engaged": 0.49,
    "obstacle_finance_not_engaged": 0.44,
    "obstacle_finance_engaged": 0.61,
    "strategy_tripartite": 0.10,
    "strategy_ad_hoc": 0.82,
    "provider_manager_pair": 0.59,
    "provider_manager_technique": 0.26,
    "agentic_awareness_engaged": 0.25,
    "agentic_awareness_technique": 0.34,
    "agentic_awareness_business": 0.18,
    "gain_expected_productivity": 7.6,
    "gain_realised_productivity": 5.4,
    "gain_realised_cost": 3.3,
    "gain_expected_revenue": 3.3,
    "gain_realised_revenue": 1.2,
}


@pytest.fixture(scope="module")
def targets() -> list[Target]:
    return load_targets()


@pytest.fixture(scope="module")
def by_id(targets: list[Target]) -> dict[str, Target]:
    return {t.id: t for t in targets}


# --- the packaged file --------------------------------------------------------------------------


def test_packaged_file_loads(targets: list[Target]) -> None:
    assert len(targets) > 50
    meta = load_meta()
    assert meta.version == "2025.1"
    assert (meta.n_total, meta.n_technique, meta.n_business) == (231, 114, 117)
    assert meta.survey_date == "2025-03"
    assert meta.fieldwork_start.isoformat() == "2025-03-03"
    assert meta.fieldwork_end.isoformat() == "2025-03-24"
    assert meta.default_design_effect >= 1.0


def test_ids_unique(targets: list[Target]) -> None:
    ids = [t.id for t in targets]
    assert len(ids) == len(set(ids))


def test_proportions_in_unit_interval(targets: list[Target]) -> None:
    for t in targets:
        if t.kind == "proportion" or (t.kind == "bound" and tg.METRICS[t.metric].scale == "share"):
            assert t.value is not None and 0.0 <= t.value <= 1.0, t.id


def test_proportions_and_means_have_a_base(targets: list[Target]) -> None:
    for t in targets:
        if t.kind in ("proportion", "mean"):
            assert t.n is not None and 0 < t.n <= 231, t.id
            assert (t.base_n is None) != (t.base_n_assumed is None), t.id


def test_required_validation_targets(by_id: dict[str, Target]) -> None:
    for tid, value in REQUIRED_VALIDATION.items():
        assert by_id[tid].use == "validation", tid
        assert by_id[tid].value == pytest.approx(value), tid


def test_figure_12_stage_split_is_validation(by_id: dict[str, Target]) -> None:
    for action in FIGURE_12_ACTIONS:
        for column in ("planned", "in_place_or_in_progress"):
            t = by_id[f"action_{action}_{column}"]
            assert (t.use, t.figure, t.group, t.category) == (
                "validation",
                "Figure 12",
                column,
                action,
            )
        engaged = by_id[f"action_{action}_engaged"]
        assert engaged.use == "calibration"
        assert engaged.base_n == 124
    assert by_id["action_training_in_place_or_in_progress"].value == pytest.approx(0.70)
    assert by_id["action_new_roles_external_planned"].value == pytest.approx(0.01)


def test_key_calibration_values(by_id: dict[str, Target]) -> None:
    for tid, value in KEY_CALIBRATION.items():
        assert by_id[tid].use == "calibration", tid
        assert by_id[tid].value == pytest.approx(value), tid


def test_bounds_and_orderings_present(by_id: dict[str, Target]) -> None:
    assert by_id["sme_engaged_lower"].bound == "lower"
    assert by_id["tripartite_in_place_lower"].value == pytest.approx(0.5)
    assert by_id["usecase_in_place_test_automation_upper"].bound == "upper"
    large = by_id["large_firms_in_place_more"]
    assert large.kind == "ordering"
    assert large.greater == "stage_share:deployed+scaled@size_500_plus"


def test_calibration_and_validation_disjoint_and_complete(targets: list[Target]) -> None:
    cal = {t.id for t in calibration_targets()}
    val = {t.id for t in validation_targets()}
    assert cal and val
    assert cal.isdisjoint(val)
    assert cal | val == {t.id for t in targets}


def test_weighted_shares_and_counts_are_consistent(targets: list[Target]) -> None:
    shares: dict[str, set[float]] = {}
    for t in targets:
        if t.base_weighted_share is not None and t.group is not None:
            shares.setdefault(t.group, set()).add(t.base_weighted_share)
    assert shares["engaged"] == {0.48}
    assert shares["in_place_or_in_progress"] == {0.29}
    assert all(len(v) == 1 for v in shares.values()), shares


def test_targets_frame(targets: list[Target]) -> None:
    frame = targets_frame(targets)
    assert len(frame) == len(targets)
    assert {"id", "value", "base_n", "base_weighted_share", "group", "use", "n"} <= set(
        frame.columns
    )
    assert frame["id"].is_unique


# --- statistics ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(59, 124), (12, 114), (0, 27), (49, 49), (1, 56)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    lo, hi = wilson_interval(k / n, n)
    assert lo == pytest.approx(ci.low, abs=1e-12)
    assert hi == pytest.approx(ci.high, abs=1e-12)


def test_wilson_other_level_matches_scipy() -> None:
    ci = binomtest(30, 68).proportion_ci(confidence_level=0.9, method="wilson")
    assert wilson_interval(30 / 68, 68, level=0.9) == pytest.approx((ci.low, ci.high))


def test_study_interval_proportion_uses_effective_n(by_id: dict[str, Target]) -> None:
    t = by_id["engaged_share"]
    assert t.n_eff(1.3) == pytest.approx(231 / 1.3)
    assert study_interval(t) == pytest.approx(wilson_interval(0.48, 231 / 1.3))
    wide = study_interval(t, deff=2.0)
    narrow = study_interval(t, deff=1.0)
    assert wide[0] < narrow[0] < 0.48 < narrow[1] < wide[1]


def test_study_interval_mean(by_id: dict[str, Target]) -> None:
    t = by_id["gain_expected_productivity"]
    se = 1.0 * 7.6 / math.sqrt(231 / 1.3)
    lo, hi = study_interval(t)
    assert (lo, hi) == pytest.approx((7.6 - 1.959963984540054 * se, 7.6 + 1.959963984540054 * se))


def test_study_interval_rejects_bounds(by_id: dict[str, Target]) -> None:
    with pytest.raises(ValueError, match="no sampling interval"):
        study_interval(by_id["sme_engaged_lower"])


# --- malformed files ----------------------------------------------------------------------------


def _packaged_doc() -> dict[str, Any]:
    with tg._packaged_path().open("rb") as fh:
        return tomllib.load(fh)


PROPORTION: dict[str, Any] = {
    "id": "share_a",
    "figure": "Figure 4",
    "page": 3,
    "question": "q",
    "base_label": "engaged",
    "base_n": 124,
    "base_weighted_share": 0.48,
    "group": "engaged",
    "value": 0.72,
    "kind": "proportion",
    "metric": "obstacle_prevalence",
    "category": "security",
    "use": "calibration",
    "note": "n",
}
ORDERING: dict[str, Any] = {
    "id": "order_a",
    "figure": "Figure 3",
    "page": 3,
    "question": "q",
    "base_label": "not engaged",
    "kind": "ordering",
    "greater": "obstacle_prevalence:utility@not_engaged",
    "lesser": "share_a",
    "metric": "obstacle_prevalence",
    "use": "calibration",
    "text": "t",
    "note": "n",
}


def _write(tmp_path: Path, targets: list[dict[str, Any]], meta: Any = None) -> Path:
    doc: dict[str, Any] = {"meta": _packaged_doc()["meta"] if meta is None else meta}
    doc["target"] = targets
    path = tmp_path / "bad_targets.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def _with(**changes: Any) -> dict[str, Any]:
    entry = copy.deepcopy(PROPORTION)
    for key, value in changes.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    return entry


def test_minimal_file_is_valid(tmp_path: Path) -> None:
    loaded = load_targets(_write(tmp_path, [PROPORTION, ORDERING]))
    assert [t.id for t in loaded] == ["share_a", "order_a"]
    assert issubclass(TargetsError, ValueError)


@pytest.mark.parametrize(
    ("entry", "key", "fragment"),
    [
        (_with(colour="red"), "colour", "unknown key"),
        (_with(note=None), "note", "missing required key"),
        (_with(group=None), "group", "missing key required"),
        (_with(base_n=None), "base_n", "base_n_assumed"),
        (_with(value=1.2), "value", "out of range"),
        (_with(value=-0.1), "value", "out of range"),
        (_with(value="0.5"), "value", "expected integer or float"),
        (_with(page=True), "page", "expected integer"),
        (_with(group="mature"), "group", "unknown group atom"),
        (_with(group="engaged&wizards"), "group", "unknown group atom"),
        (_with(group="engaged&engaged"), "group", "repeated atom"),
        (_with(use="training"), "use", "allowed: calibration, validation"),
        (_with(kind="median"), "kind", "allowed: proportion, mean, bound, ordering"),
        (_with(metric="happiness"), "metric", "unknown metric"),
        (_with(category="cost"), "category", "unknown category"),
        (_with(category="security+security"), "category", "repeated category"),
        (_with(category=None), "category", "missing category"),
        (_with(kind="mean"), "metric", "percent metric"),
        (_with(kind="bound", bound="sideways", text="t"), "bound", "allowed: lower, upper"),
        (_with(kind="bound", text="t"), "bound", "missing key required"),
        (_with(greater="x"), "greater", "not allowed for kind 'proportion'"),
        (_with(base_n_greater=50), "base_n_greater", "not allowed for kind 'proportion'"),
        (_with(base_n_assumed=60), "base_n_assumed", "not both"),
        (_with(base_n=500), "base_n", "exceeds n_total"),
        (_with(base_weighted_share=1.5), "base_weighted_share", "out of range"),
        (_with(id="Share-A"), "id", "snake_case"),
        (_with(figure="Fig. 4"), "figure", "allowed forms"),
    ],
)
def test_malformed_target_raises(
    tmp_path: Path, entry: dict[str, Any], key: str, fragment: str
) -> None:
    path = _write(tmp_path, [entry])
    with pytest.raises(TargetsError) as info:
        load_targets(path)
    message = str(info.value)
    assert str(path) in message
    assert f"key '{key}'" in message
    assert fragment in message
    assert "index 0" in message


@pytest.mark.parametrize(
    ("changes", "key", "fragment"),
    [
        ({"base_n_greater": 0}, "base_n_greater", "not a positive count"),
        ({"base_n_lesser": 400}, "base_n_lesser", "exceeds n_total"),
        ({"base_n_lesser": 4.5}, "base_n_lesser", "expected integer"),
        ({"base_n": 107}, "base_n", "not allowed for kind 'ordering'"),
    ],
)
def test_ordering_side_bases_are_checked(
    tmp_path: Path, changes: dict[str, Any], key: str, fragment: str
) -> None:
    path = _write(tmp_path, [PROPORTION, ORDERING | changes])
    with pytest.raises(TargetsError) as info:
        load_targets(path)
    assert f"key '{key}'" in str(info.value)
    assert fragment in str(info.value)


def test_ordering_side_bases_load(tmp_path: Path) -> None:
    entry = ORDERING | {"base_n_greater": 107, "base_n_lesser": 100}
    order = load_targets(_write(tmp_path, [PROPORTION, entry]))[1]
    assert (order.base_n_greater, order.base_n_lesser) == (107, 100)


def test_error_names_the_target_id(tmp_path: Path) -> None:
    with pytest.raises(TargetsError, match=r"target 'share_a' \(index 0\): key 'value'"):
        load_targets(_write(tmp_path, [_with(value=2.0)]))


def test_gain_mean_out_of_range(tmp_path: Path) -> None:
    entry = _with(kind="mean", metric="gain_expected", category="productivity", value=250.0)
    with pytest.raises(TargetsError, match=r"key 'value'.*out of range"):
        load_targets(_write(tmp_path, [entry]))


def test_duplicate_ids_raise(tmp_path: Path) -> None:
    path = _write(tmp_path, [PROPORTION, _with(value=0.5)])
    with pytest.raises(TargetsError, match=r"target 'share_a' \(index 1\): key 'id': duplicate"):
        load_targets(path)


@pytest.mark.parametrize(
    ("changes", "key", "fragment"),
    [
        ({"lesser": "no_such_target"}, "lesser", "neither a target id"),
        ({"greater": "obstacle_prevalence:wizards@not_engaged"}, "greater", "unknown category"),
        ({"greater": "obstacle_prevalence:utility@nowhere"}, "greater", "unknown group atom"),
        ({"greater": "stage_share:planned@all"}, "greater", "both sides must use"),
        ({"greater": "share_a"}, "lesser", "same quantity"),
        ({"value": 0.5}, "value", "not allowed for kind 'ordering'"),
        ({"text": None}, "text", "missing key required"),
    ],
)
def test_malformed_ordering_raises(
    tmp_path: Path, changes: dict[str, Any], key: str, fragment: str
) -> None:
    ordering = copy.deepcopy(ORDERING)
    for k, v in changes.items():
        if v is None:
            ordering.pop(k)
        else:
            ordering[k] = v
    with pytest.raises(TargetsError) as info:
        load_targets(_write(tmp_path, [PROPORTION, ordering]))
    message = str(info.value)
    assert "target 'order_a' (index 1)" in message
    assert f"key '{key}'" in message
    assert fragment in message


def test_malformed_meta_raises(tmp_path: Path) -> None:
    meta = dict(_packaged_doc()["meta"])
    meta["colour"] = "red"
    with pytest.raises(TargetsError, match=r"\[meta\]: key 'colour': unknown key"):
        load_targets(_write(tmp_path, [PROPORTION], meta=meta))
    meta = dict(_packaged_doc()["meta"])
    del meta["default_design_effect"]
    with pytest.raises(TargetsError, match=r"\[meta\]: key 'default_design_effect': missing"):
        load_targets(_write(tmp_path, [PROPORTION], meta=meta))


def test_unknown_top_level_table_and_bad_toml(tmp_path: Path) -> None:
    path = _write(tmp_path, [PROPORTION])
    path.write_text(path.read_text(encoding="utf-8") + "\n[extra]\na = 1\n", encoding="utf-8")
    with pytest.raises(TargetsError, match="key 'extra': unknown table"):
        load_targets(path)
    path.write_text("[[target]\n", encoding="utf-8")
    with pytest.raises(TargetsError, match="not valid TOML"):
        load_targets(path)
