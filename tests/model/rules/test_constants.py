"""The constants the rules derive from the parameters."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules.constants import derived


def test_hazards_become_monthly_probabilities_and_factors_apply_to_hazards() -> None:
    k = derived(Params(revision_hazard=0.1, shadow_stop_hazard=0.2, drop_stalled=0.05,
                       overrun_hazard=0.1, misestimate_overrun_effect=0.5)).k  # fmt: skip
    assert k.p_revise == pytest.approx(1 - np.exp(-0.1))
    assert k.p_shadow_stop == pytest.approx(1 - np.exp(-0.2))
    assert k.p_drop == pytest.approx(1 - np.exp(-0.05))
    assert k.p_overruns == pytest.approx([1 - np.exp(-0.1), 1 - np.exp(-0.1 * np.exp(0.5))])


def test_expected_gains_per_unit_of_enthusiasm_and_unset_categories() -> None:
    k = derived(Params(expected_gain_enthusiasm=0.25, expected_gain=(8.0, 3.0, 3.3))).k
    assert k.expected_per_enthusiasm == 4.0
    assert k.manager_effect[-1] == 0.0 and k.collaboration_effect[-1] == 0.0  # NOBODY, UNSET
    assert k.cdf_ad_hoc[-1] == pytest.approx(1.0)
    # returns are read against the study's expected productivity; a deployed firm's
    # enthusiasm target per point of realised productivity (business.update_enthusiasm)
    assert k.returns_per_gain == pytest.approx(1 / 8.0)
    assert k.enthusiasm_per_gain == pytest.approx(0.25 / 8.0)


def test_derived_values_are_cached_per_parameter_object() -> None:
    p = Params()
    assert derived(p) is derived(p)
    assert derived(Params()) is not derived(p)  # equal, but another object
