"""Technique's rules (ODD 7.10, 7.11)."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import technique
from aiadopt.model.stages import Stage

from .firms import apply, firms, month


def test_skills_grow_with_training_and_practice_up_to_one() -> None:
    p = Params(training_skill_gain=0.02, practice_skill_gain=0.01)
    state = firms(4, stage=np.array([0, 2, 2, 3]), training=np.array([True, False, True, True]),
                  skills=np.array([0.5, 0.5, 0.5, 0.99]))  # fmt: skip
    for i in range(4):
        apply(technique.learn, state, i, params=p)
    # a firm not engaged has no training programme to learn from (firm 0)
    assert state.skills == pytest.approx([0.5, 0.51, 0.53, 1.0])


def test_an_engaged_technique_hears_of_agentic_ai_with_its_own_draw() -> None:
    p = Params(agentic_hazard=(0.1, 0.05))
    state = firms(2, stage=np.array([Stage.PLANNED, Stage.NOT_ENGAGED]))
    draws = month(2, agentic_technique=0.08, agentic_business=0.0)
    for i in range(2):
        apply(technique.hear_of_agentic, state, i, draws, params=p)
    assert list(state.technique_agentic) == [True, False]  # 0.08 < 1 - e^-0.1
    assert not state.business_agentic.any()  # Business's rule is business.hear_of_agentic
