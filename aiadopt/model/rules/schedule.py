"""The order of the rules: a firm's month, and the start of a run (ODD section 3).

Each entry applies one rule to one firm (``Apply``); the model runs each list over every firm
in one compiled pass (``month.py``), firm after firm: each firm goes through the whole list
before the next firm starts.  Within a month a firm's rules read no other firm (the peers'
engaged share is taken at the start of the month), so the order of the firms does not matter.

``generate.py`` writes the compiled passes (``_month_generated.py``) from these lists and the
rules' signatures; regenerate after changing a list or a rule's arguments::

    python -m aiadopt.model.rules.generate
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import (
    business,
    collaboration,
    direction,
    engagement,
    gains,
    obstacles,
    portfolio,
    scaling,
    setup,
    technique,
)


@dataclass(frozen=True)
class Apply:
    """Apply ``rule`` to the firm; name its value ``result`` for the rules after it; only if
    ``only_if`` (an earlier result, or a boolean input of the month) is true."""

    rule: Callable[..., Any]
    result: str | None = None
    only_if: str | None = None


START: tuple[Apply, ...] = (
    Apply(gains.update_gains),  # what the initial state yields and promises
)
"""What every firm does once, when the population is drawn (before the first month)."""

MONTH: tuple[Apply, ...] = (
    Apply(obstacles.follow_trends),  # 7.0
    Apply(engagement.engage, result="entering"),  # 7.2
    Apply(setup.set_up, only_if="entering"),  # 7.3
    Apply(engagement.give_up, result="gave_up"),  # 7.4
    Apply(direction.stop_programme, only_if="gave_up"),  # 7.4
    Apply(portfolio.progress, result="progress"),  # 7.6
    Apply(portfolio.advance, result="overruns"),  # 7.6
    Apply(scaling.scale_and_derive_stage),  # 7.7
    Apply(direction.reviews, result="reviewing"),  # 7.8
    Apply(direction.revise, only_if="reviewing"),  # 7.8
    Apply(technique.learn),  # 7.10
    Apply(technique.hear_of_agentic, only_if="agentic"),  # 7.11
    Apply(business.hear_of_agentic, only_if="agentic"),  # 7.11
    Apply(gains.update_gains),  # 7.12, with last month's enthusiasm
    Apply(business.update_enthusiasm),  # 7.13
    Apply(business.use_shadow_ai),  # 7.14
    Apply(collaboration.align),  # 7.15
    Apply(collaboration.meet_organisation_questions),  # 7.15
)
"""A firm's month, in the model's order (interventions act before, for all firms)."""
