"""A per-agent Mesa build of the adoption model: what a Mesa user would write.

Every firm is a ``FirmAgent`` (a ``mesa.Agent``) holding three role agents, ``DirectionAgent``,
``TechniqueAgent`` and ``BusinessAgent``, each a ``mesa.Agent`` with plain Python attributes and
its own ``step()``.  Each agent applies, for its own firm, exactly the rules of
``aiadopt/model/rules/`` (same formulas, same order within the month as
``AdoptionModel.step``), drawing its random numbers one at a time from the model's
``random.Random`` (``self.random``), as a Mesa user would.

It serves twice (see ``run_benchmarks.py``): as the speed reference for the vectorised
``AdoptionModel``, and as a check of that build: it cannot share the vectorised model's draws,
so the two agree only statistically (stage shares over many seeds).

The month, as in ``AdoptionModel.step``:

1. the model computes the peer share of every sector-size pool and its Bass probability;
2. firms (``FirmAgent.step``): engagement and set-up, abandon, use-case portfolio, scaling and
   the stage;
3. Direction invests and revises its strategy; Technique learns and hears of agentic AI;
4. firms update their gains;
5. Business: enthusiasm, agentic AI, shadow AI;
6. firms rebalance their collaboration, then deployed firms meet organisation questions.

Only a firm's own state and the pool shares of step 1 enter its rules, so the order of the
firms within a step does not matter; the order of the rules within a firm is the vectorised
model's.  (Business hears of agentic AI in its own step rather than in Technique's, as the
vectorised model does for both: it only reads the firm's stage, which does not change between
the two.)
"""

from __future__ import annotations

import math

import mesa

from aiadopt.model.clock import months_between
from aiadopt.model.codes import BALANCED as COLLAB_BALANCED
from aiadopt.model.codes import COLLABORATION_UNSET as COLLAB_UNSET
from aiadopt.model.codes import (  # plain ints for speed (IntEnum comparisons are slower)
    COMMUNICATION,
    DEPLOYED,
    EXPERIMENTING,
    MISESTIMATES,
    N_POOLS,
    N_STAGES,
    NO_STRATEGY,
    NOBODY,
    NOT_ENGAGED,
    ORGANISATION,
    OUTSOURCE_ALL,
    OUTSOURCE_PARTIAL,
    PLANNED,
    SCALED,
    TRIPARTITE,
    UC_NONE,
    UC_PLANNED,
)
from aiadopt.model.codes import NO_COLLABORATION as COLLAB_NONE
from aiadopt.model.codes import OUTSOURCE_NONE as NOT_OUTSOURCED
from aiadopt.model.codes import UC_IN_DEVELOPMENT as UC_DEV
from aiadopt.model.codes import UC_IN_PLACE as UC_PLACE
from aiadopt.model.params import N_USE_CASES, Params
from aiadopt.model.state import SetUpDraw

# --- small scalar helpers ------------------------------------------------------------------------


def probability(rate: float) -> float:
    """Monthly probability of an event with constant hazard ``rate`` per month."""
    return -math.expm1(-rate)


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def cumulative(shares: tuple[float, ...]) -> list[float]:
    out, total = [], 0.0
    for s in shares:
        total += s
        out.append(total)
    return out


def draw_category(u: float, cdf: list[float]) -> int:
    """Index of the first cumulative share above ``u`` (the last category otherwise)."""
    for k in range(len(cdf) - 1):
        if u < cdf[k]:
            return k
    return len(cdf) - 1


def bass_month_probability(share: float, p: float, q: float) -> float:
    """Probability that a non-adopter adopts within a month, given the adopted ``share``:
    the exact one-month flow of the Bass equation (``rules.engagement.bass_month_probability``)."""
    f = min(max(share, 0.0), 1.0)
    if f >= 1.0:
        return 0.0
    if p <= 0.0:
        f1 = f / (f + (1.0 - f) * math.exp(-q)) if f > 0.0 else 0.0
    else:
        a = (1.0 - f) / (1.0 + (q / p) * f)
        e = math.exp(-(p + q))
        f1 = (1.0 - a * e) / (1.0 + (q / p) * a * e)
    return (f1 - f) / (1.0 - f)


