"""The calendar (``aiadopt/model/clock.py``): monthly steps from the release of ChatGPT
(November 2022); the study's fieldwork (3-24 March 2025, Methodology) is ``SURVEY_MONTH``."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from aiadopt.model import AdoptionModel, Params
from aiadopt.model.clock import (
    SURVEY_MONTH,
    month_index,
    months_between,
    step_to_month,
    step_to_timestamp,
)

START = "2022-11"


def test_month_index_counts_months_from_year_zero() -> None:
    assert month_index("2022-11") == 2022 * 12 + 10
    assert month_index("2023-01") - month_index("2022-12") == 1
    assert month_index("0000-01") == 0


@pytest.mark.parametrize(
    "bad", ["2022-13", "2022-00", "22-11", "2022/11", "2022-11-01", "June", "", "2022-1x",
            "2022-1", "2022- 1", "20222-01", "+022-11"],
)  # fmt: skip
def test_a_malformed_month_raises_naming_it(bad: str) -> None:
    """Only ``YYYY-MM`` is a month: months are compared as text elsewhere (an intervention's
    end against its start), which is right for ``YYYY-MM`` only ("2025-1" > "2025-06")."""
    with pytest.raises(ValueError, match=re.escape(f"not a month YYYY-MM: {bad!r}")):
        month_index(bad)


def test_months_between_counts_steps_either_way() -> None:
    assert months_between(START, "2025-03") == 28
    assert months_between(START, "2030-12") == 97
    assert months_between("2025-03", START) == -28
    assert months_between("2025-03", "2025-03") == 0


@pytest.mark.parametrize(
    ("step", "month"),
    [(0, "2022-11"), (1, "2022-12"), (2, "2023-01"), (14, "2024-01"), (28, "2025-03"),
     (97, "2030-12")],
)  # fmt: skip
def test_step_to_month_crosses_years(step: int, month: str) -> None:
    assert step_to_month(START, step) == month


def test_step_to_month_inverts_months_between() -> None:
    for start in ("2022-11", "2022-12", "2023-01"):
        for step in range(0, 240, 7):
            assert months_between(start, step_to_month(start, step)) == step


def test_step_to_timestamp_is_the_first_day_of_the_month() -> None:
    assert step_to_timestamp(START, 0) == pd.Timestamp("2022-11-01")
    assert step_to_timestamp(START, 2) == pd.Timestamp("2023-01-01")
    assert step_to_timestamp(START, 28) == pd.Timestamp("2025-03-01")


def test_the_survey_month_is_the_studys_fieldwork_28_steps_in() -> None:
    assert SURVEY_MONTH == "2025-03"
    assert Params().start == START
    assert months_between(Params().start, SURVEY_MONTH) == 28


def test_mesas_step_counter_is_the_models_clock() -> None:
    """After k steps the model stands at start + k months, and its dates follow the clock."""
    with AdoptionModel(Params(), seed=1, n_firms=50) as model:
        model.run(until="2023-02")
        assert model.steps == 3
        dates = sorted(model.tidy()["date"].unique())
    assert [pd.Timestamp(d) for d in dates] == [step_to_timestamp(START, k) for k in range(4)]
