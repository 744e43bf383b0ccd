"""Calendar of the model: monthly steps from the release of ChatGPT (November 2022).

Mesa's step counter is the clock: after ``model.steps`` steps the model stands at
``start + steps`` months.  The study's fieldwork (3-24 March 2025, Methodology) is the month
``SURVEY_MONTH``.
"""

from __future__ import annotations

import pandas as pd

SURVEY_MONTH = "2025-03"
"""Month of the study's fieldwork (CATI interviews, 3-24 March 2025)."""


def month_index(month: str) -> int:
    """Months since year 0 of a ``YYYY-MM`` string (raises ValueError if malformed)."""
    year, mon = month.split("-")
    if len(year) != 4 or not 1 <= int(mon) <= 12:
        raise ValueError(f"not a month YYYY-MM: {month!r}")
    return int(year) * 12 + int(mon) - 1


def months_between(start: str, end: str) -> int:
    """Number of monthly steps from ``start`` to ``end`` (both ``YYYY-MM``)."""
    return month_index(end) - month_index(start)


def step_to_month(start: str, step: int) -> str:
    """The ``YYYY-MM`` month reached after ``step`` steps from ``start``."""
    idx = month_index(start) + step
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def step_to_timestamp(start: str, step: int) -> pd.Timestamp:
    """First day of the month reached after ``step`` steps (for plots and tables)."""
    return pd.Timestamp(step_to_month(start, step) + "-01")