# --- the model -----------------------------------------------------------------------------------


class PerAgentModel(mesa.Model):
    """Firms with their Direction, Technique and Business agents, one Python object each.

    Args:
        params: the parameter set (``aiadopt.model.params.Params``; default ``Params()``).
        seed: seed of the model's ``random.Random`` (every draw comes from it).
    """

    def __init__(self, params: Params | None = None, seed: int = 0) -> None:
        super().__init__(seed=seed)
        p = self.params = params if params is not None else Params()
        self.n_months = months_between(p.start, p.horizon)
        self.agentic_step = months_between(p.start, p.agentic_start)
        # constants of the rules, computed once from the parameters
        self.logit_technique = [logit(x) for x in p.interest_technique]
        self.logit_business = [logit(x) for x in p.interest_business]
        self.experience_in_place = [math.log(1.0 / x) for x in p.usecase_promise]
        self.usecase_values = (
            p.usecase_value_productivity,
            p.usecase_value_cost,
            p.usecase_value_revenue,
        )
        self.cdf_size = cumulative(p.size_shares)
        self.cdf_sector = cumulative(p.sector_shares)
        self.cdf_strategy = cumulative(p.strategy_initial)
        self.cdf_manager = cumulative(p.manager_shares)
        self.cdf_collaboration = cumulative(p.collaboration_initial)
        # monthly probabilities of the constant hazards (a hazard h: 1 - e^-h)
        self.p_abandon = probability(p.abandon_planned)
        self.p_training = probability(p.training_hazard)
        self.p_roles_internal = probability(p.roles_internal_hazard)
        self.p_roles_external = probability(p.roles_external_hazard)
        self.p_drop = probability(p.drop_stalled)
        self.p_withdraw = probability(p.decommission_hazard)
        self.p_unscale = probability(p.unscale_hazard)
        self.p_agentic = [probability(h) for h in p.agentic_hazard]  # Technique, Business
        self.p_rebalance = [probability(h) for h in p.rebalance_hazard]  # PLANNED .. SCALED
        self.p_organisation = probability(p.organisation_discovery)
        self.p_tripartite = probability(p.tripartite_hazard)
        self.p_tripartite_balanced = probability(p.tripartite_balanced_factor * p.tripartite_hazard)
        self.expected_productivity = max(p.expected_gain[0], 1e-6)
        # what the firms see of each other, updated at the start of every month
        self.peer_shares = [0.0] * N_POOLS
        self.engage_probability = [0.0] * N_POOLS

        for _ in range(p.n_firms):
            FirmAgent(self)
        self.firms = self.agents_by_type[FirmAgent]
        self.running = self.n_months > 0

    def pool_peer_shares(self) -> list[float]:
        """Engaged share seen by a firm of each sector-size pool: its pool's share
        mixed with the whole population's (``peer_own_weight``), or the population's alone
        with ``peer_pool = "population"``."""
        counts, engaged = [0] * N_POOLS, [0] * N_POOLS
        for firm in self.firms:
            counts[firm.pool] += 1
            if firm.stage >= PLANNED:
                engaged[firm.pool] += 1
        n = sum(counts)
        overall = sum(engaged) / n if n else 0.0
        if self.params.peer_pool == "population":
            return [overall] * N_POOLS
        w = self.params.peer_own_weight
        return [
            w * (e / c if c else 0.0) + (1.0 - w) * overall
            for e, c in zip(engaged, counts, strict=True)
        ]

    def step(self) -> None:
        """One month (see the module docstring for the order)."""
        p = self.params
        self.peer_shares = self.pool_peer_shares()
        self.engage_probability = [
            bass_month_probability(s, p.bass_p, p.bass_q) for s in self.peer_shares
        ]
        self.agents_by_type[FirmAgent].do("step")
        self.agents_by_type[DirectionAgent].do("step")
        self.agents_by_type[TechniqueAgent].do("step")
        self.agents_by_type[FirmAgent].do("update_gains")
        self.agents_by_type[BusinessAgent].do("step")
        self.agents_by_type[FirmAgent].do("rebalance_collaboration")
        self.agents_by_type[FirmAgent].do("meet_organisation_questions")
        if self.steps >= self.n_months:
            self.running = False

    def run(self, until: str | None = None) -> PerAgentModel:
        """Run to ``until`` (``YYYY-MM``, default the horizon)."""
        last = self.n_months if until is None else months_between(self.params.start, until)
        while self.steps < last:
            self.step()
        return self

    def stage_shares(self) -> list[float]:
        """Share of firms in each Stage (not engaged, planned, experimenting, deployed,
        scaled) now."""
        counts = [0] * N_STAGES
        for firm in self.firms:
            counts[firm.stage] += 1
        n = len(self.firms)
        return [c / n for c in counts]

    def close(self) -> None:
        """Let go of this model (mesa keeps every model in ``Agent._ids``, mesa#3179)."""
        mesa.Agent._ids.pop(self, None)


