"""A per-agent Mesa build of the adoption model (v2 rules): what a Mesa user would write.

Every firm is a ``FirmAgent`` (a ``mesa.Agent``) holding three role agents, ``DirectionAgent``,
``TechniqueAgent`` and ``BusinessAgent``, each a ``mesa.Agent`` with plain Python attributes and
its own ``step()``.  Each agent applies, for its own firm, the rules of
``aiadopt/model/rules/`` as they are written there (same formulas, same order within the month
as ``rules/schedule.py``), re-implemented here in plain Python, one firm at a time, drawing its
random numbers one at a time from the model's ``random.Random`` (``self.random``), as a Mesa
user would.  Nothing of the compiled rules is called: only the parameters (``Params``), the
integer codes of the categories (``codes``), the calendar (``clock``) and the exogenous series
(``exogenous``: media exposure and the obstacles' trends, functions of the month alone, the
same for every firm) are imported.

It serves twice (see ``run_benchmarks.py``): as the speed reference for the compiled
``AdoptionModel``, and as a check of that build: it cannot share the compiled model's draws,
so the two agree only statistically (the outcomes of ``OUTCOMES`` over many seeds).

The month (Mesa's ``steps`` counter is already that of the month being lived):

0. the model takes what every firm sees, before any firm moves: the engaged share of each
   sector-size pool and its Bass probability, the share of engaged peers holding each of
   Direction's choices, the media exposure and the drift of the obstacles (``begin_month``);
1. firms (``FirmAgent.step``): the obstacles follow their trends; a firm not engaged may
   engage (Bass, within the market) and sets itself up; an engaged firm with nothing in place
   may give up; the use-case portfolio advances; deployed firms scale, scaled ones may fall
   back; the stage is derived from the portfolio;
2. Direction may review its choices (``DirectionAgent.step``);
3. Technique learns and may hear of agentic AI (``TechniqueAgent.step``);
4. firms update their realised and expected gains (``FirmAgent.update_gains``);
5. Business may hear of agentic AI; its enthusiasm follows the hype cycle; it decides about
   shadow AI (``BusinessAgent.step``);
6. firms' alignment drifts to its target and gives the collaboration mode; deployed firms
   meet questions of organisation (``FirmAgent.align``).

Only a firm's own state and the month's shared inputs of step 0 enter its rules, so the order
of the firms within a step does not matter, and grouping the rules by agent as above gives
each firm the order of ``schedule.MONTH``.  (Business hears of agentic AI in its own step,
after the gains, rather than before them as in ``schedule.MONTH``: both only read the firm's
stage, which does not change in between.)
"""

from __future__ import annotations

import math

import mesa

from aiadopt.model.clock import months_between
from aiadopt.model.codes import (  # plain ints for speed (IntEnum comparisons are slower)
    BALANCED,
    BUSINESS_LED,
    BUSINESS_TOOL_CASES,
    C_DEDICATED,
    C_EXPERTS,
    C_OUTSOURCE,
    C_ROLES_EXTERNAL,
    C_ROLES_INTERNAL,
    C_TRAINING,
    C_TRIPARTITE,
    COLLABORATION_UNSET,
    COMMUNICATION,
    D_AD_HOC,
    D_ALIGNMENT,
    D_CHOICE,
    D_DIFFICULTY,
    D_MANAGER,
    D_MARKET,
    D_OUTSOURCE_ALL,
    D_PLAN,
    DEPLOYED,
    EXPERIMENTING,
    MANAGER_BUSINESS,
    MANAGER_TECHNIQUE,
    MISESTIMATES,
    N_CHOICES,
    N_DIFFICULTIES,
    N_POOLS,
    N_STAGES,
    NO_COLLABORATION,
    NO_STRATEGY,
    NOBODY,
    NOT_ENGAGED,
    ORGANISATION,
    OUTSOURCE_ALL,
    OUTSOURCE_NONE,
    OUTSOURCE_PARTIAL,
    PAIR,
    PLANNED,
    SCALED,
    TECHNIQUE_LED,
    TRIPARTITE,
    UC_IN_DEVELOPMENT,
    UC_IN_PLACE,
    UC_NONE,
    UC_PLANNED,
)
from aiadopt.model.exogenous import media_exposure, obstacle_shift
from aiadopt.model.params import N_USE_CASES, Params
from aiadopt.model.state import SetUpDraw

_CONTENT, _PERSONALISATION = BUSINESS_TOOL_CASES

# --- small scalar helpers ------------------------------------------------------------------------


def probability(rate: float) -> float:
    """Monthly probability of an event with constant hazard ``rate`` per month: 1 - e^-rate."""
    return -math.expm1(-rate)


