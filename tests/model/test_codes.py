"""The compiled rules' integer codes (``aiadopt/model/codes.py``): plain ints equal to their
enumerations' values, so the enums stay the one place where a code is declared."""

from __future__ import annotations

import numpy as np

from aiadopt.model import AdoptionModel, codes
from aiadopt.model.stages import (
    Choice,
    Collaboration,
    Difficulty,
    Gain,
    Obstacle,
    Outsourcing,
    ProviderManager,
    Sector,
    SizeClass,
    Stage,
    Strategy,
    UseCase,
    UseCaseStage,
)
from aiadopt.model.state import MonthDraw, SetUpDraw

# Each code, and the member it is taken from.
MEMBERS = {
    "NOT_ENGAGED": Stage.NOT_ENGAGED, "PLANNED": Stage.PLANNED,
    "EXPERIMENTING": Stage.EXPERIMENTING, "DEPLOYED": Stage.DEPLOYED, "SCALED": Stage.SCALED,
    "UC_NONE": UseCaseStage.NONE, "UC_PLANNED": UseCaseStage.PLANNED,
    "UC_IN_DEVELOPMENT": UseCaseStage.IN_DEVELOPMENT, "UC_IN_PLACE": UseCaseStage.IN_PLACE,
    "NO_STRATEGY": Strategy.NONE, "TRIPARTITE": Strategy.TRIPARTITE,
    "OUTSOURCE_NONE": Outsourcing.NONE, "OUTSOURCE_PARTIAL": Outsourcing.PARTIAL,
    "OUTSOURCE_ALL": Outsourcing.ALL, "NOBODY": ProviderManager.NOBODY,
    "COLLABORATION_UNSET": Collaboration.UNSET, "BALANCED": Collaboration.BALANCED,
    "NO_COLLABORATION": Collaboration.NONE, "MISESTIMATES": Difficulty.MISESTIMATES,
    "COMMUNICATION": Difficulty.COMMUNICATION, "ORGANISATION": Difficulty.ORGANISATION,
    "UTILITY": Obstacle.UTILITY, "SKILLS": Obstacle.SKILLS, "SECURITY": Obstacle.SECURITY,
    "REGULATION": Obstacle.REGULATION, "FINANCE": Obstacle.FINANCE,
    "PRODUCTIVITY": Gain.PRODUCTIVITY,
    "D_PLAN": SetUpDraw.PLAN_CONTENT, "D_CHOICE": SetUpDraw.CHOICE_TRIPARTITE,
    "D_AD_HOC": SetUpDraw.AD_HOC, "D_OUTSOURCE_ALL": SetUpDraw.OUTSOURCE_ALL,
    "D_MANAGER": SetUpDraw.MANAGER, "D_ALIGNMENT": SetUpDraw.ALIGNMENT,
    "D_DIFFICULTY": SetUpDraw.MISESTIMATES, "D_MARKET": SetUpDraw.MARKET,
    "AD_HOC_REQUESTS": Strategy.AD_HOC_REQUESTS, "AD_HOC_CAPACITY": Strategy.AD_HOC_CAPACITY,
    "PAIR": ProviderManager.PAIR, "MANAGER_TECHNIQUE": ProviderManager.TECHNIQUE,
    "MANAGER_BUSINESS": ProviderManager.BUSINESS,
    "TECHNIQUE_LED": Collaboration.TECHNIQUE_LED, "BUSINESS_LED": Collaboration.BUSINESS_LED,
    **{f"C_{c.name}": c for c in Choice},
    **{f"U_{d.name}": d for d in MonthDraw},
}  # fmt: skip

# Each count, and the enumeration it counts.
COUNTS = {
    "N_STAGES": Stage, "N_USE_CASE_STAGES": UseCaseStage, "N_SIZES": SizeClass,
    "N_STRATEGIES": Strategy, "N_OUTSOURCING": Outsourcing, "N_MANAGER_CODES": ProviderManager,
    "N_COLLABORATION_CODES": Collaboration, "N_DIFFICULTIES": Difficulty,
    "N_OBSTACLES": Obstacle, "N_GAINS": Gain, "N_USE_CASES": UseCase, "N_CHOICES": Choice,
}  # fmt: skip


def public_names() -> list[str]:
    return [name for name in vars(codes) if name.isupper() and not name.startswith("_")]


def test_every_code_is_its_members_value_as_a_plain_int() -> None:
    for name, member in MEMBERS.items():
        value = getattr(codes, name)
        assert type(value) is int and value == member.value, name


def test_every_count_is_the_size_of_its_enumeration() -> None:
    for name, enum in COUNTS.items():
        assert getattr(codes, name) == len(enum), name
    assert len(Sector) * len(SizeClass) == codes.N_POOLS


def test_every_code_of_the_module_is_checked_here() -> None:
    """A code added to ``codes.py`` is added to this test too."""
    derived = {"MANAGER_OFFSET", "COLLABORATION_OFFSET", "BUSINESS_TOOL_CASES", "N_POOLS"}
    withheld = {"WITHHELD_PAIR", "WITHHELD_BALANCED"}
    assert set(public_names()) == set(MEMBERS) | set(COUNTS) | derived | withheld


def test_the_withheld_bits_lie_above_the_choices_and_fit_the_held_array() -> None:
    """``state.held``: one bit per Choice, then the withheld factors, all in its dtype."""
    bits = [codes.WITHHELD_PAIR, codes.WITHHELD_BALANCED]
    assert all(b >= 1 << codes.N_CHOICES for b in bits) and len(set(bits)) == 2
    with AdoptionModel(seed=0, n_firms=2, firm_agents=False) as model:
        assert max(bits) <= np.iinfo(model.state.held.dtype).max


def test_every_month_draw_has_its_column() -> None:
    assert sorted(getattr(codes, f"U_{d.name}") for d in MonthDraw) == list(range(len(MonthDraw)))


def test_the_offsets_shift_the_sentinels_to_zero() -> None:
    """A manager or collaboration code plus its offset indexes a table from 0 (the sentinel)
    to the count minus one."""
    managers = sorted(m + codes.MANAGER_OFFSET for m in ProviderManager)
    assert managers == list(range(codes.N_MANAGER_CODES))
    assert ProviderManager.NOBODY + codes.MANAGER_OFFSET == 0
    modes = sorted(c + codes.COLLABORATION_OFFSET for c in Collaboration)
    assert modes == list(range(codes.N_COLLABORATION_CODES))
    assert Collaboration.UNSET + codes.COLLABORATION_OFFSET == 0


def test_the_plan_choice_and_difficulty_columns_follow_their_enumerations() -> None:
    for uc in UseCase:
        assert SetUpDraw(codes.D_PLAN + uc).name == f"PLAN_{uc.name}"
    for c in Choice:
        assert SetUpDraw(codes.D_CHOICE + c).name == f"CHOICE_{c.name}"
    for d in Difficulty:
        assert SetUpDraw(codes.D_DIFFICULTY + d).name == d.name


def test_business_tool_cases_are_content_and_personalisation() -> None:
    assert codes.BUSINESS_TOOL_CASES == (UseCase.CONTENT, UseCase.PERSONALISATION)
    assert all(type(c) is int for c in codes.BUSINESS_TOOL_CASES)