def stage_shares_at(
    params: Params, seed: int, months: list[str] | tuple[str, ...]
) -> dict[str, list[float]]:
    """Run a ``PerAgentModel`` and return its stage shares at each of ``months`` (``YYYY-MM``,
    in order, from ``params.start`` to ``params.horizon``)."""
    model = PerAgentModel(params, seed=seed)
    out = {}
    for month in months:
        model.run(until=month)
        out[month] = model.stage_shares()
    model.close()
    return out


# --- the agents ----------------------------------------------------------------------------------


class FirmAgent(mesa.Agent):
    """A firm: strata, stage, use-case portfolio, collaboration, gains, and its role agents."""

    def __init__(self, model: PerAgentModel) -> None:
        super().__init__(model)
        p = model.params
        r = self.random
        self.size = draw_category(r.random(), model.cdf_size)
        self.sector = draw_category(r.random(), model.cdf_sector)
        self.region = int(r.random() >= p.idf_share)  # 0 = Ile-de-France
        self.pool = self.sector * 3 + self.size  # peers of the same sector and size
        self.stage = NOT_ENGAGED
        self.engaged_month = -1
        self.scaled = False
        self.collaboration = COLLAB_UNSET
        self.difficulties = [False, False, False]  # stages.Difficulty
        # the portfolio: one entry per use case
        self.uc_stage = [UC_NONE] * N_USE_CASES
        self.uc_months = [0] * N_USE_CASES
        self.uc_stall = [0] * N_USE_CASES
        self.uc_experience = [0.0] * N_USE_CASES
        self.overruns = 0  # this month's
        # the firm's set-up draws are fixed at birth, as in the vectorised model (common
        # random numbers): a firm that gives up and comes back re-plans with the same draws
        self.setup_draws = [r.random() for _ in SetUpDraw]  # state.SetUpDraw columns
        self.direction = DirectionAgent(model, self)
        self.technique = TechniqueAgent(model, self)
        self.business = BusinessAgent(model, self)
        self.realised = [0.0, 0.0, 0.0]
        self.expected = [0.0, 0.0, 0.0]
        self.update_gains()

    # --- the month's firm rules ---
    def step(self) -> None:
        """Engagement and set-up, abandon, portfolio, scaling and the stage."""
        self.overruns = 0
        if self.stage == NOT_ENGAGED:
            if self.random.random() < self.engagement_probability():
                self.set_up()
        elif self.stage == PLANNED and self.random.random() < self.model.p_abandon:
            self.abandon()
        # a firm that just engaged keeps last month's stage until scale_and_derive_stage (as
        # in the vectorised model), so it does not progress this month
        progress = self.progress_log_effect()
        if self.stage != NOT_ENGAGED:
            self.advance_portfolio(progress)
        self.scale_and_derive_stage(progress)

    def engagement_probability(self) -> float:
        """The pool's Bass probability raised to e^effect, the effect of the firm's size and
        obstacles centred on a severity of 0.5 (``rules.engagement.engage``)."""
        p = self.model.params
        base = self.model.engage_probability[self.pool]
        if base <= 0.0:
            return 0.0
        if base >= 1.0:
            return 1.0
        w = p.engage_obstacle_weights
        t, b, d = self.technique, self.business, self.direction
        effect = p.engage_size_effect[self.size] - (
            w[0] * (0.5 - b.demand)
            + w[1] * (0.5 - t.skills)
            + w[2] * (t.security - 0.5)
            + w[3] * (d.regulation - 0.5)
            + w[4] * (d.finance - 0.5)
        )
        return 1.0 - math.exp(math.log1p(-base) * math.exp(effect))

    def interest(self, j: int) -> float:
        """Interest of the firm in use case ``j``: the mean of its Technique's and its
        Business's (Figure 5), moved by enthusiasm and by what the use case delivered."""
        m = self.model
        x = (
            m.params.interest_enthusiasm_effect * (self.business.enthusiasm - 0.5)
            + m.params.interest_experience_effect * self.uc_experience[j]
        )
        return 0.5 * (sigmoid(m.logit_technique[j] + x) + sigmoid(m.logit_business[j] + x))

    def set_up(self) -> None:
        """What happens when the firm engages (``rules.setup.set_up``).  A firm that
        gave up and comes back only re-plans its portfolio and regains enthusiasm."""
        m, p, u = self.model, self.model.params, self.setup_draws
        first_time = self.engaged_month < 0
        self.engaged_month = m.steps
        # the portfolio: each use case planned with the firm's interest, at least its favourite
        best, best_interest, planned = 0, -1.0, 0
        for j in range(N_USE_CASES):
            interest = self.interest(j)
            self.uc_months[j] = 0
            if u[SetUpDraw.PLAN_CONTENT + j] < interest:
                self.uc_stage[j] = UC_PLANNED
                planned += 1
            else:
                self.uc_stage[j] = UC_NONE
            if interest > best_interest:
                best, best_interest = j, interest
        if planned == 0:
            self.uc_stage[best] = UC_PLANNED
        # the peak of inflated expectations (Figure 7, phase 1)
        self.business.enthusiasm = max(self.business.enthusiasm, p.engage_enthusiasm)
        if not first_time:
            return  # earlier choices, collaboration and discovered obstacles stand
        self.direction.set_up(u)
        # collaboration and its difficulties (Figures 13, 14); without it, shadow AI
        self.collaboration = draw_category(u[SetUpDraw.COLLABORATION], m.cdf_collaboration)
        for k in range(3):
            self.difficulties[k] = u[SetUpDraw.MISESTIMATES + k] < p.difficulty_initial[k]
        if (
            self.collaboration == COLLAB_NONE
            and u[SetUpDraw.SHADOW] < self.business.shadow_propensity
        ):
            self.business.shadow_ai = True
        # obstacles discovered by trying (Figure 4)
        self.technique.discover_obstacles()
        self.direction.discover_obstacles()
        self.business.discover_obstacles()

    def abandon(self) -> None:
        """A planned-only firm gives up at once: back to not engaged, its portfolio empty."""
        self.stage = NOT_ENGAGED
        self.uc_stage = [UC_NONE] * N_USE_CASES
        self.uc_months = [0] * N_USE_CASES

    def progress_log_effect(self) -> float:
        """Success factors and obstacles acting on development and scaling, log scale
        (``rules.portfolio.progress``); zero for a firm not engaged."""
        if self.stage == NOT_ENGAGED:
            return 0.0
        p, d, t, b = self.model.params, self.direction, self.technique, self.business
        x = p.strategy_effect[d.strategy]
        if d.manager != NOBODY:
            x += p.manager_effect[d.manager]
        if self.collaboration != COLLAB_UNSET:
            x += p.collaboration_effect[self.collaboration]
        if d.training:
            x += p.training_effect
        if d.dedicated:
            x += p.dedicated_effect
        if d.roles_internal or d.roles_external:
            x += p.roles_effect
        if self.difficulties[COMMUNICATION]:
            x += p.communication_effect
        x += p.skills_effect * (t.skills - 0.5)
        w = p.progress_obstacle_weights
        x -= (
            w[0] * (0.5 - b.demand)
            + w[1] * (0.5 - t.skills)
            + w[2] * (t.security - 0.5)
            + w[3] * (d.regulation - 0.5)
            + w[4] * (d.finance - 0.5)
        )
        return x + p.progress_size_effect[self.size]

    def advance_portfolio(self, progress: float) -> None:
        """One month of the portfolio (``rules.portfolio.advance``): the events open to a use
        case compete for one uniform: add, start, overrun (stall) or complete, drop while
        stalled, withdraw."""
        m, p = self.model, self.model.params
        mult = math.exp(progress)
        rate_overrun = p.overrun_hazard * (
            math.exp(p.misestimate_overrun_effect) if self.difficulties[MISESTIMATES] else 1.0
        )
        p_overrun = probability(rate_overrun)
        for j in range(N_USE_CASES):
            st = self.uc_stage[j]
            x = self.random.random()
            new = st
            if st == UC_NONE:
                if x < probability(p.adopt_usecase_hazard * self.interest(j)):
                    new = UC_PLANNED
            elif st == UC_PLANNED:
                if x < probability(p.start_development * mult):
                    new = UC_DEV
            elif st == UC_DEV:
                stalled = self.uc_stall[j] > 0
                rate_done = p.complete_development / p.difficulty[j] * mult
                if stalled:
                    rate_done *= p.stall_progress_factor
                p_first = m.p_drop if stalled else p_overrun
                if x < p_first:
                    if stalled:
                        new = UC_PLANNED  # dropped back to the plan
                    else:  # overrun: stall where it stands
                        self.overruns += 1
                        self.uc_stall[j] = p.stall_months + 1  # decremented below
                        self.uc_experience[j] = max(
                            self.uc_experience[j] - p.overrun_experience_hit, p.experience_floor
                        )
                elif x - p_first < probability(rate_done):
                    new = UC_PLACE
                    self.uc_experience[j] = m.experience_in_place[j]
            elif x < m.p_withdraw:  # in place: withdrawn
                new = UC_PLANNED
            if new != st:
                self.uc_stage[j] = new
                self.uc_months[j] = 0
            else:
                self.uc_months[j] += 1
            if new != UC_DEV:
                self.uc_stall[j] = 0
            elif self.uc_stall[j] > 0:
                self.uc_stall[j] -= 1

    def scale_and_derive_stage(self, progress: float) -> None:
        """Deployed firms scale, scaled firms may fall back; then the stage is the most
        advanced use case, SCALED if the firm scaled (``rules.scaling.scale_and_derive_stage``)."""
        p = self.model.params
        top = max(self.uc_stage)
        in_place = self.uc_stage.count(UC_PLACE)
        if in_place == 0:
            self.scaled = False
        elif self.scaled:
            if self.random.random() < self.model.p_unscale:
                self.scaled = False
        else:
            x = progress + p.scale_per_usecase_effect * (in_place - 1)
            if self.difficulties[ORGANISATION]:
                x += p.organisation_effect
            if self.random.random() < probability(p.scale_hazard * math.exp(x)):
                self.scaled = True
        self.stage = SCALED if (self.scaled and top == UC_PLACE) else top

    def update_gains(self) -> None:
        """Realised gains from use cases in place (ramping up) and in development (a share);
        expected gains scale with enthusiasm (``rules.gains.update_gains``)."""
        p, values = self.model.params, self.model.usecase_values
        realised = [0.0, 0.0, 0.0]
        if self.stage >= EXPERIMENTING:
            for j in range(N_USE_CASES):
                st = self.uc_stage[j]
                if st == UC_PLACE:
                    w = -math.expm1(-min(self.uc_months[j], 1199) / p.gain_lag_months)
                elif st == UC_DEV:
                    w = p.pilot_gain_share
                else:
                    continue
                for k in range(3):
                    realised[k] += w * values[k][j]
        self.realised = realised
        k = self.business.enthusiasm / p.expected_gain_enthusiasm
        self.expected = [k * base for base in p.expected_gain]

    def rebalance_collaboration(self) -> None:
        """Collaboration becomes balanced with experience, faster once deployed."""
        c = self.collaboration
        if (
            c >= 0
            and c != COLLAB_BALANCED
            and self.stage >= PLANNED
            and self.random.random() < self.model.p_rebalance[self.stage - 1]
        ):
            self.collaboration = COLLAB_BALANCED


    def meet_organisation_questions(self) -> None:
        """Deployed firms meet questions of organisation and leadership (Figure 14 text)."""
        if (
            self.stage >= DEPLOYED
            and not self.difficulties[ORGANISATION]
            and self.random.random() < self.model.p_organisation
        ):
            self.difficulties[ORGANISATION] = True