def logit(p: float) -> float:
    """log(p / (1 - p)), with p kept within [1e-6, 1 - 1e-6]."""
    p = min(max(p, 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p))


def logistic(x: float) -> float:
    """1 / (1 + e^-x)."""
    return 1.0 / (1.0 + math.exp(-x))


def cumulative(shares: tuple[float, ...]) -> list[float]:
    """Running sums of ``shares``."""
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
    the exact one-month flow of the Bass equation dF/dt = (p + qF)(1 - F)."""
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
        self.cdf_ad_hoc = cumulative(p.ad_hoc_shares)
        expected_productivity = max(p.expected_gain[0], 1e-6)
        self.returns_per_gain = 1.0 / expected_productivity
        self.enthusiasm_per_gain = p.expected_gain_enthusiasm / expected_productivity
        # monthly probabilities of the constant hazards (a hazard h: 1 - e^-h)
        self.p_overrun = (
            probability(p.overrun_hazard),
            probability(p.overrun_hazard * math.exp(p.misestimate_overrun_effect)),
        )  # without, with a misestimates difficulty
        self.p_drop = probability(p.drop_stalled)
        self.p_revise = probability(p.revision_hazard)
        self.p_agentic = [probability(h) for h in p.agentic_hazard]  # Technique, Business
        self.p_organisation = probability(p.organisation_discovery)
        self.p_shadow_stop = probability(p.shadow_stop_hazard)
        # what every firm sees this month, taken before any firm moves (``begin_month``)
        self.peer_shares = [0.0] * N_POOLS
        self.engage_probability = [0.0] * N_POOLS
        self.peer_choice_shares = [[0.5] * N_CHOICES for _ in range(N_POOLS)]
        self.media = 0.0
        self.obstacle_shift = (0.0, 0.0, 0.0)  # security, regulation, finance
        self.agentic = False

        for _ in range(p.n_firms):
            FirmAgent(self)
        self.firms = self.agents_by_type[FirmAgent]
        self.firms.do("update_gains")  # what the initial state yields and promises
        self.running = self.n_months > 0

    def begin_month(self) -> None:
        """What every firm sees this month, from the state before any firm moves: the peers'
        engaged share and Bass probability by pool, the peers' choices by pool, the media
        exposure and the obstacles' drift (``exogenous``), whether agentic AI is a topic."""
        p = self.params
        counts, engaged = [0] * N_POOLS, [0] * N_POOLS
        holding = [[0] * N_CHOICES for _ in range(N_POOLS)]
        for firm in self.firms:
            g = firm.pool
            counts[g] += 1
            if firm.stage >= PLANNED:
                engaged[g] += 1
                d, h = firm.direction, holding[g]
                h[C_TRIPARTITE] += d.strategy == TRIPARTITE
                h[C_OUTSOURCE] += d.outsourcing != OUTSOURCE_NONE
                h[C_TRAINING] += d.training
                h[C_DEDICATED] += d.dedicated
                h[C_ROLES_INTERNAL] += d.roles_internal
                h[C_ROLES_EXTERNAL] += d.roles_external
                h[C_EXPERTS] += d.external_experts
        n, n_engaged = sum(counts), sum(engaged)
        overall = n_engaged / n if n else 0.0
        overall_choices = [
            sum(h[c] for h in holding) / n_engaged if n_engaged else 0.5 for c in range(N_CHOICES)
        ]
        if p.peer_pool == "population":
            self.peer_shares = [overall] * N_POOLS
            self.peer_choice_shares = [list(overall_choices) for _ in range(N_POOLS)]
        else:
            w = p.peer_own_weight
            self.peer_shares = [
                w * (e / c if c else 0.0) + (1.0 - w) * overall
                for e, c in zip(engaged, counts, strict=True)
            ]
            self.peer_choice_shares = [
                [
                    w * (h[c] / e if e else overall_choices[c]) + (1.0 - w) * overall_choices[c]
                    for c in range(N_CHOICES)
                ]
                for h, e in zip(holding, engaged, strict=True)
            ]
        self.engage_probability = [
            bass_month_probability(s, p.bass_p, p.bass_q) for s in self.peer_shares
        ]
        self.media = media_exposure(p, self.steps)
        self.obstacle_shift = tuple(float(x) for x in obstacle_shift(p, self.steps))
        self.agentic = self.steps >= self.agentic_step

    def step(self) -> None:
        """One month (see the module docstring for the order)."""
        self.begin_month()
        self.agents_by_type[FirmAgent].do("step")
        self.agents_by_type[DirectionAgent].do("step")
        self.agents_by_type[TechniqueAgent].do("step")
        self.agents_by_type[FirmAgent].do("update_gains")
        self.agents_by_type[BusinessAgent].do("step")
        self.agents_by_type[FirmAgent].do("align")
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

    def outcomes(self) -> dict[str, float]:
        """The outcomes of ``OUTCOMES`` now, from the agents' attributes."""
        n = len(self.firms)
        stages = [0] * N_STAGES
        ever = shadow = 0
        enthusiasm = security = 0.0
        active = realised_active = 0.0
        engaged = balanced = no_collab = training = tripartite = outsource = 0
        alignment = 0.0
        for firm in self.firms:
            stages[firm.stage] += 1
            ever += firm.engaged_month >= 0
            shadow += firm.business.shadow_ai
            enthusiasm += firm.business.enthusiasm
            security += firm.technique.security
            if firm.stage >= EXPERIMENTING:
                active += 1
                realised_active += firm.realised[0]
            if firm.stage >= PLANNED:
                d = firm.direction
                engaged += 1
                balanced += firm.collaboration == BALANCED
                no_collab += firm.collaboration == NO_COLLABORATION
                training += d.training
                tripartite += d.strategy == TRIPARTITE
                outsource += d.outsourcing != OUTSOURCE_NONE
                alignment += firm.alignment
        return outcome_dict(
            n, stages, ever, shadow, enthusiasm, security, active, realised_active, engaged,
            balanced, no_collab, training, tripartite, outsource, alignment,
        )  # fmt: skip

    def close(self) -> None:
        """Let go of this model (mesa keeps every model in ``Agent._ids``, mesa#3179)."""
        mesa.Agent._ids.pop(self, None)


