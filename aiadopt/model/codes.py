"""The integer codes of the model's categories, as plain ints for the compiled rules.

numba compiles a comparison with a plain int module constant into a comparison with a literal;
an ``IntEnum`` member would be a typed object of its own.  Every code here is taken from its
enumeration (``stages.py``, and the columns of the random draws in ``state.py``), so the enums
stay the one place where a code is declared: the rules (``rules/``), the reporters and the
simulated survey import them from here.
"""

from __future__ import annotations

from .stages import (
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
from .state import MonthDraw, SetUpDraw

# --- Stage ------------------------------------------------------------------------------------
NOT_ENGAGED = int(Stage.NOT_ENGAGED)
PLANNED = int(Stage.PLANNED)
EXPERIMENTING = int(Stage.EXPERIMENTING)
DEPLOYED = int(Stage.DEPLOYED)
SCALED = int(Stage.SCALED)
N_STAGES = len(Stage)

# --- UseCaseStage -----------------------------------------------------------------------------
UC_NONE = int(UseCaseStage.NONE)
UC_PLANNED = int(UseCaseStage.PLANNED)
UC_IN_DEVELOPMENT = int(UseCaseStage.IN_DEVELOPMENT)
UC_IN_PLACE = int(UseCaseStage.IN_PLACE)
N_USE_CASE_STAGES = len(UseCaseStage)

# --- strata -----------------------------------------------------------------------------------
N_SIZES = len(SizeClass)

# --- Direction's categories -------------------------------------------------------------------
NO_STRATEGY = int(Strategy.NONE)
TRIPARTITE = int(Strategy.TRIPARTITE)
N_STRATEGIES = len(Strategy)
OUTSOURCE_NONE = int(Outsourcing.NONE)
OUTSOURCE_PARTIAL = int(Outsourcing.PARTIAL)
OUTSOURCE_ALL = int(Outsourcing.ALL)
N_OUTSOURCING = len(Outsourcing)
NOBODY = int(ProviderManager.NOBODY)
N_MANAGER_CODES = len(ProviderManager)
"""Codes of ProviderManager, NOBODY included."""
MANAGER_OFFSET = -NOBODY
"""Added to a manager code, an index from 0 (NOBODY) to N_MANAGER_CODES - 1."""

# --- collaboration ----------------------------------------------------------------------------
COLLABORATION_UNSET = int(Collaboration.UNSET)
BALANCED = int(Collaboration.BALANCED)
NO_COLLABORATION = int(Collaboration.NONE)
N_COLLABORATION_CODES = len(Collaboration)
"""Codes of Collaboration, UNSET included."""
COLLABORATION_OFFSET = -COLLABORATION_UNSET
"""Added to a collaboration code, an index from 0 (UNSET) to N_COLLABORATION_CODES - 1."""
MISESTIMATES = int(Difficulty.MISESTIMATES)
COMMUNICATION = int(Difficulty.COMMUNICATION)
ORGANISATION = int(Difficulty.ORGANISATION)
N_DIFFICULTIES = len(Difficulty)

# --- obstacles --------------------------------------------------------------------------------
UTILITY = int(Obstacle.UTILITY)
SKILLS = int(Obstacle.SKILLS)
SECURITY = int(Obstacle.SECURITY)
REGULATION = int(Obstacle.REGULATION)
FINANCE = int(Obstacle.FINANCE)
N_OBSTACLES = len(Obstacle)

# --- gains and use cases ----------------------------------------------------------------------
PRODUCTIVITY = int(Gain.PRODUCTIVITY)
N_GAINS = len(Gain)
N_USE_CASES = len(UseCase)
BUSINESS_TOOL_CASES = (int(UseCase.CONTENT), int(UseCase.PERSONALISATION))
"""The use cases a Business team can pilot as a tool of its own (text p.2: "deployed" for
Business can mean using a tool like ChatGPT)."""

# --- peer pools -------------------------------------------------------------------------------
N_POOLS = len(Sector) * len(SizeClass)
"""Number of imitation pools: one per sector and size class (``state.pool`` = sector * number
of size classes + size)."""

# --- columns of the month's draws (MonthDraw) -------------------------------------------------
U_ENGAGE = int(MonthDraw.ENGAGE)
U_ABANDON = int(MonthDraw.ABANDON)
U_TRAINING = int(MonthDraw.TRAINING)
U_ROLES_INTERNAL = int(MonthDraw.ROLES_INTERNAL)
U_ROLES_EXTERNAL = int(MonthDraw.ROLES_EXTERNAL)
U_INSOURCE = int(MonthDraw.INSOURCE)
U_REVISE_STRATEGY = int(MonthDraw.REVISE_STRATEGY)
U_SCALE = int(MonthDraw.SCALE)
U_AGENTIC_TECHNIQUE = int(MonthDraw.AGENTIC_TECHNIQUE)
U_AGENTIC_BUSINESS = int(MonthDraw.AGENTIC_BUSINESS)
U_SHADOW = int(MonthDraw.SHADOW)
U_REBALANCE = int(MonthDraw.REBALANCE)
U_ORGANISATION = int(MonthDraw.ORGANISATION)

# --- columns of a firm's set-up draws (SetUpDraw) ---------------------------------------------
D_PLAN = int(SetUpDraw.PLAN_CONTENT)
"""First PLAN_* column; one per UseCase follows, in UseCase order."""
D_STRATEGY = int(SetUpDraw.STRATEGY)
D_OUTSOURCE = int(SetUpDraw.OUTSOURCE)
D_OUTSOURCE_ALL = int(SetUpDraw.OUTSOURCE_ALL)
D_MANAGER = int(SetUpDraw.MANAGER)
D_TRAINING = int(SetUpDraw.TRAINING)
D_DEDICATED = int(SetUpDraw.DEDICATED)
D_ROLES_INTERNAL = int(SetUpDraw.ROLES_INTERNAL)
D_ROLES_EXTERNAL = int(SetUpDraw.ROLES_EXTERNAL)
D_COLLABORATION = int(SetUpDraw.COLLABORATION)
D_DIFFICULTY = int(SetUpDraw.MISESTIMATES)
"""First difficulty column; one per Difficulty follows, in Difficulty order."""
D_SHADOW = int(SetUpDraw.SHADOW)
D_EXTERNAL_EXPERTS = int(SetUpDraw.EXTERNAL_EXPERTS)

if [SetUpDraw(D_PLAN + j).name for j in range(len(UseCase))] != [
    f"PLAN_{uc.name}" for uc in UseCase
] or [SetUpDraw(D_DIFFICULTY + k).name for k in range(len(Difficulty))] != [
    d.name for d in Difficulty
]:  # pragma: no cover
    raise RuntimeError("state.SetUpDraw no longer lists the use cases and difficulties in order")
# Tables indexed by code (histograms, stage-indexed weights) need consecutive codes from 0, or
# from the sentinel that the offsets above shift to 0.
for _enum, _lowest in ((Stage, 0), (UseCaseStage, 0), (SizeClass, 0), (Sector, 0), (Strategy, 0),
                       (Outsourcing, 0), (ProviderManager, NOBODY),
                       (Collaboration, COLLABORATION_UNSET), (Difficulty, 0), (Obstacle, 0),
                       (Gain, 0), (UseCase, 0)):  # fmt: skip
    if sorted(map(int, _enum)) != list(range(_lowest, _lowest + len(_enum))):  # pragma: no cover
        raise RuntimeError(f"{_enum.__name__}: codes must run from {_lowest} without gaps")
