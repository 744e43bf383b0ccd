"""Dated statistics and their measurement models (issue 13, point 2)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from aiadopt.calibration import series
from aiadopt.calibration.series import SeriesError, evaluate, load_series, predict
from aiadopt.model import Params

PACKAGED = Path(series.__file__).with_name("series.toml")
DATA = Path(series.__file__).parent / "data" / "external_series.csv"


def test_every_row_is_measured_or_left_out_with_a_reason() -> None:
    spec = load_series()
    with DATA.open(encoding="utf-8") as f:
        ids = {row["id"] for row in csv.DictReader(f)}
    measured = {m.id for m in spec.measurements}
    assert measured | set(spec.excluded) == ids and not measured & set(spec.excluded)
    assert all(reason.strip() for reason in spec.excluded.values())
    assert {"insee_2023_250p", "insee_2024_250p"} <= measured


def test_a_row_no_measurement_covers_is_refused(tmp_path) -> None:
    data = tmp_path / "series.csv"
    text = DATA.read_text(encoding="utf-8").rstrip("\n")
    data.write_text(text + "\nnew_row,x,2024-Q1,France,p,250+,c,0.5,primary,\n", encoding="utf-8")
    with pytest.raises(SeriesError, match=r"row 'new_row' is covered by no measurement model"):
        load_series(data=data)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('quantity = "active_share"', 'quantity = "revenue"', "quantity"),
        ('link = "any_ai"', 'link = "magic"', "link"),
        ('sizes = ["250_499", "500_plus"]', 'sizes = ["huge"]', "sizes"),
        ('month = "2023-02"', 'month = "2023-13"', "month"),
        ("n_eff = 300", "n_eff = -1", "n_eff"),
        ('nuisance = ["baseline_250p"]', 'nuisance = ["nowhere"]', "nuisance"),
        ('id = "insee_2023_250p"', 'id = "no_such_row"', "id"),
    ],
)
def test_a_malformed_measurement_is_refused_naming_the_key(tmp_path, old, new, key) -> None:
    spec = tmp_path / "series.toml"
    spec.write_text(PACKAGED.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SeriesError) as info:
        load_series(spec)
    assert str(spec) in str(info.value) and f"key {key!r}" in str(info.value)


def test_the_links_map_the_quantity_as_documented() -> None:
    m = next(m for m in load_series().measurements if m.link == "any_ai_scaled")
    b, r = 0.1, 0.5
    values = dict(zip(m.nuisance, (b, r), strict=True))
    assert predict(m, 0.4, values) == pytest.approx(b + (1 - b) * r * 0.4)
    assert predict(m, 0.0, values) == pytest.approx(b)  # before generative AI: the baseline


def test_a_perfect_prediction_has_zero_deviance_and_a_worse_one_more() -> None:
    spec = load_series()
    frame = evaluate(Params(n_firms=2_000), 1, spec)
    assert len(frame) == len(spec.measurements)
    assert all(math.isfinite(x) for x in frame.deviance)
    assert (frame.deviance >= -1e-9).all()
    early = frame.set_index("id").loc["insee_2023_250p"]
    # in 2023-02 generative AI is new: the any-AI figure is mostly the baseline
    assert early.quantity < 0.05
    baseline = (0.21 - early.quantity) / (1 - early.quantity)
    tuned = evaluate(Params(n_firms=2_000), 1, spec, {"baseline_250p": baseline})
    assert tuned.set_index("id").loc["insee_2023_250p"].deviance < 1e-6