OUTCOMES: dict[str, str] = {
    "engaged": "share of firms engaged (planned or beyond), Figure 1",
    "planned": "share of firms planned",
    "experimenting": "share of firms experimenting",
    "deployed": "share of firms deployed (not scaled)",
    "scaled": "share of firms scaled",
    "ever_engaged": "share of firms that ever engaged (engaged now or gave up)",
    "balanced": "share of engaged firms whose collaboration is balanced, Figure 13",
    "no_collaboration": "share of engaged firms without collaboration, Figure 13",
    "training": "share of engaged firms that train, Figure 12",
    "tripartite": "share of engaged firms with the tripartite strategy, Figure 9",
    "outsourcing": "share of engaged firms that outsource, Figure 12",
    "alignment": "mean alignment of engaged firms",
    "shadow_ai": "share of firms whose Business uses shadow AI",
    "enthusiasm": "mean enthusiasm, all firms, Figure 7",
    "security": "mean security concern, all firms, Figure 4",
    "realised_productivity": "mean realised productivity gain of active firms, Figure 15",
}
"""The outcomes the agreement check compares (name: definition), the same for both builds."""


def outcome_dict(n: int, stages: list[int], ever: int, shadow: int, enthusiasm: float,
                 security: float, active: float, realised_active: float, engaged: int,
                 balanced: int, no_collab: int, training: int, tripartite: int, outsource: int,
                 alignment: float) -> dict[str, float]:  # fmt: skip
    """``OUTCOMES`` from counts and sums over the firms (shared by both builds' tallies,
    so that each outcome has one definition)."""

    def share(x: float, of: float) -> float:
        return x / of if of else 0.0

    return {
        "engaged": share(n - stages[NOT_ENGAGED], n),
        "planned": share(stages[PLANNED], n),
        "experimenting": share(stages[EXPERIMENTING], n),
        "deployed": share(stages[DEPLOYED], n),
        "scaled": share(stages[SCALED], n),
        "ever_engaged": share(ever, n),
        "balanced": share(balanced, engaged),
        "no_collaboration": share(no_collab, engaged),
        "training": share(training, engaged),
        "tripartite": share(tripartite, engaged),
        "outsourcing": share(outsource, engaged),
        "alignment": share(alignment, engaged),
        "shadow_ai": share(shadow, n),
        "enthusiasm": share(enthusiasm, n),
        "security": share(security, n),
        "realised_productivity": share(realised_active, active),
    }


