"""Discrete states of the model: adoption stages, firm strata and the study's categories.

Every enumeration here mirrors a category of the study (Publicis Sapient 2025, 231 French
decision-makers); the docstring of each says which figure it comes from.  Values are small
integers so that they live in compact ``int8`` numpy arrays.
"""

from __future__ import annotations

from enum import IntEnum


class Stage(IntEnum):
    """Adoption stage of a firm (Figure 1 and Figure 12 columns).

    The study's "engaged" firms (48%) are PLANNED (plans within 12 months) or beyond; its
    "deployed or in progress" (29%) are EXPERIMENTING or beyond; its "in place" (15%) are
    DEPLOYED or SCALED.  SCALED is the study's "passage a l'echelle" (Figure 7, phase 3).
    """

    NOT_ENGAGED = 0
    PLANNED = 1
    EXPERIMENTING = 2
    DEPLOYED = 3
    SCALED = 4


class UseCaseStage(IntEnum):
    """Stage of one use case in a firm's portfolio (Figure 6: prevu, en cours, en place)."""

    NONE = 0
    PLANNED = 1
    IN_DEVELOPMENT = 2
    IN_PLACE = 3


class SizeClass(IntEnum):
    """Employee size class used by the study's post-stratification (Methodology)."""

    S100_249 = 0
    S250_499 = 1
    S500_PLUS = 2


class Sector(IntEnum):
    """Sector used by the study's post-stratification (Methodology)."""

    INDUSTRY = 0
    COMMERCE = 1
    SERVICES = 2


class Region(IntEnum):
    """Region used by the study's post-stratification (Methodology)."""

    ILE_DE_FRANCE = 0
    PROVINCE = 1


class Strategy(IntEnum):
    """Direction's AI strategy (Figure 9)."""

    NONE = 0
    AD_HOC_REQUESTS = 1
    AD_HOC_CAPACITY = 2
    TRIPARTITE = 3


class Choice(IntEnum):
    """Direction's decisions (ODD 7.8): each is a yes/no choice made by a logit rule at
    engagement and at every revision (Figures 9, 11, 12)."""

    TRIPARTITE = 0  # one strategy shared by Direction, Technique and Business (Figure 9)
    OUTSOURCE = 1  # outsource use-case development (Figures 10-12)
    TRAINING = 2  # train employees (Figure 12)
    DEDICATED = 3  # dedicated staff or working groups (Figure 12)
    ROLES_INTERNAL = 4  # new AI roles filled from inside (Figure 12)
    ROLES_EXTERNAL = 5  # new AI roles hired from outside (Figure 12)
    EXPERTS = 6  # external experts: consultants, providers (Figure 12)


class Outsourcing(IntEnum):
    """Outsourcing of use-case development (Figure 12: 86% outsource, 57% all of it)."""

    NONE = 0
    PARTIAL = 1
    ALL = 2


class ProviderManager(IntEnum):
    """Who manages the external providers (Figure 11); NOBODY when nothing is outsourced."""

    NOBODY = -1
    PAIR = 0
    TECHNIQUE = 1
    BUSINESS = 2


class Collaboration(IntEnum):
    """Technique-Business collaboration mode (Figure 13); UNSET before the firm engages.

    NONE is "no collaboration", mostly cited by Business respondents (32%) who work with
    tools of their own (shadow AI).
    """

    UNSET = -1
    BALANCED = 0
    TECHNIQUE_LED = 1
    BUSINESS_LED = 2
    NONE = 3


class Obstacle(IntEnum):
    """Obstacles to adoption (Figures 3-4)."""

    UTILITY = 0
    SKILLS = 1
    SECURITY = 2
    REGULATION = 3
    FINANCE = 4


class UseCase(IntEnum):
    """The six use cases of Figure 5 (rows 4-6 mapped by assumption: see docs/ODD.md)."""

    CONTENT = 0
    PERSONALISATION = 1
    CUSTOMER_KNOWLEDGE = 2
    ROI_MEASUREMENT = 3
    TEST_AUTOMATION = 4
    INFRASTRUCTURE = 5


class Difficulty(IntEnum):
    """Technique-Business collaboration difficulties (Figure 14)."""

    MISESTIMATES = 0
    COMMUNICATION = 1
    ORGANISATION = 2


class Gain(IntEnum):
    """Kinds of gain the study asks about (Figures 15-16)."""

    PRODUCTIVITY = 0
    COST = 1
    REVENUE = 2


def label(member: IntEnum) -> str:
    """Lower-case label of an enum member, as used in reporters and TOML files."""
    return member.name.lower()


def labels(enum: type[IntEnum]) -> list[str]:
    """Labels of every member of ``enum`` in value order (NOBODY/NONE sentinels included)."""
    return [label(m) for m in sorted(enum, key=int)]