class DirectionAgent(mesa.Agent):
    """The firm's leadership: strategy, outsourcing, investments; regulation and finance."""

    def __init__(self, model: PerAgentModel, firm: FirmAgent) -> None:
        super().__init__(model)
        p = model.params
        self.firm = firm
        self.strategy = NO_STRATEGY
        self.outsourcing = NOT_OUTSOURCED
        self.manager = NOBODY
        self.training = False
        self.dedicated = False
        self.roles_internal = False
        self.roles_external = False
        self.external_experts = False
        c = p.attribute_concentration
        self.regulation = self.random.betavariate(
            p.regulation_mean * c, (1 - p.regulation_mean) * c
        )
        self.finance = self.random.betavariate(p.finance_mean * c, (1 - p.finance_mean) * c)

    def set_up(self, u: list[float]) -> None:
        """Choices on engagement (Figures 9, 11, 12) from the firm's set-up draws ``u``."""
        m, p = self.model, self.model.params
        self.strategy = draw_category(u[SetUpDraw.STRATEGY], m.cdf_strategy)
        if u[SetUpDraw.OUTSOURCE] < p.outsource_initial:
            all_of_it = u[SetUpDraw.OUTSOURCE_ALL] < p.outsource_all_initial
            self.outsourcing = OUTSOURCE_ALL if all_of_it else OUTSOURCE_PARTIAL
            self.manager = draw_category(u[SetUpDraw.MANAGER], m.cdf_manager)
        else:
            self.outsourcing = NOT_OUTSOURCED
            self.manager = NOBODY
        self.training = u[SetUpDraw.TRAINING] < p.training_initial
        self.dedicated = u[SetUpDraw.DEDICATED] < p.dedicated_initial
        self.roles_internal = u[SetUpDraw.ROLES_INTERNAL] < p.roles_internal_initial
        self.roles_external = u[SetUpDraw.ROLES_EXTERNAL] < p.roles_external_initial
        self.external_experts = u[SetUpDraw.EXTERNAL_EXPERTS] < p.experts_initial

    def discover_obstacles(self) -> None:
        d = self.model.params.discovery
        self.regulation = min(self.regulation + d[3], 1.0)
        self.finance = min(self.finance + d[4], 1.0)

    def step(self) -> None:
        """Invest once active (``rules.direction.invest``), then revise the strategy once engaged
        (``rules.direction.revise_strategy``)."""
        m, p, firm = self.model, self.model.params, self.firm
        if firm.stage >= EXPERIMENTING:
            if self.random.random() < m.p_training:
                self.training = True
            if self.random.random() < m.p_roles_internal:
                self.roles_internal = True
            if self.random.random() < m.p_roles_external:
                self.roles_external = True
            if self.outsourcing != NOT_OUTSOURCED and (
                self.random.random() < probability(p.insource_hazard * firm.technique.skills)
            ):
                self.outsourcing = NOT_OUTSOURCED
                self.manager = NOBODY
        if firm.stage >= PLANNED and self.strategy != TRIPARTITE:
            balanced = firm.collaboration == COLLAB_BALANCED
            p_revise = m.p_tripartite_balanced if balanced else m.p_tripartite
            if self.random.random() < p_revise:
                self.strategy = TRIPARTITE


