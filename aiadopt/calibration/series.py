"""Dated statistics as targets (issue 13, point 2): measurement models from the model's state
to the figures of other sources, with their nuisance parameters.

The study is one cross-section (March 2025).  Official statistics and other surveys give the
path in time (``data/external_series.csv``, a copy of ``../shared/data``), but they measure
other constructs (any AI rather than generative AI; a leader's own use rather than a firm's
programme), other populations (firms of 10+ or 50-249 persons rather than 100+) and come
from other frames (probability samples, panels).  ``series.toml`` gives each row the model
can speak to a measurement model (which state, which size classes, at which month, through
which link and nuisance parameters), and every other row the reason it is left out; a row
that appears in neither is refused.  :func:`evaluate` runs the model through the months the
rows need and scores each row (binomial on its effective sample size).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..model import AdoptionModel, Params
from ..model.clock import month_index
from ..model.interventions import SIZE_NAMES
from ..model.stages import Stage
from .errors import SpecError
from .priors import FAMILIES, Prior, prior_fields, read_text, read_toml

__all__ = [
    "LINKS",
    "QUANTITIES",
    "Measurement",
    "SeriesError",
    "SeriesSpec",
    "evaluate",
    "load_series",
    "predict",
]

SERIES_SPEC = "series.toml"
SERIES_CSV = "data/external_series.csv"

QUANTITIES = {
    "active_share": "share of the firms experimenting or beyond",
    "engaged_or_shadow_share": "share of the firms engaged (planned or beyond) or whose Business "
    "uses AI tools of its own",
}
"""The model quantities a measurement reads, by size class."""

LINKS: dict[str, tuple[str, ...]] = {
    "any_ai": ("baseline",),
    "any_ai_scaled": ("baseline", "ratio"),
    "individual_use": ("individual",),
}
"""How a row's construct relates to the quantity q, and the nuisance parameters it takes:
any_ai: b + (1 - b) q; any_ai_scaled: b + (1 - b) r q; individual_use: q + (1 - q) l."""

_CSV_COLUMNS = ("id", "source", "fieldwork", "geography", "population", "size_class",
                "construct", "value", "tag", "note")  # fmt: skip


class SeriesError(SpecError):
    """The series or their measurement models are invalid; the message names the file, the
    entry or row and the key."""


@dataclass(frozen=True)
class Measurement:
    """How one row of the series is predicted from the model's state."""

    id: str
    month: str
    quantity: str
    sizes: tuple[str, ...]
    link: str
    nuisance: tuple[str, ...]
    n_eff: float
    n_eff_reason: str
    checked: bool
    observed: float


@dataclass(frozen=True)
class SeriesSpec:
    """The measurement models, the nuisance priors and the rows left out (id -> reason)."""

    measurements: tuple[Measurement, ...]
    nuisance: Mapping[str, Prior]
    excluded: Mapping[str, str]
    source: str

    def nuisance_means(self) -> dict[str, float]:
        """Each nuisance parameter at its prior mean (beta) or centre."""
        out = {}
        for name, prior in self.nuisance.items():
            args = prior.args
            out[name] = float(args.get("mean", args.get("median", 0.5)))
        return out


def _fail(where: str, key: str, message: str) -> SeriesError:
    return SeriesError(f"{where}, key {key!r}: {message}")


