"""The study's values on the figures (aiadopt.views.study): the one map of the headline
targets, and which model series is set against which target."""

from __future__ import annotations

import pytest

from aiadopt.calibration.targets import load_targets
from aiadopt.views.study import STUDY_STAGE_MARKS, STUDY_TARGETS, study_target, study_value


def test_every_target_named_by_the_views_is_a_target_with_a_value():
    ids = {t.id: t for t in load_targets()}
    for target_id in STUDY_TARGETS.values():
        assert ids[target_id].value is not None
    assert [key for key, _, _ in STUDY_STAGE_MARKS] == ["engaged", "active", "in_place"]
    assert {key: study_value(tid, 1.0)[0] for key, tid, _ in STUDY_STAGE_MARKS} == {
        "engaged": 0.48, "active": 0.29, "in_place": 0.15,  # text p.2, Figure 9
    }  # fmt: skip


@pytest.mark.parametrize(
    ("metric", "group", "target"),
    [
        ("deployed_view.technique", "all", "deployed_view_technique"),
        ("deployed_view.business", "all", "deployed_view_business"),
        ("gain_expected.productivity", "all", "gain_expected_productivity"),
        ("gain_realised.productivity", "active", "gain_realised_productivity"),
        ("gain_realised.revenue", "active", "gain_realised_revenue"),
        ("gain_realised.productivity", "all", None),  # the study asked active firms only
        ("deployed_view.technique", "size:100_249", None),
        ("stage_share.scaled", "all", None),
    ],
)
def test_a_series_is_set_against_its_study_target(metric, group, target):
    assert study_target(metric, group) == target
    if target is not None:
        assert study_value(target) is not None