class TechniqueAgent(mesa.Agent):
    """The technical functions: skills, security concern, awareness of agentic AI."""

    def __init__(self, model: PerAgentModel, firm: FirmAgent) -> None:
        super().__init__(model)
        p = model.params
        self.firm = firm
        c = p.attribute_concentration
        self.skills = self.random.betavariate(p.skills_mean * c, (1 - p.skills_mean) * c)
        self.security = self.random.betavariate(p.security_mean * c, (1 - p.security_mean) * c)
        self.agentic_aware = False

    def discover_obstacles(self) -> None:
        d = self.model.params.discovery
        self.skills = max(self.skills - d[1], 0.0)
        self.security = min(self.security + d[2], 1.0)

    def step(self) -> None:
        """Learn by training and practice (``rules.technique.learn``); once agentic AI is a
        topic, an engaged Technique hears of it (``rules.technique.hear_of_agentic``)."""
        p, firm = self.model.params, self.firm
        gain = 0.0
        if firm.direction.training:
            gain += p.training_skill_gain
        if firm.stage >= EXPERIMENTING:
            gain += p.practice_skill_gain
        if gain > 0.0:
            self.skills = min(self.skills + gain, 1.0)
        hears = self.model.steps >= self.model.agentic_step and firm.stage >= PLANNED
        if hears and self.random.random() < self.model.p_agentic[0]:
            self.agentic_aware = True


