"""Calendar of the model: monthly steps from the release of ChatGPT (November 2022).

Mesa's step counter is the clock: after ``model.steps`` steps the model stands at
``start + steps`` months.  The study's fieldwork (3-24 March 2025, Methodology) is the month
``SURVEY_MONTH``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SURVEY_MONTH = "2025-03"
"""Month of the study's fieldwork (CATI interviews, 3-24 March 2025)."""


LAST_MONTH = "2100-12"
"""The latest month a run may reach (``--until``, ``model.run(until=...)``): far beyond any
use of the model, near enough that a typo (``9999-12``) is refused rather than run for hours."""


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def month_index(month: str) -> int:
    """Months since year 0 of a ``YYYY-MM`` string (ValueError naming it if malformed: four
    digits, a dash, two digits 01-12, nothing else)."""
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise ValueError(f"not a month YYYY-MM: {month!r}")
    return int(month[:4]) * 12 + int(month[5:]) - 1


def check_last_month(month: str, what: str = "until") -> int:
    """:func:`month_index` of ``month``, a ``YYYY-MM`` month no later than :data:`LAST_MONTH`
    (ValueError naming ``what`` and the value otherwise)."""
    index = month_index(month)
    if index > month_index(LAST_MONTH):
        raise ValueError(f"{what} {month} is after {LAST_MONTH}, the last month a run may reach")
    return index


def months_between(start: str, end: str) -> int:
    """Number of monthly steps from ``start`` to ``end`` (both ``YYYY-MM``)."""
    return month_index(end) - month_index(start)


def step_to_month(start: str, step: int) -> str:
    """The ``YYYY-MM`` month reached after ``step`` steps from ``start``."""
    idx = month_index(start) + step
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def step_to_timestamp(start: str, step: int) -> pd.Timestamp:
    """First day of the month reached after ``step`` steps (for plots and tables)."""
    import pandas as pd  # heavy: imported when a table is made, not with the model

    return pd.Timestamp(step_to_month(start, step) + "-01")
