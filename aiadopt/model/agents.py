"""Agents: each firm is a Mesa agent holding its Direction, Technique and Business agents.

The agents are the readable face of the model; the arrays of ``state.FirmState`` are its fast
engine.  ``model.firms[i].technique.skills`` reads firm i's entry of the skills array, and
assigning to it writes there, so what a user reads is always what the rules use.  Each role
class names the rules it applies (vectorised over all firms: see ``rules.py``), so a reader can
see who decides what:

- Direction chooses and revises the strategy and decides the investments (Figures 9, 11, 12);
- Technique brings skills, the security concern, awareness of agentic AI and a strict idea of
  "deployed" (text p.2, Figures 2-4);
- Business brings demand, enthusiasm (the hype cycle), a loose idea of "deployed" and, at
  times, shadow AI (text p.2, Figures 7, 13).
"""

from __future__ import annotations

from dataclasses import fields
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from . import rules
from .stages import (
    Collaboration,
    Difficulty,
    Outsourcing,
    ProviderManager,
    Region,
    Sector,
    SizeClass,
    Stage,
    Strategy,
    UseCase,
    UseCaseStage,
)

if TYPE_CHECKING:
    from .model import AdoptionModel
    from .params import Params
    from .state import FirmState


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
    rule_names: tuple[str, ...] = ()

    def __init__(self, state: FirmState, params: Params, index: int) -> None:
        self.state = state
        self.params = params
        self.index = index

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
    """The firm's leadership: strategy and investments (Figures 9, 11, 12)."""

    __slots__ = ()
    role = "direction"
    rule_names = ("set_up_engagement", "invest", "revise_strategy")
    set_up_engagement = staticmethod(rules.set_up_engagement)
    invest = staticmethod(rules.invest)
    revise_strategy = staticmethod(rules.revise_strategy)

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


class Technique(RoleAgent):
    """The technical functions (CIO, CTO, COO, R&D): skills, security, a strict "deployed".

    ``hear_of_agentic`` updates the awareness of both roles (Figure 2: Technique 34%,
    Business 18%); it is listed here because Technique is the first to hear.
    """

    __slots__ = ()
    role = "technique"
    rule_names = ("learn", "hear_of_agentic", "technique_sees_deployed")
    learn = staticmethod(rules.learn)
    hear_of_agentic = staticmethod(rules.hear_of_agentic)
    sees_deployed_all = staticmethod(rules.technique_sees_deployed)

    skills = ArrayAttribute("skills", None, "0-1 internal AI skills and integration capacity")
    security_concern = ArrayAttribute("security", None, "0-1 (Figure 4)")
    agentic_aware = ArrayAttribute("technique_agentic", None, "heard of agentic AI (Figure 2)")

    @property
    def interest(self) -> dict[str, float]:
        """Probability of finding each use case interesting (Figure 5, Technique)."""
        return _interest(self, self.params.interest_technique)

    @property
    def sees_deployed(self) -> bool:
        """Would this Technique respondent say AI is deployed? (strict view, text p.2)"""
        return bool(self.state.stage[self.index] >= Stage.DEPLOYED)


class Business(RoleAgent):
    """The business functions (marketing, sales, CEO, CDO): demand, enthusiasm, shadow AI."""

    __slots__ = ()
    role = "business"
    rule_names = ("update_enthusiasm", "adopt_shadow_ai", "business_sees_deployed")
    update_enthusiasm = staticmethod(rules.update_enthusiasm)
    adopt_shadow_ai = staticmethod(rules.adopt_shadow_ai)
    sees_deployed_all = staticmethod(rules.business_sees_deployed)

    demand = ArrayAttribute("demand", None, "0-1 demand for use cases (perceived utility)")
    enthusiasm = ArrayAttribute("enthusiasm", None, "0-1, follows the hype cycle (Figure 7)")
    shadow_propensity = ArrayAttribute("shadow_propensity", None, "0-1")
    shadow_ai = ArrayAttribute("shadow_ai", None, "uses AI tools without Technique")
    loose_view = ArrayAttribute("loose_view", None, "counts a pilot as in place")
    agentic_aware = ArrayAttribute("business_agentic", None, "heard of agentic AI (Figure 2)")

    @property
    def interest(self) -> dict[str, float]:
        """Probability of finding each use case interesting (Figure 5, Business)."""
        return _interest(self, self.params.interest_business)

    @property
    def sees_deployed(self) -> bool:
        """Would this Business respondent say AI is deployed? (loose view, text p.2)"""
        one = _one_firm(self.state, self.index)
        return bool(rules.business_sees_deployed(one)[0])


def _one_firm(state: FirmState, index: int) -> FirmState:
    """A one-firm FirmState (views, not copies) for applying a rule to a single firm."""
    return type(state)(**{f.name: getattr(state, f.name)[index : index + 1] for f in fields(state)})


def _interest(agent: RoleAgent, base: tuple[float, ...]) -> dict[str, float]:
    i = slice(agent.index, agent.index + 1)
    row = rules.interest_from(
        agent.state.enthusiasm[i], agent.state.uc_experience[i], agent.params, base
    )[0]
    return {uc.name.lower(): float(p) for uc, p in zip(UseCase, row, strict=True)}


class Firm(mesa.Agent):
    """A French firm of 100+ employees: strata, stage, portfolio, and its three role agents."""

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

    size = property(lambda self: SizeClass(int(self.state.size[self.index])), doc="size class")
    sector = property(lambda self: Sector(int(self.state.sector[self.index])), doc="sector")
    region = property(lambda self: Region(int(self.state.region[self.index])), doc="region")
    stage = property(lambda self: Stage(int(self.state.stage[self.index])), doc="stage")

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
        return {uc.name.lower(): UseCaseStage(int(row[uc])) for uc in UseCase}

    @property
    def expected_gains(self) -> dict[str, float]:
        """Expected productivity, cost and revenue gains, percent (Figures 15-16)."""
        return dict(
            zip(
                ("productivity", "cost", "revenue"),
                map(float, self.state.expected[self.index]),
                strict=True,
            )
        )

    @property
    def realised_gains(self) -> dict[str, float]:
        """Realised productivity, cost and revenue gains, percent (Figures 15-16)."""
        return dict(
            zip(
                ("productivity", "cost", "revenue"),
                map(float, self.state.realised[self.index]),
                strict=True,
            )
        )

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