class BusinessAgent(mesa.Agent):
    """The business functions: demand, enthusiasm (the hype cycle), shadow AI."""

    def __init__(self, model: PerAgentModel, firm: FirmAgent) -> None:
        super().__init__(model)
        p = model.params
        self.firm = firm
        c = p.attribute_concentration
        self.demand = self.random.betavariate(p.demand_mean * c, (1 - p.demand_mean) * c)
        self.enthusiasm = p.enthusiasm_initial
        m = p.shadow_propensity_mean
        self.shadow_propensity = self.random.betavariate(m * c, (1 - m) * c)
        self.shadow_ai = False
        self.loose_view = self.random.random() < p.pilot_loose_view
        self.agentic_aware = False

    def discover_obstacles(self) -> None:
        self.demand = max(self.demand - self.model.params.discovery[0], 0.0)

    def step(self) -> None:
        """Agentic AI (``rules.business.hear_of_agentic``), enthusiasm and demand
        (``rules.business.update_enthusiasm``), shadow AI (``rules.business.adopt_shadow_ai``)."""
        m, p, firm = self.model, self.model.params, self.firm
        hears = m.steps >= m.agentic_step and firm.stage >= PLANNED
        if hears and self.random.random() < m.p_agentic[1]:
            self.agentic_aware = True
        # the hype cycle: a fall with each overrun, then a drift towards a target
        e = self.enthusiasm - p.overrun_enthusiasm_hit * firm.overruns
        if firm.stage >= DEPLOYED:
            ratio = firm.realised[0] / m.expected_productivity
            target = p.enthusiasm_deployed_base + p.enthusiasm_deployed_slope * min(
                ratio, p.enthusiasm_deployed_cap
            )
        elif firm.stage >= PLANNED:
            target = p.enthusiasm_engaged_target
        else:
            target = p.enthusiasm_outsider_base + p.enthusiasm_peer_slope * m.peer_shares[firm.pool]
        e += p.enthusiasm_drift * (target - e)
        self.enthusiasm = e = min(max(e, 0.0), 1.0)
        self.demand += p.demand_drift * (e - self.demand)
        # shadow AI where Business does not work with Technique
        alone = firm.stage == NOT_ENGAGED or firm.collaboration == COLLAB_NONE
        chance = probability(p.shadow_hazard * self.shadow_propensity * e)
        if not self.shadow_ai and alone and self.random.random() < chance:
            self.shadow_ai = True
