"""The integer codes of the model's categories, as plain ints for the compiled rules.

numba compiles a comparison with a plain int module constant into a comparison with a literal;
an ``IntEnum`` member would be a typed object of its own.  Every code here is taken from its
enumeration (``stages.py``, and the columns of the random draws in ``state.py``), so the enums
stay the one place where a code is declared: the rules (``rules/``), the reporters and the
simulated survey import them from here.
"""

from __future__ import annotations

from .stages import (
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

# --- Direction's choices (Choice) -------------------------------------------------------------
C_TRIPARTITE = int(Choice.TRIPARTITE)
C_OUTSOURCE = int(Choice.OUTSOURCE)
C_TRAINING = int(Choice.TRAINING)
C_DEDICATED = int(Choice.DEDICATED)
C_ROLES_INTERNAL = int(Choice.ROLES_INTERNAL)
C_ROLES_EXTERNAL = int(Choice.ROLES_EXTERNAL)
C_EXPERTS = int(Choice.EXPERTS)
N_CHOICES = len(Choice)
WITHHELD_PAIR = 1 << 8
"""Bit of ``state.held``: a policy keeps the Technique-Business pair from managing the firm's
providers (``direction.providers`` then picks Technique or Business alone)."""
WITHHELD_BALANCED = 1 << 9
"""Bit of ``state.held``: a policy keeps the firm's collaboration from being balanced
(``collaboration.collaboration_mode`` then reads the led mode)."""
if N_CHOICES > 8:  # pragma: no cover - state.held: bits 0-7 one per Choice, 8-9 withheld factors
    raise RuntimeError("state.held holds 8 choices at most: widen its dtype first")
PAIR = int(ProviderManager.PAIR)
MANAGER_TECHNIQUE = int(ProviderManager.TECHNIQUE)
MANAGER_BUSINESS = int(ProviderManager.BUSINESS)
AD_HOC_REQUESTS = int(Strategy.AD_HOC_REQUESTS)
AD_HOC_CAPACITY = int(Strategy.AD_HOC_CAPACITY)

# --- collaboration ----------------------------------------------------------------------------
COLLABORATION_UNSET = int(Collaboration.UNSET)
BALANCED = int(Collaboration.BALANCED)
TECHNIQUE_LED = int(Collaboration.TECHNIQUE_LED)
BUSINESS_LED = int(Collaboration.BUSINESS_LED)
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
U_GIVE_UP = int(MonthDraw.GIVE_UP)
U_REVISE = int(MonthDraw.REVISE)
U_SCALE = int(MonthDraw.SCALE)
U_AGENTIC_TECHNIQUE = int(MonthDraw.AGENTIC_TECHNIQUE)
U_AGENTIC_BUSINESS = int(MonthDraw.AGENTIC_BUSINESS)
U_SHADOW = int(MonthDraw.SHADOW)
U_ORGANISATION = int(MonthDraw.ORGANISATION)

# --- columns of a firm's set-up draws (SetUpDraw) ---------------------------------------------
D_PLAN = int(SetUpDraw.PLAN_CONTENT)
"""First PLAN_* column; one per UseCase follows, in UseCase order."""
D_CHOICE = int(SetUpDraw.CHOICE_TRIPARTITE)
"""First CHOICE_* column; one per Choice follows, in Choice order."""
D_AD_HOC = int(SetUpDraw.AD_HOC)
D_OUTSOURCE_ALL = int(SetUpDraw.OUTSOURCE_ALL)
D_MANAGER = int(SetUpDraw.MANAGER)
D_ALIGNMENT = int(SetUpDraw.ALIGNMENT)
D_DIFFICULTY = int(SetUpDraw.MISESTIMATES)
"""First difficulty column; one per Difficulty follows, in Difficulty order."""
D_MARKET = int(SetUpDraw.MARKET)

if [SetUpDraw(D_PLAN + j).name for j in range(len(UseCase))] != [
    f"PLAN_{uc.name}" for uc in UseCase
] or [SetUpDraw(D_CHOICE + c).name for c in range(len(Choice))] != [
    f"CHOICE_{c.name}" for c in Choice
] or [SetUpDraw(D_DIFFICULTY + k).name for k in range(len(Difficulty))] != [
    d.name for d in Difficulty
]:  # pragma: no cover
    raise RuntimeError(
        "state.SetUpDraw no longer lists the use cases, choices and difficulties in order"
    )
# Tables indexed by code (histograms, stage-indexed weights) need consecutive codes from 0, or
# from the sentinel that the offsets above shift to 0.
for _enum, _lowest in ((Stage, 0), (UseCaseStage, 0), (SizeClass, 0), (Sector, 0), (Strategy, 0),
                       (Outsourcing, 0), (ProviderManager, NOBODY),
                       (Collaboration, COLLABORATION_UNSET), (Difficulty, 0), (Obstacle, 0),
                       (Gain, 0), (UseCase, 0), (Choice, 0)):  # fmt: skip
    if sorted(map(int, _enum)) != list(range(_lowest, _lowest + len(_enum))):  # pragma: no cover
        raise RuntimeError(f"{_enum.__name__}: codes must run from {_lowest} without gaps")