def outcomes_at(
    params: Params, seed: int, months: list[str] | tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """Run a ``PerAgentModel`` and return its ``OUTCOMES`` at each of ``months`` (``YYYY-MM``,
    in order, from ``params.start`` to ``params.horizon``)."""
    model = PerAgentModel(params, seed=seed)
    out = {}
    for month in months:
        model.run(until=month)
        out[month] = model.outcomes()
    model.close()
    return out


def stage_shares_at(
    params: Params, seed: int, months: list[str] | tuple[str, ...]
) -> dict[str, list[float]]:
    """Run a ``PerAgentModel`` and return its stage shares at each of ``months``."""
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
        self.alignment = 0.0
        self.collaboration = COLLABORATION_UNSET
        self.difficulties = [False] * N_DIFFICULTIES  # stages.Difficulty
        # the portfolio: one entry per use case
        self.uc_stage = [UC_NONE] * N_USE_CASES
        self.uc_months = [0] * N_USE_CASES
        self.uc_stall = [0] * N_USE_CASES
        self.uc_experience = [0.0] * N_USE_CASES
        self.overruns = 0  # this month's
        # the firm's own draws, fixed at birth (state.SetUpDraw columns): its plans, its
        # tastes for Direction's choices, its Technique-Business affinity, its difficulties,
        # its reservation utility (in the market or not)
        self.setup_draws = [r.random() for _ in SetUpDraw]
        self.direction = DirectionAgent(model, self)
        self.technique = TechniqueAgent(model, self)
        self.business = BusinessAgent(model, self)
        self.realised = [0.0, 0.0, 0.0]
        self.expected = [0.0, 0.0, 0.0]

    # --- helpers ---
    def obstacle_load(self, w: tuple[float, ...]) -> float:
        """Weighted sum of the firm's obstacle severities, each centred on 0.5 (utility =
        1 - demand, skills = 1 - skills, security, regulation, finance)."""
        t, d = self.technique, self.direction
        return (
            w[0] * (0.5 - self.business.demand)
            + w[1] * (0.5 - t.skills)
            + w[2] * (t.security - 0.5)
            + w[3] * (d.regulation - 0.5)
            + w[4] * (d.finance - 0.5)
        )

    def interest(self, j: int) -> float:
        """Interest of the firm in use case ``j``: the mean of its Technique's and its
        Business's (Figure 5), moved by enthusiasm and by what the use case delivered."""
        m, p = self.model, self.model.params
        x = p.interest_enthusiasm_effect * (self.business.enthusiasm - 0.5) + (
            p.interest_experience_effect * self.uc_experience[j]
        )
        return 0.5 * (logistic(m.logit_technique[j] + x) + logistic(m.logit_business[j] + x))

    def in_place(self) -> int:
        """Number of use cases in place."""
        return self.uc_stage.count(UC_IN_PLACE)

    # --- the month's firm rules ---
    def step(self) -> None:
        """Trends of the obstacles, engagement and set-up, giving up, the portfolio, scaling
        and the stage."""
        self.follow_trends()
        if self.stage == NOT_ENGAGED and self.engages():
            self.set_up()
        self.give_up()
        # a firm that just engaged keeps its stage (not engaged) until the stage is derived
        # below, so it does not progress this month
        progress = self.progress_log_effect()
        self.overruns = self.advance_portfolio(progress) if self.stage != NOT_ENGAGED else 0
        self.scale_and_derive_stage(progress)

    def follow_trends(self) -> None:
        """Security, regulation and finance move with the world (``exogenous``), within
        [0, 1]."""
        ds, dr, df = self.model.obstacle_shift
        t, d = self.technique, self.direction
        t.security = min(max(t.security + ds, 0.0), 1.0)
        d.regulation = min(max(d.regulation + dr, 0.0), 1.0)
        d.finance = min(max(d.finance + df, 0.0), 1.0)

    def engages(self) -> bool:
        """Does this not-engaged firm start planning this month?  Its pool's Bass probability
        raised to e^effect (size, and obstacles centred on 0.5), and only if it is in the
        market: its own reservation draw below logistic(intercept + size + sector + utility *
        (demand - 0.5))."""
        p = self.model.params
        base = self.model.engage_probability[self.pool]
        if base <= 0.0:
            return False
        if base < 1.0:
            effect = p.engage_size_effect[self.size] - self.obstacle_load(p.engage_obstacle_weights)
            if self.random.random() >= 1.0 - math.exp(math.log1p(-base) * math.exp(effect)):
                return False
        v = (
            p.market_intercept
            + p.market_size_effect[self.size]
            + p.market_sector_effect[self.sector]
            + p.market_utility_effect * (self.business.demand - 0.5)
        )
        return self.setup_draws[D_MARKET] < logistic(v)

    def set_up(self) -> None:
        """What the firm does the month it engages: plans its portfolio; the first time,
        peaks in enthusiasm, draws its difficulties and discovers its obstacles; then its
        alignment starts at its target (which gives the collaboration mode), then Direction
        makes its choices.  A firm that gave up and comes back re-plans and decides anew."""
        m, p, u = self.model, self.model.params, self.setup_draws
        first_time = self.engaged_month < 0
        self.engaged_month = m.steps
        # the portfolio: each use case planned with the firm's interest, at least its favourite
        best, best_interest, planned = 0, -1.0, 0
        for j in range(N_USE_CASES):
            interest = self.interest(j)
            self.uc_months[j] = 0
            self.uc_stall[j] = 0
            if u[D_PLAN + j] < interest:
                self.uc_stage[j] = UC_PLANNED
                planned += 1
            else:
                self.uc_stage[j] = UC_NONE
            if interest > best_interest:
                best, best_interest = j, interest
        if planned == 0:
            self.uc_stage[best] = UC_PLANNED
        b, t, d = self.business, self.technique, self.direction
        if first_time:
            b.enthusiasm = max(b.enthusiasm, p.engage_enthusiasm)  # the peak (Figure 7)
            for k in range(N_DIFFICULTIES):
                self.difficulties[k] = u[D_DIFFICULTY + k] < p.difficulty_initial[k]
            disc = p.discovery  # obstacles discovered by trying (Figure 4)
            b.demand = max(b.demand - disc[0], 0.0)
            t.skills = max(t.skills - disc[1], 0.0)
            t.security = min(t.security + disc[2], 1.0)
            d.regulation = min(d.regulation + disc[3], 1.0)
            d.finance = min(d.finance + disc[4], 1.0)
        self.alignment = self.alignment_target()
        self.collaboration = self.collaboration_mode()
        d.decide()

    def give_up(self) -> None:
        """A firm planned or experimenting may give up, the more so the heavier its obstacles
        and the lower its enthusiasm: back to not engaged, its portfolio cleared, its
        programme stopped (Direction's choices undone, no collaboration on AI)."""
        if self.stage != PLANNED and self.stage != EXPERIMENTING:
            return
        p = self.model.params
        x = p.give_up_obstacle_effect * self.obstacle_load(p.progress_obstacle_weights) + (
            p.give_up_enthusiasm_effect * (0.5 - self.business.enthusiasm)
        )
        if self.random.random() < probability(p.give_up_hazard * math.exp(x)):
            self.stage = NOT_ENGAGED
            self.uc_stage = [UC_NONE] * N_USE_CASES
            self.uc_months = [0] * N_USE_CASES
            self.uc_stall = [0] * N_USE_CASES
            self.direction.stop_programme()
            self.collaboration = COLLABORATION_UNSET  # the roles no longer work on AI
            self.alignment = 0.0

    def progress_log_effect(self) -> float:
        """Success factors (and their complementarity: each pair held together adds
        ``complementarity``) and obstacles acting on development and scaling, log scale;
        zero for a firm not engaged."""
        if self.stage == NOT_ENGAGED:
            return 0.0
        p, d = self.model.params, self.direction
        x = p.strategy_effect[d.strategy]
        if d.manager != NOBODY:
            x += p.manager_effect[d.manager]
        if self.collaboration != COLLABORATION_UNSET:
            x += p.collaboration_effect[self.collaboration]
        roles = d.roles_internal or d.roles_external
        if d.training:
            x += p.training_effect
        if d.dedicated:
            x += p.dedicated_effect
        if roles:
            x += p.roles_effect
        k = (
            (d.strategy == TRIPARTITE)
            + (d.manager == PAIR)
            + d.training
            + d.dedicated
            + roles
            + (self.collaboration == BALANCED)
        )
        x += p.complementarity * 0.5 * k * (k - 1)
        if self.difficulties[COMMUNICATION]:
            x += p.communication_effect
        x += p.skills_effect * (self.technique.skills - 0.5)
        x -= self.obstacle_load(p.progress_obstacle_weights)
        return x + p.progress_size_effect[self.size]

    def advance_portfolio(self, progress: float) -> int:
        """One month of the portfolio: the events open to each use case compete for one
        uniform: add, start, overrun (stall) or complete, drop while stalled, withdraw (more
        likely the more disappointed the firm).  Returns the month's overruns."""
        m, p = self.model, self.model.params
        mult = math.exp(progress)
        p_overrun = m.p_overrun[1] if self.difficulties[MISESTIMATES] else m.p_overrun[0]
        p_withdraw = probability(
            p.decommission_hazard
            * math.exp(p.fallback_disappointment_effect * (0.5 - self.business.enthusiasm))
        )
        overruns = 0
        for j in range(N_USE_CASES):
            st = self.uc_stage[j]
            x = self.random.random()
            new = st
            if st == UC_NONE:
                if x < probability(p.adopt_usecase_hazard * self.interest(j)):
                    new = UC_PLANNED
            elif st == UC_PLANNED:
                if x < probability(p.start_development * mult):
                    new = UC_IN_DEVELOPMENT
            elif st == UC_IN_DEVELOPMENT:
                stalled = self.uc_stall[j] > 0
                rate_done = p.complete_development / p.difficulty[j] * mult
                if stalled:
                    rate_done *= p.stall_progress_factor
                p_first = m.p_drop if stalled else p_overrun
                if x < p_first:
                    if stalled:
                        new = UC_PLANNED  # dropped back to the plan
                    else:  # overrun: stall where it stands
                        overruns += 1
                        self.uc_stall[j] = p.stall_months + 1  # decremented below
                        self.uc_experience[j] = max(
                            self.uc_experience[j] - p.overrun_experience_hit, p.experience_floor
                        )
                elif x - p_first < probability(rate_done):
                    new = UC_IN_PLACE
                    self.uc_experience[j] = m.experience_in_place[j]
            elif x < p_withdraw:  # in place: withdrawn
                new = UC_PLANNED
            if new != st:
                self.uc_stage[j] = new
                self.uc_months[j] = 0
            else:
                self.uc_months[j] += 1
            if new != UC_IN_DEVELOPMENT:
                self.uc_stall[j] = 0
            elif self.uc_stall[j] > 0:
                self.uc_stall[j] -= 1
        return overruns

    def scale_and_derive_stage(self, progress: float) -> None:
        """Deployed firms scale, scaled firms may fall back (more so when disappointed); then
        the stage is the most advanced use case, SCALED if the firm scaled."""
        p = self.model.params
        in_place = self.in_place()
        if in_place == 0:
            self.scaled = False
        elif self.scaled:
            rate = p.unscale_hazard * math.exp(
                p.fallback_disappointment_effect * (0.5 - self.business.enthusiasm)
            )
            if self.random.random() < probability(rate):
                self.scaled = False
        else:
            x = progress + p.scale_per_usecase_effect * (in_place - 1)
            if self.difficulties[ORGANISATION]:
                x += p.organisation_effect
            if self.random.random() < probability(p.scale_hazard * math.exp(x)):
                self.scaled = True
        top = max(self.uc_stage)
        self.stage = SCALED if (self.scaled and top == UC_IN_PLACE) else top

    def update_gains(self) -> None:
        """Realised gains from use cases in place (ramping up) and in development (a share),
        with diminishing returns up to ``gain_cap``, plus ``shadow_gain`` to productivity with
        shadow AI; expected gains scale with enthusiasm."""
        p, values = self.model.params, self.model.usecase_values
        realised = [0.0, 0.0, 0.0]
        if self.stage >= EXPERIMENTING:
            for j in range(N_USE_CASES):
                st = self.uc_stage[j]
                if st == UC_IN_PLACE:
                    w = -math.expm1(-min(self.uc_months[j], 1199) / p.gain_lag_months)
                elif st == UC_IN_DEVELOPMENT:
                    w = p.pilot_gain_share
                else:
                    continue
                for k in range(3):
                    realised[k] += w * values[k][j]
            for k in range(3):
                if realised[k] > 0.0:
                    cap = p.gain_cap[k]
                    realised[k] = cap * realised[k] / (cap + realised[k])
        if self.business.shadow_ai:
            realised[0] += p.shadow_gain
        self.realised = realised
        k = self.business.enthusiasm / p.expected_gain_enthusiasm
        self.expected = [k * base for base in p.expected_gain]

    def alignment_target(self) -> float:
        """Where the firm's Technique-Business alignment tends: the logistic of its own
        affinity (logit of its draw, scaled) plus the intercept, minus the gap between
        Technique's skills and Business's pull (mean of demand and enthusiasm), plus use cases
        in place (up to 3), the tripartite strategy, providers managed by the
        pair and training, minus shadow AI and diverging views of "deployed"."""
        p, d, t, b = self.model.params, self.direction, self.technique, self.business
        u = min(max(self.setup_draws[D_ALIGNMENT], 1e-6), 1.0 - 1e-6)
        technique_view = self.stage >= DEPLOYED
        pilot = (
            self.uc_stage[_CONTENT] == UC_IN_DEVELOPMENT
            or self.uc_stage[_PERSONALISATION] == UC_IN_DEVELOPMENT
        )
        business_view = technique_view or b.shadow_ai or (b.loose_view and pilot)
        v = (
            p.alignment_intercept
            + p.alignment_taste_scale * math.log(u / (1.0 - u))
            - p.alignment_gap_effect * abs(t.skills - 0.5 * (b.demand + b.enthusiasm))
            + p.alignment_experience_effect * min(self.in_place(), 3)
        )
        if d.strategy == TRIPARTITE:
            v += p.alignment_tripartite_effect
        if d.manager == PAIR:
            v += p.alignment_pair_effect
        if d.training:
            v += p.alignment_training_effect
        if b.shadow_ai:
            v -= p.alignment_shadow_effect
        if business_view != technique_view:
            v -= p.alignment_views_effect
        return logistic(v)

    def collaboration_mode(self) -> int:
        """Figure 13's mode, read from the alignment: balanced, none, or led by Business when
        its demand exceeds Technique's skills by ``business_lead_gap``, else by Technique."""
        p, a = self.model.params, self.alignment
        if a >= p.balanced_threshold:
            return BALANCED
        if a < p.no_collaboration_threshold:
            return NO_COLLABORATION
        gap = self.business.demand - self.technique.skills
        return BUSINESS_LED if gap > p.business_lead_gap else TECHNIQUE_LED

    def align(self) -> None:
        """An engaged firm's alignment moves a step towards its target and gives the
        collaboration mode; then a deployed firm may meet questions of organisation."""
        p = self.model.params
        if self.stage >= PLANNED:
            self.alignment += p.alignment_drift * (self.alignment_target() - self.alignment)
            self.collaboration = self.collaboration_mode()
        if (
            self.stage >= DEPLOYED
            and not self.difficulties[ORGANISATION]
            and self.random.random() < self.model.p_organisation
        ):
            self.difficulties[ORGANISATION] = True


class DirectionAgent(mesa.Agent):
    """The firm's leadership: its choices (strategy, outsourcing and who manages the
    providers, training, dedicated staff, roles, experts); regulation and finance."""

    def __init__(self, model: PerAgentModel, firm: FirmAgent) -> None:
        super().__init__(model)
        p = model.params
        self.firm = firm
        self.strategy = NO_STRATEGY
        self.outsourcing = OUTSOURCE_NONE
        self.manager = NOBODY
        self.training = False
        self.dedicated = False
        self.roles_internal = False
        self.roles_external = False
        self.external_experts = False
        self.held = 0  # bit c: Choice c held by a policy (this build has no policies)
        c = p.attribute_concentration
        self.regulation = self.random.betavariate(
            p.regulation_mean * c, (1 - p.regulation_mean) * c
        )
        self.finance = self.random.betavariate(p.finance_mean * c, (1 - p.finance_mean) * c)

    def choice_probability(self, c: int) -> float:
        """Probability of making choice ``c`` now: logistic of its intercept, size effect,
        and slopes on skills, Business pull (mean of demand and enthusiasm), finance, risk
        concern (mean of security and regulation) and alignment (each centred on 0.5), returns
        seen, and the peers' share (centred)."""
        m, p, firm = self.model, self.model.params, self.firm
        b = firm.business
        v = (
            p.choice_intercept[c]
            + p.choice_size_effect[firm.size]
            + p.choice_skills_effect[c] * (firm.technique.skills - 0.5)
            + p.choice_business_effect[c] * (0.5 * (b.demand + b.enthusiasm) - 0.5)
            + p.choice_finance_effect[c] * (self.finance - 0.5)
            + p.choice_risk_effect[c] * (0.5 * (firm.technique.security + self.regulation) - 0.5)
            + p.choice_alignment_effect[c] * (firm.alignment - 0.5)
            + p.choice_returns_effect[c] * firm.realised[0] * m.returns_per_gain
            + p.choice_peer_effect * (m.peer_choice_shares[firm.pool][c] - 0.5)
        )
        return logistic(v)

    def decide(self) -> None:
        """Make every choice no policy holds: hold choice c while the firm's own taste for it
        (a draw fixed at birth) is below its probability now.  Without the tripartite
        strategy, the ad hoc kind the firm's draw gives; when outsourcing, how much and who
        manages the providers."""
        p, firm = self.model.params, self.firm
        u = firm.setup_draws
        for c in range(N_CHOICES):
            if self.held >> c & 1:
                continue
            has = u[D_CHOICE + c] < self.choice_probability(c)
            if c == C_TRIPARTITE:
                self.strategy = (
                    TRIPARTITE if has else draw_category(u[D_AD_HOC], self.model.cdf_ad_hoc)
                )
            elif c == C_OUTSOURCE:
                if not has:
                    self.outsourcing = OUTSOURCE_NONE
                    self.manager = NOBODY
                    continue
                skills, alignment = firm.technique.skills, firm.alignment
                p_all = logistic(
                    p.outsource_all_intercept + p.outsource_all_skills_effect * (skills - 0.5)
                )
                all_of_it = u[D_OUTSOURCE_ALL] < p_all
                self.outsourcing = OUTSOURCE_ALL if all_of_it else OUTSOURCE_PARTIAL
                p_pair = logistic(
                    p.manager_pair_intercept + p.manager_alignment_effect * (alignment - 0.5)
                )
                x = u[D_MANAGER]
                if x < p_pair:
                    self.manager = PAIR
                elif x - p_pair < p.manager_technique_share * (1.0 - p_pair):
                    self.manager = MANAGER_TECHNIQUE
                else:
                    self.manager = MANAGER_BUSINESS
            elif c == C_TRAINING:
                self.training = has
            elif c == C_DEDICATED:
                self.dedicated = has
            elif c == C_ROLES_INTERNAL:
                self.roles_internal = has
            elif c == C_ROLES_EXTERNAL:
                self.roles_external = has
            else:
                self.external_experts = has

    def stop_programme(self) -> None:
        """The firm gave up: every choice that no policy holds is undone."""
        held = self.held
        if not held >> C_TRIPARTITE & 1:
            self.strategy = NO_STRATEGY
        if not held >> C_OUTSOURCE & 1:
            self.outsourcing = OUTSOURCE_NONE
            self.manager = NOBODY
        if not held >> C_TRAINING & 1:
            self.training = False
        if not held >> C_DEDICATED & 1:
            self.dedicated = False
        if not held >> C_ROLES_INTERNAL & 1:
            self.roles_internal = False
        if not held >> C_ROLES_EXTERNAL & 1:
            self.roles_external = False
        if not held >> C_EXPERTS & 1:
            self.external_experts = False

    def step(self) -> None:
        """An engaged firm's Direction reviews its choices at random times
        (``revision_hazard``) and decides anew from what it sees now."""
        if self.firm.stage >= PLANNED and self.random.random() < self.model.p_revise:
            self.decide()


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

    def step(self) -> None:
        """Learn by training (within an engaged programme) and by practice; once agentic AI
        is a topic, an engaged Technique may hear of it."""
        p, firm = self.model.params, self.firm
        gain = 0.0
        if firm.direction.training and firm.stage >= PLANNED:
            gain += p.training_skill_gain
        if firm.stage >= EXPERIMENTING:
            gain += p.practice_skill_gain
        if gain > 0.0:
            self.skills = min(self.skills + gain, 1.0)
        hears = self.model.agentic and firm.stage >= PLANNED
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

    def step(self) -> None:
        """Agentic AI, then enthusiasm and demand, then shadow AI."""
        m, firm = self.model, self.firm
        if m.agentic and firm.stage >= PLANNED and self.random.random() < m.p_agentic[1]:
            self.agentic_aware = True
        self.update_enthusiasm()
        self.use_shadow_ai()

    def update_enthusiasm(self) -> None:
        """The hype cycle: a fall with each of the month's overruns, then a drift towards a
        target raised by media exposure and set by the stage: engaged, what its use cases
        deliver plus a base (``enthusiasm_deployed_base`` once deployed,
        ``enthusiasm_engaged_target`` before); not engaged, a base plus its peers' engaged
        share.  Demand follows enthusiasm."""
        m, p, firm = self.model, self.model.params, self.firm
        e = self.enthusiasm - p.overrun_enthusiasm_hit * firm.overruns
        target = p.enthusiasm_media_weight * m.media
        if firm.stage >= PLANNED:
            target += firm.realised[0] * m.enthusiasm_per_gain
            if firm.stage >= DEPLOYED:
                target += p.enthusiasm_deployed_base
            else:
                target += p.enthusiasm_engaged_target
        else:
            target += (
                p.enthusiasm_outsider_base + p.enthusiasm_peer_slope * m.peer_shares[firm.pool]
            )
        e += p.enthusiasm_drift * (target - e)
        self.enthusiasm = e = min(max(e, 0.0), 1.0)
        self.demand += p.demand_drift * (e - self.demand)

    def use_shadow_ai(self) -> None:
        """Shadow AI, a Business choice: it starts with a hazard rising with propensity and
        enthusiasm and falling with alignment (none outside engagement), and raises
        Technique's security concern; it stops once the firm is deployed with balanced
        collaboration (sanctioned tools replace it)."""
        m, p, firm = self.model, self.model.params, self.firm
        if self.shadow_ai:
            sanctioned = firm.stage >= DEPLOYED and firm.collaboration == BALANCED
            if sanctioned and self.random.random() < m.p_shadow_stop:
                self.shadow_ai = False
            return
        a = firm.alignment if firm.stage >= PLANNED else 0.0
        rate = p.shadow_hazard * self.shadow_propensity * self.enthusiasm
        rate *= math.exp(-p.shadow_alignment_effect * a)
        if self.random.random() < probability(rate):
            self.shadow_ai = True
            t = firm.technique
            t.security = min(t.security + p.shadow_security_hit, 1.0)
