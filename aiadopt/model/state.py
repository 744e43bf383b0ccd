"""The firms' state as a structure of arrays: the fast engine behind the agents.

One numpy array per attribute, one entry per firm (use-case arrays have one column per use
case).  Every rule of the model is a vectorised function of these arrays and a random stream,
so one step updates every firm at once; the Mesa agents (``agents.py``) are views that read and
write a firm's entries.

Memory: about 250 bytes per firm (compact dtypes: int8 for categories, float32 for attributes).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

from .params import N_USE_CASES, Params
from .stages import (
    Collaboration,
    Difficulty,
    Gain,
    Outsourcing,
    ProviderManager,
    Sector,
    SizeClass,
    Stage,
    Strategy,
)
from .streams import Streams


class SetUpDraw(IntEnum):
    """Columns of a firm's set-up draws: fixed at birth, used whenever it decides.

    Drawing them once per firm (not each month) keeps common random numbers exact: a firm
    makes the same choices in two scenarios whenever its circumstances are the same.  The
    CHOICE_* draws are the firm's fixed tastes in Direction's logit choices (a firm chooses
    ``Choice`` c while its draw is below the choice's probability: ``direction.decide``).
    """

    PLAN_CONTENT = 0  # PLAN_* : one per UseCase, in UseCase order
    PLAN_PERSONALISATION = 1
    PLAN_CUSTOMER_KNOWLEDGE = 2
    PLAN_ROI_MEASUREMENT = 3
    PLAN_TEST_AUTOMATION = 4
    PLAN_INFRASTRUCTURE = 5
    CHOICE_TRIPARTITE = 6  # CHOICE_* : one per Choice, in Choice order
    CHOICE_OUTSOURCE = 7
    CHOICE_TRAINING = 8
    CHOICE_DEDICATED = 9
    CHOICE_ROLES_INTERNAL = 10
    CHOICE_ROLES_EXTERNAL = 11
    CHOICE_EXPERTS = 12
    AD_HOC = 13  # which strategy a firm without the tripartite one has
    OUTSOURCE_ALL = 14
    MANAGER = 15
    ALIGNMENT = 16  # the firm's own Technique-Business affinity
    MISESTIMATES = 17  # difficulties: in Difficulty order
    COMMUNICATION = 18
    ORGANISATION = 19
    MARKET = 20  # the firm's reservation utility: in the market or not (engagement)


class MonthDraw(IntEnum):
    """Columns of the monthly per-firm draws (one uniform per firm, decision and month)."""

    ENGAGE = 0
    GIVE_UP = 1
    REVISE = 2
    SCALE = 3
    AGENTIC_TECHNIQUE = 4
    AGENTIC_BUSINESS = 5
    SHADOW = 6
    ORGANISATION = 7


@dataclass
class FirmState:
    """All firm attributes, as arrays indexed by firm (see each field's comment)."""

    # strata (fixed)
    size: np.ndarray  # int8, SizeClass
    sector: np.ndarray  # int8, Sector
    region: np.ndarray  # int8, Region
    pool: np.ndarray  # int16, sector * len(SizeClass) + size: the peer pool for imitation
    # adoption
    stage: np.ndarray  # int8, Stage (derived from the portfolio and `scaled` each step)
    engaged_month: np.ndarray  # int16, step at which the firm engaged, -1 if never
    scaled: np.ndarray  # bool, the firm has scaled its deployment
    # Direction
    strategy: np.ndarray  # int8, Strategy (NONE until engaged)
    outsourcing: np.ndarray  # int8, Outsourcing
    manager: np.ndarray  # int8, ProviderManager
    training: np.ndarray  # bool
    dedicated: np.ndarray  # bool, dedicated staff or working groups
    roles_internal: np.ndarray  # bool, new AI roles filled from inside
    roles_external: np.ndarray  # bool, new AI roles hired from outside
    external_experts: np.ndarray  # bool, uses external experts (consultants, providers)
    held: np.ndarray  # uint16, bit c set: Choice c is held by a policy (not revised); bits 8-9:
    # a policy withholds a factor that is no Choice (codes.WITHHELD_PAIR, WITHHELD_BALANCED)
    # Technique
    skills: np.ndarray  # float32 0-1, internal AI skills and integration capacity
    security: np.ndarray  # float32 0-1, security/confidentiality concern
    technique_agentic: np.ndarray  # bool, has heard of agentic AI
    # Business
    demand: np.ndarray  # float32 0-1, demand for use cases (perceived utility)
    enthusiasm: np.ndarray  # float32 0-1, follows the hype cycle
    shadow_propensity: np.ndarray  # float32 0-1
    shadow_ai: np.ndarray  # bool, Business uses AI tools without the Technique team
    loose_view: np.ndarray  # bool, Business counts a pilot as "in place"
    business_agentic: np.ndarray  # bool
    # firm-level obstacles held by Direction
    regulation: np.ndarray  # float32 0-1, regulatory uncertainty
    finance: np.ndarray  # float32 0-1, financial constraint
    # collaboration
    alignment: np.ndarray  # float32 0-1, how well Technique and Business work together
    alignment_taste: np.ndarray  # float32, the firm's own affinity: logit of its ALIGNMENT draw
    collaboration: np.ndarray  # int8, Collaboration (derived from alignment once engaged)
    difficulties: np.ndarray  # bool (n, 3), Difficulty
    # use-case portfolio
    uc_stage: np.ndarray  # int8 (n, 6), UseCaseStage
    uc_months: np.ndarray  # int16 (n, 6), months in the current use-case stage
    uc_stall: np.ndarray  # int8 (n, 6), months of stall left
    uc_experience: np.ndarray  # float32 (n, 6), what the use case delivered against its promise
    # outcomes
    expected: np.ndarray  # float32 (n, 3), expected gain by Gain, percent
    realised: np.ndarray  # float32 (n, 3), realised gain by Gain, percent
    # the firm's own draws for its set-up on engagement (SetUpDraw columns), drawn once
    setup_draws: np.ndarray  # float32 (n, len(SetUpDraw))

    @property
    def n(self) -> int:
        """Number of firms."""
        return int(self.stage.shape[0])

    def nbytes(self) -> int:
        """Bytes held by all arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def beta_draw(rng: np.random.Generator, mean: float, concentration: float, n: int) -> np.ndarray:
    """``n`` Beta draws with the given mean and a + b = concentration, as float32."""
    a = mean * concentration
    b = (1.0 - mean) * concentration
    return rng.beta(a, b, n).astype(np.float32)


def alignment_taste_of(setup_draws: np.ndarray) -> np.ndarray:
    """Each firm's own Technique-Business affinity: log(u / (1 - u)) of its ALIGNMENT draw
    (kept within [1e-6, 1 - 1e-6]), a logistic variable, as float32; computed once per firm
    rather than every month (``rules.collaboration.alignment_target``)."""
    x = np.clip(setup_draws[..., SetUpDraw.ALIGNMENT].astype(np.float64), 1e-6, 1.0 - 1e-6)
    return np.log(x / (1.0 - x)).astype(np.float32)


def init_population(params: Params, streams: Streams) -> FirmState:
    """Draw the initial population of firms (November 2022: nobody engaged yet)."""
    n = params.n_firms
    rng = streams["population"]
    size = rng.choice(len(SizeClass), size=n, p=np.asarray(params.size_shares)).astype(np.int8)
    sector = rng.choice(len(Sector), size=n, p=np.asarray(params.sector_shares)).astype(np.int8)
    region = (rng.random(n) >= params.idf_share).astype(np.int8)
    c = params.attribute_concentration
    attrs = streams["attributes"]
    setup_draws = streams["set_up"].random((n, len(SetUpDraw)), dtype=np.float32)
    return FirmState(
        size=size,
        sector=sector,
        region=region,
        pool=(sector.astype(np.int16) * len(SizeClass) + size),
        stage=np.full(n, Stage.NOT_ENGAGED, dtype=np.int8),
        engaged_month=np.full(n, -1, dtype=np.int16),
        scaled=np.zeros(n, dtype=bool),
        strategy=np.full(n, Strategy.NONE, dtype=np.int8),
        outsourcing=np.full(n, Outsourcing.NONE, dtype=np.int8),
        manager=np.full(n, ProviderManager.NOBODY, dtype=np.int8),
        training=np.zeros(n, dtype=bool),
        dedicated=np.zeros(n, dtype=bool),
        roles_internal=np.zeros(n, dtype=bool),
        roles_external=np.zeros(n, dtype=bool),
        external_experts=np.zeros(n, dtype=bool),
        held=np.zeros(n, dtype=np.uint16),
        skills=beta_draw(attrs, params.skills_mean, c, n),
        security=beta_draw(attrs, params.security_mean, c, n),
        technique_agentic=np.zeros(n, dtype=bool),
        demand=beta_draw(attrs, params.demand_mean, c, n),
        enthusiasm=np.full(n, params.enthusiasm_initial, dtype=np.float32),
        shadow_propensity=beta_draw(attrs, params.shadow_propensity_mean, c, n),
        shadow_ai=np.zeros(n, dtype=bool),
        loose_view=attrs.random(n) < params.pilot_loose_view,
        business_agentic=np.zeros(n, dtype=bool),
        regulation=beta_draw(attrs, params.regulation_mean, c, n),
        finance=beta_draw(attrs, params.finance_mean, c, n),
        alignment=np.zeros(n, dtype=np.float32),
        alignment_taste=alignment_taste_of(setup_draws),
        collaboration=np.full(n, Collaboration.UNSET, dtype=np.int8),
        difficulties=np.zeros((n, len(Difficulty)), dtype=bool),
        uc_stage=np.zeros((n, N_USE_CASES), dtype=np.int8),
        uc_months=np.zeros((n, N_USE_CASES), dtype=np.int16),
        uc_stall=np.zeros((n, N_USE_CASES), dtype=np.int8),
        uc_experience=np.zeros((n, N_USE_CASES), dtype=np.float32),
        expected=np.zeros((n, len(Gain)), dtype=np.float32),
        realised=np.zeros((n, len(Gain)), dtype=np.float32),
        setup_draws=setup_draws,
    )
