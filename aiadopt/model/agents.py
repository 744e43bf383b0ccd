"""Agents: each firm is a Mesa agent holding its Direction, Technique and Business agents.

The agents are the readable face of the model; the arrays of ``state.FirmState`` are its fast
engine.  ``model.firms[i].technique.skills`` reads firm i's entry of the skills array, and
assigning to it writes there, so what a user reads is always what the rules use.  Each role
class is that role's part of the ODD (section 7): its state, and its rules as methods acting
on its own firm, each applying the compiled rule of ``rules/`` to that one firm:

- Direction sets the firm up when it engages and makes its choices (strategy, outsourcing,
  training, staff, roles, experts) by logit rules on what it sees, and reviews them
  (Figures 9, 11, 12; ODD 7.3, 7.8);
- Technique brings skills, the security concern, awareness of agentic AI and a strict idea of
  "deployed" (text p.2, Figures 2-4; ODD 7.10, 7.11, 7.17);
- Business brings demand, enthusiasm (the hype cycle), awareness of agentic AI, a loose idea
  of "deployed" and decides on shadow AI (text p.2, Figures 2, 7, 13; ODD 7.11, 7.13, 7.14,
  7.17).

The firm applies the rest (engagement, its portfolio, scaling, gains, collaboration), and
``Firm.step`` goes through the whole month in the model's order, ``rules.schedule.MONTH``.
The model itself runs the same rules over every firm in one compiled pass (``rules.month``),
with the same result.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from .rules import (
    business,
    collaboration,
    direction,
    engagement,
    gains,
    obstacles,
    portfolio,
    scaling,
    schedule,
    setup,
    technique,
    views,
)
from .rules.compiled import call_by_name
from .rules.constants import derived
from .rules.interest import interest_from
from .stages import (
    Choice,
    Collaboration,
    Difficulty,
    Gain,
    Outsourcing,
    ProviderManager,
    Region,
    Sector,
    SizeClass,
    Stage,
    Strategy,
    UseCase,
    UseCaseStage,
    label,
    labels,
)

if TYPE_CHECKING:
    from .model import AdoptionModel
    from .params import Params
    from .rules.month import MonthInputs
    from .state import FirmState


def apply_rule(
    rule: Any, state: FirmState, params: Params, index: int, *sources: object, **given: Any
) -> Any:
    """Apply a compiled rule to firm ``index``: its arguments found by name in ``given``,
    then in ``sources`` (the month's inputs), the state arrays and the parameters' constants."""
    return call_by_name(rule, *sources, state, derived(params).k, i=index, **given)


class ArrayAttribute:
    """A role-agent attribute stored in firm ``index`` of a state array.

    Reading returns a Python scalar (or an enum member when ``kind`` is given); writing
    stores into the array, so the vectorised rules see the change.
    """

    def __init__(self, array: str, kind: type[IntEnum] | None = None, doc: str = "") -> None:
        self.array = array
        self.kind = kind
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: RoleAgent | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = getattr(obj.state, self.array)[obj.index].item()
        return self.kind(value) if self.kind is not None else value

    def __set__(self, obj: RoleAgent, value: Any) -> None:
        getattr(obj.state, self.array)[obj.index] = value


class RoleAgent:
    """Base of the three role agents: a view of one firm's entries in the state arrays."""

    __slots__ = ("index", "params", "state")
    role = "role"

    def __init__(self, state: FirmState, params: Params, index: int) -> None:
        self.state = state
        self.params = params
        self.index = index

    def _apply(self, rule: Any, *sources: object, **given: Any) -> Any:
        """Apply a compiled rule to this agent's firm (``apply_rule``)."""
        return apply_rule(rule, self.state, self.params, self.index, *sources, **given)

    def attributes(self) -> dict[str, Any]:
        """Every attribute of this agent, by name."""
        return {
            name: getattr(self, name)
            for name, value in vars(type(self)).items()
            if isinstance(value, ArrayAttribute | property)
        }

    def __repr__(self) -> str:
        attrs = ", ".join(f"{k}={v!r}" for k, v in self.attributes().items())
        return f"{type(self).__name__}(firm={self.index}, {attrs})"


class Direction(RoleAgent):
    """The firm's leadership: its strategy and investments (Figures 9, 11, 12), and the
    obstacles it holds (regulation, finance: Figure 4)."""

    __slots__ = ()
    role = "direction"

    strategy = ArrayAttribute("strategy", Strategy, "AI strategy (Figure 9)")
    outsourcing = ArrayAttribute("outsourcing", Outsourcing, "outsourcing of development")
    provider_manager = ArrayAttribute("manager", ProviderManager, "who manages providers")
    training = ArrayAttribute("training", None, "training programme for employees")
    dedicated_staff = ArrayAttribute("dedicated", None, "dedicated staff or working groups")
    roles_internal = ArrayAttribute("roles_internal", None, "new AI roles filled from inside")
    roles_external = ArrayAttribute("roles_external", None, "new AI roles hired from outside")
    external_experts = ArrayAttribute("external_experts", None, "uses external experts")
    regulatory_uncertainty = ArrayAttribute("regulation", None, "0-1 (Figure 4)")
    financial_constraint = ArrayAttribute("finance", None, "0-1 (Figure 4)")

    held = ArrayAttribute("held", None, "bit c: Choice c is held by a policy")

    def set_up(self, month: MonthInputs) -> None:
        """The firm engages this month: plan the portfolio, align the roles, make every
        choice, discover obstacles (ODD 7.3; ``rules.setup.set_up``)."""
        self._apply(setup.set_up, month)

    def choice_probabilities(self, month: MonthInputs) -> dict[str, float]:
        """Probability of making each Choice now, from what Direction sees (ODD 7.8;
        ``rules.direction.choice_probability``)."""
        return {
            label(c): float(self._apply(direction.choice_probability, month, c=int(c)))
            for c in Choice
        }

    def revise(self, month: MonthInputs) -> None:
        """Once engaged: may review its choices and decide anew (ODD 7.8;
        ``rules.direction.reviews``, ``rules.direction.revise``)."""
        if self._apply(direction.reviews, month):
            self._apply(direction.revise, month)


class Technique(RoleAgent):
    """The technical functions (CIO, CTO, COO, R&D): skills, the security concern, awareness
    of agentic AI and a strict idea of "deployed" (text p.2, Figures 2-4)."""

    __slots__ = ()
    role = "technique"

    skills = ArrayAttribute("skills", None, "0-1 internal AI skills and integration capacity")
    security_concern = ArrayAttribute("security", None, "0-1 (Figure 4)")
    agentic_aware = ArrayAttribute("technique_agentic", None, "heard of agentic AI (Figure 2)")

    @property
    def interest(self) -> dict[str, float]:
        """Probability of finding each use case interesting (Figure 5, Technique; ODD 7.5)."""
        return _interest(self, self.params.interest_technique)

    @property
    def sees_deployed(self) -> bool:
        """Would this Technique respondent say AI is deployed? (strict view, ODD 7.17)"""
        return bool(self._apply(views.technique_sees_deployed_firm))

    def learn(self) -> None:
        """Skills grow with training and practice (ODD 7.10; ``rules.technique.learn``)."""
        self._apply(technique.learn)

    def hear_of_agentic(self, month: MonthInputs) -> None:
        """Once engaged, may hear of agentic AI, more often than Business (Figure 2; ODD 7.11;
        ``rules.technique.hear_of_agentic``)."""
        self._apply(technique.hear_of_agentic, month)


class Business(RoleAgent):
    """The business functions (marketing, sales, CEO, CDO): demand, enthusiasm (the hype
    cycle), awareness of agentic AI, a loose idea of "deployed" and, at times, shadow AI
    (text p.2, Figures 2, 7, 13)."""

    __slots__ = ()
    role = "business"

    demand = ArrayAttribute("demand", None, "0-1 demand for use cases (perceived utility)")
    enthusiasm = ArrayAttribute("enthusiasm", None, "0-1, follows the hype cycle (Figure 7)")
    shadow_propensity = ArrayAttribute("shadow_propensity", None, "0-1")
    shadow_ai = ArrayAttribute("shadow_ai", None, "uses AI tools without Technique")
    loose_view = ArrayAttribute("loose_view", None, "counts a pilot as in place")
    agentic_aware = ArrayAttribute("business_agentic", None, "heard of agentic AI (Figure 2)")

    @property
    def interest(self) -> dict[str, float]:
        """Probability of finding each use case interesting (Figure 5, Business; ODD 7.5)."""
        return _interest(self, self.params.interest_business)

    @property
    def sees_deployed(self) -> bool:
        """Would this Business respondent say AI is deployed? (loose view, ODD 7.17)"""
        return bool(self._apply(views.business_sees_deployed_firm))

    def hear_of_agentic(self, month: MonthInputs) -> None:
        """Once engaged, may hear of agentic AI, less often than Technique (Figure 2; ODD 7.11;
        ``rules.business.hear_of_agentic``)."""
        self._apply(business.hear_of_agentic, month)

    def update_enthusiasm(self, month: MonthInputs, overruns: int) -> None:
        """The hype cycle after this month's ``overruns``; demand follows (ODD 7.13;
        ``rules.business.update_enthusiasm``)."""
        self._apply(business.update_enthusiasm, month, overruns=overruns)

    def use_shadow_ai(self, month: MonthInputs) -> None:
        """Decides whether its teams use AI tools of their own, more when the roles are not
        aligned (ODD 7.14; ``rules.business.use_shadow_ai``)."""
        self._apply(business.use_shadow_ai, month)


def _interest(agent: RoleAgent, base: tuple[float, ...]) -> dict[str, float]:
    i = slice(agent.index, agent.index + 1)
    row = interest_from(agent.state.enthusiasm[i], agent.state.uc_experience[i], agent.params, base)
    return {label(uc): float(p) for uc, p in zip(UseCase, row[0], strict=True)}


def _condition(name: str, results: dict[str, Any], month: MonthInputs) -> bool:
    """An ``Apply.only_if``: the result of an earlier rule, else a boolean input of the month."""
    return bool(results[name]) if name in results else bool(getattr(month, name))


class Firm(mesa.Agent):
    """A French firm of 100+ employees: strata, stage, portfolio, and its three role agents.

    ``step`` is the firm's month: the rules of ``rules.schedule.MONTH``, in its order.  Each
    rule is also a method of the agent it belongs to, to apply it alone: the rules that
    belong to no single role (engagement, the portfolio, scaling, gains, collaboration) are
    the firm's methods, the others its role agents'.
    """

    def __init__(self, model: AdoptionModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def state(self) -> FirmState:
        """The model's state arrays."""
        return self.model.state

    @property
    def direction(self) -> Direction:
        """This firm's Direction agent (a view, made on demand: no memory per firm)."""
        return Direction(self.model.state, self.model.params, self.index)

    @property
    def technique(self) -> Technique:
        """This firm's Technique agent."""
        return Technique(self.model.state, self.model.params, self.index)

    @property
    def business(self) -> Business:
        """This firm's Business agent."""
        return Business(self.model.state, self.model.params, self.index)

    # --- the month ---------------------------------------------------------------------------
    def step(self) -> None:
        """This firm's month: each rule of ``rules.schedule.MONTH`` in turn, applied to this
        firm with its arguments found by name (``apply_rule``) in the results of the rules
        before it, the month's inputs the model drew (``model.month_inputs``), the state
        arrays and the parameters' constants, as the compiled pass finds them.

        The model runs the same rules over every firm in one compiled pass; since a firm's
        rules read no other firm within a month, stepping the firms one by one, in any
        order, leaves the same state bit for bit (tested)."""
        month = self.model.month_inputs
        if month is None:
            raise RuntimeError(
                "Firm.step runs within a month: call model.begin_month() first "
                "(AdoptionModel.step runs every firm's month in one compiled pass)"
            )
        results: dict[str, Any] = {}  # what earlier rules gave (``Apply.result``)
        for entry in schedule.MONTH:
            if entry.only_if is not None and not _condition(entry.only_if, results, month):
                continue
            value = self._apply(entry.rule, month, **results)
            if entry.result is not None:
                results[entry.result] = value

    def _apply(self, rule: Any, *sources: object, **given: Any) -> Any:
        return apply_rule(rule, self.state, self.model.params, self.index, *sources, **given)

    def engage(self, month: MonthInputs) -> bool:
        """Not engaged: starts planning, by imitation of its peers and on its own (ODD 7.2;
        ``rules.engagement.engage``).  Returns whether it engages this month."""
        return bool(self._apply(engagement.engage, month))

    def give_up(self, month: MonthInputs) -> bool:
        """Engaged with nothing in place: may give up (ODD 7.4; ``rules.engagement.give_up``)."""
        return bool(self._apply(engagement.give_up, month))

    def follow_trends(self, month: MonthInputs) -> None:
        """Its security, regulation and finance severities move with the world (ODD 7.0;
        ``rules.obstacles.follow_trends``)."""
        self._apply(obstacles.follow_trends, month)

    def progress(self) -> float:
        """Log-effect of its success factors and obstacles on its progress (ODD 7.6;
        ``rules.portfolio.progress``)."""
        return float(self._apply(portfolio.progress))

    def advance_portfolio(self, month: MonthInputs, progress: float) -> int:
        """One month of its use cases; returns its overruns (ODD 7.6;
        ``rules.portfolio.advance``)."""
        return int(self._apply(portfolio.advance, month, progress=progress))

    def scale(self, month: MonthInputs, progress: float) -> None:
        """Deployed: may scale, or fall back; then its stage follows its portfolio (ODD 7.7;
        ``rules.scaling.scale_and_derive_stage``)."""
        self._apply(scaling.scale_and_derive_stage, month, progress=progress)

    def update_gains(self) -> None:
        """Realised and expected gains (ODD 7.12; ``rules.gains.update_gains``)."""
        self._apply(gains.update_gains)

    def align(self) -> None:
        """Technique and Business move towards their alignment; the collaboration mode
        follows (ODD 7.15; ``rules.collaboration.align``)."""
        self._apply(collaboration.align)

    def meet_organisation_questions(self, month: MonthInputs) -> None:
        """Deployed: may meet questions of organisation (ODD 7.15;
        ``rules.collaboration.meet_organisation_questions``)."""
        self._apply(collaboration.meet_organisation_questions, month)

    # --- what it is -----------------------------------------------------------------------------
    size = property(lambda self: SizeClass(int(self.state.size[self.index])), doc="size class")
    sector = property(lambda self: Sector(int(self.state.sector[self.index])), doc="sector")
    region = property(lambda self: Region(int(self.state.region[self.index])), doc="region")
    stage = property(lambda self: Stage(int(self.state.stage[self.index])), doc="stage")

    @property
    def alignment(self) -> float:
        """How well Technique and Business work together, 0-1 (ODD 7.15)."""
        return float(self.state.alignment[self.index])

    @property
    def collaboration(self) -> Collaboration:
        """Technique-Business collaboration mode (Figure 13)."""
        return Collaboration(int(self.state.collaboration[self.index]))

    @property
    def difficulties(self) -> list[Difficulty]:
        """Collaboration difficulties this firm meets (Figure 14)."""
        return [d for d in Difficulty if self.state.difficulties[self.index, d]]

    @property
    def portfolio(self) -> dict[str, UseCaseStage]:
        """Stage of each use case in this firm's portfolio (Figure 6)."""
        row = self.state.uc_stage[self.index]
        return {label(uc): UseCaseStage(int(row[uc])) for uc in UseCase}

    @property
    def expected_gains(self) -> dict[str, float]:
        """Expected productivity, cost and revenue gains, percent (Figures 15-16)."""
        return dict(zip(labels(Gain), map(float, self.state.expected[self.index]), strict=True))

    @property
    def realised_gains(self) -> dict[str, float]:
        """Realised productivity, cost and revenue gains, percent (Figures 15-16)."""
        return dict(zip(labels(Gain), map(float, self.state.realised[self.index]), strict=True))

    def __repr__(self) -> str:
        return (
            f"Firm({self.index}, {self.size.name}, {self.sector.name}, {self.region.name}, "
            f"stage={self.stage.name})"
        )


def firm_attribute_table(model: AdoptionModel, indices: np.ndarray | list[int]) -> list[dict]:
    """Attributes of some firms and their three agents, one dict per firm (for inspection)."""
    out = []
    for i in indices:
        firm = model.firms[int(i)]
        row: dict[str, Any] = {"firm": firm.index, "stage": firm.stage.name.lower()}
        for role in (firm.direction, firm.technique, firm.business):
            for key, value in role.attributes().items():
                row[f"{role.role}.{key}"] = value
        out.append(row)
    return out