def _read_rows(path: Path | None) -> tuple[dict[str, dict[str, str]], str]:
    text, where = read_text(path, SERIES_CSV, "series", SeriesError)
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("id", "value") if c not in (reader.fieldnames or ())]
    if missing:
        raise SeriesError(f"{where}: missing column(s) {', '.join(missing)}; expected "
                          f"{', '.join(_CSV_COLUMNS)}")  # fmt: skip
    rows: dict[str, dict[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        rid = row["id"]
        if rid in rows:
            raise SeriesError(f"{where}: line {line}, id {rid!r} appears twice")
        try:
            value = float(row["value"])
        except (TypeError, ValueError):
            raise SeriesError(f"{where}: line {line} ({rid!r}), key 'value': not a number: "
                              f"{row['value']!r}") from None  # fmt: skip
        if not 0.0 <= value <= 1.0:
            raise SeriesError(f"{where}: line {line} ({rid!r}), key 'value': {value} is not a "
                              "share in [0, 1]")  # fmt: skip
        rows[rid] = row
    return rows, where


def _nuisance(raw: Any, where: str) -> Prior:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        raise SeriesError(f"{where}: a [[nuisance]] needs a name, a family and its arguments")
    family = raw.get("family")
    if family not in FAMILIES or family in ("dirichlet", "fixed"):
        allowed = ", ".join(f for f in FAMILIES if f not in ("dirichlet", "fixed"))
        raise _fail(where, "family", f"{family!r}; allowed: {allowed}")
    args, text = prior_fields(raw, family, where, SeriesError)
    return Prior(raw["name"], family, args, text, 0.0, 1.0, "share")


def _measurement(raw: Any, where: str, rows: Mapping[str, Mapping[str, str]],
                 nuisance: Mapping[str, Prior]) -> Measurement:  # fmt: skip
    if not isinstance(raw, Mapping):
        raise SeriesError(f"{where}: must be a table")
    allowed = {"id", "month", "quantity", "sizes", "link", "nuisance", "n_eff",
               "n_eff_reason", "checked"}  # fmt: skip
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _fail(where, unknown[0], f"unknown key; allowed: {', '.join(sorted(allowed))}")
    rid = raw.get("id")
    if rid not in rows:
        raise _fail(where, "id", f"{rid!r} is not a row of the series")
    month = raw.get("month")
    try:
        month_index(month)
    except ValueError:
        raise _fail(where, "month", f"must be a month YYYY-MM, got {month!r}") from None
    quantity = raw.get("quantity")
    if quantity not in QUANTITIES:
        raise _fail(where, "quantity", f"{quantity!r}; allowed: {', '.join(QUANTITIES)}")
    sizes = raw.get("sizes")
    if not isinstance(sizes, list) or not sizes or any(s not in SIZE_NAMES for s in sizes):
        raise _fail(where, "sizes", f"{sizes!r}; allowed: a list of {', '.join(SIZE_NAMES)}")
    link = raw.get("link")
    if link not in LINKS:
        raise _fail(where, "link", f"{link!r}; allowed: {', '.join(LINKS)}")
    names = raw.get("nuisance")
    if not isinstance(names, list) or len(names) != len(LINKS[link]):
        raise _fail(where, "nuisance", f"the link {link!r} takes {len(LINKS[link])} nuisance "
                    f"parameter(s) ({', '.join(LINKS[link])}), got {names!r}")  # fmt: skip
    for name in names:
        if name not in nuisance:
            raise _fail(where, "nuisance", f"{name!r} has no [[nuisance]] prior; declared: "
                        f"{', '.join(nuisance) or '(none)'}")  # fmt: skip
    n_eff = raw.get("n_eff")
    if isinstance(n_eff, bool) or not isinstance(n_eff, int | float) or not n_eff > 0:
        raise _fail(where, "n_eff", f"must be a number > 0, got {n_eff!r}")
    reason = raw.get("n_eff_reason")
    if not isinstance(reason, str) or not reason.strip():
        raise _fail(where, "n_eff_reason", "say why the figure weighs as much as it does")
    checked = raw.get("checked", False)
    if not isinstance(checked, bool):
        raise _fail(where, "checked", f"must be true or false, got {checked!r}")
    return Measurement(rid, month, quantity, tuple(sizes), link, tuple(names), float(n_eff),
                       reason, checked, float(rows[rid]["value"]))  # fmt: skip


def load_series(spec: str | Path | None = None, data: str | Path | None = None) -> SeriesSpec:
    """The measurement models of ``spec`` (default: the packaged ``series.toml``) for the rows
    of ``data`` (default: the packaged copy of ``external_series.csv``).  Raises
    :class:`SeriesError` naming the file, the entry and the key for a malformed file, and
    for a row of the series that no measurement model covers and no exclusion explains."""
    rows, rows_where = _read_rows(None if data is None else Path(data))
    doc, where = read_toml(spec, SERIES_SPEC, "measurement models", SeriesError)
    unknown = sorted(set(doc) - {"measurement", "excluded", "nuisance"})
    if unknown:
        raise SeriesError(f"{where}: unknown top-level key {unknown[0]!r}; allowed: "
                          "measurement, excluded, nuisance")  # fmt: skip
    nuisance: dict[str, Prior] = {}
    for i, raw in enumerate(doc.get("nuisance", [])):
        prior = _nuisance(raw, f"{where}: [[nuisance]] entry {i}")
        nuisance[prior.name] = prior
    measurements = tuple(
        _measurement(raw, f"{where}: [[measurement]] entry {i}", rows, nuisance)
        for i, raw in enumerate(doc.get("measurement", []))
    )
    excluded: dict[str, str] = {}
    for i, raw in enumerate(doc.get("excluded", [])):
        entry = f"{where}: [[excluded]] entry {i}"
        ids, reason = raw.get("ids"), raw.get("reason")
        if not isinstance(ids, list) or not ids:
            raise _fail(entry, "ids", "a non-empty list of row ids")
        if not isinstance(reason, str) or not reason.strip():
            raise _fail(entry, "reason", "say why the rows are left out")
        for rid in ids:
            if rid not in rows:
                raise _fail(entry, "ids", f"{rid!r} is not a row of {rows_where}")
            excluded[rid] = reason
    covered = [m.id for m in measurements]
    twice = sorted({r for r in covered if covered.count(r) > 1} | (set(covered) & set(excluded)))
    if twice:
        raise SeriesError(f"{where}: row {twice[0]!r} is both measured and excluded, or "
                          "measured twice")  # fmt: skip
    uncovered = [rid for rid in rows if rid not in excluded and rid not in covered]
    if uncovered:
        raise SeriesError(f"{rows_where}: row {uncovered[0]!r} is covered by no measurement "
                          f"model of {where}; add a [[measurement]] or list it under "
                          "[[excluded]] with a reason")  # fmt: skip
    return SeriesSpec(measurements, nuisance, excluded, where)


def predict(m: Measurement, q: float | np.ndarray,
            nuisance: Mapping[str, float | np.ndarray]) -> float | np.ndarray:  # fmt: skip
    """The figure that measurement ``m`` predicts from the model quantity ``q`` (floats, or
    arrays over parameter sets: the links are arithmetic)."""
    values = [nuisance[name] for name in m.nuisance]
    if m.link == "any_ai":
        (b,) = values
        return b + (1.0 - b) * q
    if m.link == "any_ai_scaled":
        b, r = values
        return b + (1.0 - b) * r * q
    (individual,) = values
    return q + (1.0 - q) * individual


def firms_of(model: AdoptionModel, sizes: Sequence[str]) -> int:
    """How many of the model's firms are in the size classes ``sizes``."""
    return int(np.isin(model.state.size, [int(SIZE_NAMES[s]) for s in sizes]).sum())


def model_quantity(model: AdoptionModel, quantity: str, sizes: Sequence[str]) -> float:
    """The model quantity a measurement reads (``active_share`` or
    ``engaged_or_shadow_share``) over the firms of ``sizes``, NaN when there are none."""
    st = model.state
    mask = np.isin(st.size, [int(SIZE_NAMES[s]) for s in sizes])
    if not mask.any():
        return math.nan
    if quantity == "active_share":
        hit = st.stage >= Stage.EXPERIMENTING
    else:
        hit = (st.stage >= Stage.PLANNED) | st.shadow_ai
    return float(hit[mask].mean())


def model_quantities(params: Params, seed: int, spec: SeriesSpec) -> dict[str, float]:
    """The model quantity of each measurement, by row id: one run, stepped through the
    months the rows need (common to every row)."""
    wanted = sorted({m.month for m in spec.measurements}, key=month_index)
    last = max(wanted, key=month_index)
    params = params if month_index(params.horizon) >= month_index(last) else params.replace(
        horizon=last
    )
    out: dict[str, float] = {}
    with AdoptionModel(params, seed=seed, collect=False, firm_agents=False) as model:
        for month in wanted:
            model.run(month)
            for m in spec.measurements:
                if m.month == month:
                    out[m.id] = model_quantity(model, m.quantity, m.sizes)
    return out


def evaluate(params: Params, seed: int, spec: SeriesSpec | None = None,
             nuisance: Mapping[str, float] | None = None) -> pd.DataFrame:  # fmt: skip
    """Each measured row: observed, model quantity, predicted figure, effective size, and its
    binomial log-likelihood and saturated log-likelihood (deviance = 2 (saturated - loglik)).
    ``nuisance`` defaults to the prior means."""
    spec = spec or load_series()
    values = spec.nuisance_means() | dict(nuisance or {})
    q = model_quantities(params, seed, spec)
    rows = []
    for m in spec.measurements:
        p = min(max(predict(m, q[m.id], values), 1e-9), 1 - 1e-9)
        k, n = m.observed * m.n_eff, m.n_eff
        ll = k * math.log(p) + (n - k) * math.log(1 - p)
        o = min(max(m.observed, 1e-9), 1 - 1e-9)
        sat = k * math.log(o) + (n - k) * math.log(1 - o)
        rows.append({"id": m.id, "month": m.month, "observed": m.observed, "quantity": q[m.id],
                     "predicted": p, "n_eff": n, "loglik": ll, "saturated": sat,
                     "deviance": 2 * (sat - ll), "checked": m.checked})  # fmt: skip
    return pd.DataFrame(rows)
