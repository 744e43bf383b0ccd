"""What happens to every firm from outside the model (ODD 7.0): media exposure to generative
AI, and the drift of the obstacles' severities over time.

Each series is a function of the month alone, the same for every firm; the parameters that
shape it are ``Params`` entries, and each is a documented event or a stated assumption:

- media exposure: a hype pulse that starts with the release of ChatGPT (30 November 2022,
  ``CHATGPT_RELEASE``), peaks ``media_peak_months`` later and decays to ``media_floor`` of its
  peak (assumption);
- finance and security: a linear trend per year (``finance_trend``, ``security_trend``;
  assumptions: cheaper models, enterprise offers with data guarantees);
- regulation: a step at each milestone of the EU AI Act (``AI_ACT_MILESTONES``; the sizes,
  ``regulation_milestone_shift``, are assumptions).
"""

from __future__ import annotations

import math

import numpy as np

from .clock import month_index
from .params import Params

AI_ACT_MILESTONES = ("2023-12", "2024-08", "2025-02", "2025-08", "2026-08")
"""EU AI Act (Regulation (EU) 2024/1689): political agreement (8 December 2023), entry into
force (1 August 2024), prohibitions and AI literacy (2 February 2025), obligations of
general-purpose AI models (2 August 2025), most high-risk obligations (2 August 2026)."""

SHIFTED_OBSTACLES = ("security", "regulation", "finance")
"""The severities that drift, in the order of ``obstacle_shift``'s entries."""


CHATGPT_RELEASE = "2022-11"
"""The release of ChatGPT (30 November 2022): the start of the media pulse."""


def media_exposure(params: Params, step: int) -> float:
    """Media exposure to generative AI at ``step`` (0-1, 1 at the peak): the pulse
    (t / peak) e^(1 - t / peak), t the months since the release of ChatGPT (whatever the
    run's start), which rises from 0 at the release to 1 at the peak; after the peak it
    decays towards ``media_floor``."""
    since = month_index(params.start) + step - month_index(CHATGPT_RELEASE)
    t = max(since, 0) / params.media_peak_months
    pulse = t * math.exp(1.0 - t)
    if t <= 1.0:
        return pulse
    return params.media_floor + (1.0 - params.media_floor) * pulse


def obstacle_level(params: Params, step: int) -> np.ndarray:
    """How far each drifting severity (``SHIFTED_OBSTACLES``) has moved at ``step`` since the
    start: the trends, and the AI Act milestones reached."""
    years = step / 12.0
    month = month_index(params.start) + step
    shifts = zip(AI_ACT_MILESTONES, params.regulation_milestone_shift, strict=True)
    regulation = sum(shift for milestone, shift in shifts if month_index(milestone) <= month)
    return np.array([params.security_trend * years, regulation, params.finance_trend * years])


def obstacle_shift(params: Params, step: int) -> np.ndarray:
    """What the month reached at ``step`` (Mesa's counter, already advanced when a month is
    lived) adds to each drifting severity (float64, in ``SHIFTED_OBSTACLES`` order): its
    level minus the previous month's, so that a milestone's step lands in its own month."""
    return obstacle_level(params, step) - obstacle_level(params, step - 1)
