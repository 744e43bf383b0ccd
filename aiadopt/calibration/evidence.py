"""The likelihood v2 (issue 13, point 3): every figure of the study and every dated statistic
scored on its own raw base, vectorised over many parameter sets.

The study (Publicis Sapient France, March 2025) prints weighted shares over raw bases of
respondents.  Each observation becomes the probability of what was observed given the
model's quantity ``q`` and the model's own noise ``sim_var`` (the variance of ``q``: the
binomial noise of a finite simulated population, or an emulator's error):

- a **proportion** (a share ``p`` on a raw base ``n``): a beta-binomial of ``k = p n_eff``
  successes in ``n_eff = n / deff`` trials (fractional counts through the gamma function),
  mean ``q`` and over-dispersion such that the observed share's variance is
  ``q(1-q)/n_eff + sim_var``; ``sim_var = 0`` is the binomial;
- the **stage distribution** (Figure 1, text p.2: 48% engaged, 29% in place or in progress,
  15% in place, of 231) becomes three CONDITIONAL binomials - engaged among all (231),
  in place or in progress among the engaged (0.29/0.48 on 124 raw), in place among those
  (0.15/0.29 on 68 raw) - into which the multinomial of the four stage counts factorises
  exactly (replaces v1's Dirichlet-multinomial; the raw bases are the printed bases of the
  groups ``engaged`` and ``in_place_or_in_progress`` in ``targets.toml``);
- a **mean** (a gain in percent): normal, ``se^2 = (cv x)^2 / n_eff + sim_var`` with the
  study's own ``x`` (a plug-in standard error; ``cv = 1``, ``[meta].default_mean_cv``, an
  assumption: the study prints no dispersion);
- a **bound** ("the share is at least ``v``", observed true = 1.0): the probability that the
  study's share ``p_hat`` lands on the stated side of ``v``, a continuous binomial tail
  ``P(K >= v n*)`` (``P(K <= v n*)`` for an upper bound) with ``K ~ Bin(n*, q)`` (the
  regularised incomplete beta, exactly ``scipy.stats.binom`` for whole counts), on the
  number of trials ``n* = q(1-q) / (q(1-q)/n_eff + sim_var)`` that gives ``p_hat`` the
  variance of a proportion above.  Not a normal tail: far from the bound a normal tail is
  much steeper than the binomial's, and a statement of ~20 respondents must cost at most what
  its binomial says.  A statement observed false (0.0: a synthetic study) scores the
  complement;
- an **ordering** ("the greater side exceeds the lesser side"): ``log Phi((q_g - q_l) /
  sqrt(v_g + v_l))``, each ``v`` the sampling variance of its side on its own base plus its
  ``sim_var``.  The sides are treated as independent: conservative when both sides are
  answered by overlapping respondents and positively correlated (the difference's variance is
  then smaller than assumed, so the statement is judged less surely than it could be);
- a **dated statistic** (``series.toml``): a beta-binomial on the row's ``n_eff`` around the
  row's measurement-model prediction (:func:`aiadopt.calibration.series.predict`, with its
  nuisance parameters); the model's noise passes through the link's slope.

No component has a floor or a hinge: every one is the probability of what was observed.

The design effect ``deff`` is a nuisance parameter with a prior (``evidence.toml``); the
series' nuisances keep their priors of ``series.toml``.

Which quantities the model supplies is fixed by :func:`quantity_names`; the caller (the
simulator or its emulator) returns their values in that order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import betainc, gammaln, log_ndtr

from . import survey
from . import targets as tg
from .errors import SpecError
from .priors import FAMILIES, Prior, prior_fields, read_toml
from .series import Measurement, SeriesSpec, load_series, predict

__all__ = [
    "EVIDENCE_FILE",
    "KINDS",
    "NUISANCES",
    "STAGE_CHAIN",
    "EvidenceError",
    "Likelihood",
    "StudyData",
    "beta_binomial_loglik",
    "binomial_tail_logprob",
    "load_nuisance",
    "quantity_names",
]

EVIDENCE_FILE = "evidence.toml"
"""The packaged nuisance priors of the likelihood, beside this module."""

NUISANCES: dict[str, str] = {
    "design_effect": "Kish design effect of the study's post-stratification weights (n_eff = n "
    "/ deff)",
}
"""The likelihood's own nuisance parameters (the series' are declared in ``series.toml``)."""

KINDS = ("proportion", "conditional", "mean", "bound", "ordering", "series")
"""Kinds of observation: a conditional is a stage share among the previous stage's firms."""

STAGE_CHAIN: tuple[tuple[str, str, str], ...] = (
    ("in_place_or_in_progress_share", "engaged_share", "engaged"),
    ("in_place_share", "in_place_or_in_progress_share", "in_place_or_in_progress"),
)
"""The nested stage shares of all respondents (Figure 1) scored as conditional binomials:
(numerator target, denominator target, group whose printed raw base is the trials)."""

EPS = 1e-9
PHI_RANGE = (1.0, 1e8)
"""Range of the beta-binomial's precision phi (1: maximal over-dispersion allowed)."""


class EvidenceError(SpecError):
    """The likelihood's inputs are invalid; the message names the file (or argument), the
    entry and the key."""


# --- the components, vectorised ------------------------------------------------------------------


def _clip(q: np.ndarray) -> np.ndarray:
    return np.clip(q, EPS, 1.0 - EPS)


def _log_choose(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    return gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)


def binomial_loglik(k: np.ndarray, n: np.ndarray, q: np.ndarray) -> np.ndarray:
    """log P(k successes in n trials | q), fractional ``k`` and ``n`` allowed (gamma form;
    equals ``scipy.stats.binom.logpmf`` for whole counts)."""
    q = _clip(np.asarray(q, dtype=float))
    return _log_choose(k, n) + k * np.log(q) + (n - k) * np.log1p(-q)


def beta_binomial_loglik(
    k: np.ndarray, n: np.ndarray, q: np.ndarray, extra_var: np.ndarray
) -> np.ndarray:
    """Beta-binomial log-probability of ``k`` successes in ``n`` trials with mean ``q`` and
    the over-dispersion that adds ``extra_var`` to the variance of the share ``k / n``:
    ``rho = extra_var / (q(1-q)) * n / (n-1)``, ``phi = 1/rho - 1`` clipped to [1, 1e8].
    ``extra_var = 0`` gives the binomial exactly; whole counts give
    ``scipy.stats.betabinom.logpmf(k, n, q phi, (1-q) phi)``."""
    k, n, q, extra_var = np.broadcast_arrays(
        np.asarray(k, dtype=float), np.asarray(n, dtype=float),
        _clip(np.asarray(q, dtype=float)), np.asarray(extra_var, dtype=float),
    )  # fmt: skip
    log_choose = _log_choose(k, n)
    over = extra_var > 0
    if not over.any():
        return log_choose + k * np.log(q) + (n - k) * np.log1p(-q)
    phi = _phi(q, n, extra_var)
    a, b = q * phi, (1.0 - q) * phi
    ratio = (gammaln(k + a) + gammaln(n - k + b) - gammaln(n + phi)
             - gammaln(a) - gammaln(b) + gammaln(phi))  # fmt: skip
    if not over.all():
        ratio = np.where(over, ratio, k * np.log(q) + (n - k) * np.log1p(-q))
    return log_choose + ratio


def _phi(q: np.ndarray, n: np.ndarray, extra_var: np.ndarray) -> np.ndarray:
    """The beta-binomial precision that adds ``extra_var`` to a share's variance on n trials."""
    with np.errstate(divide="ignore"):
        rho = extra_var / (q * (1.0 - q)) * n / np.maximum(n - 1.0, EPS)
        return np.clip(1.0 / rho - 1.0, *PHI_RANGE)


def binomial_tail_logprob(
    v: np.ndarray, n: np.ndarray, q: np.ndarray, lower: np.ndarray, holds: np.ndarray | bool = True
) -> np.ndarray:
    """log-probability that a bound on the share ``p_hat = K / n`` holds (``holds``) or not,
    ``K ~ Bin(n, q)`` continued to fractional counts ``k = v n`` by the regularised
    incomplete beta.  A lower bound holds with P(K >= k) = I_q(k, n - k + 1), an upper bound
    with P(K <= k) = I_{1-q}(n - k, k + 1); a bound that does not hold scores the
    complement.  Whole counts: ``binom.sf(k - 1, n, q)`` and ``binom.cdf(k, n, q)``.  Where
    the incomplete beta underflows (below 1e-300, far beyond any plausible set) the
    log-probability stays at log(1e-300) = -691 rather than -inf."""
    v, n, q, lower, holds = np.broadcast_arrays(
        v, n, _clip(np.asarray(q, dtype=float)), lower, holds
    )
    k = np.clip(v * n, EPS, n - EPS)
    at_least = lower == holds  # K >= k (a lower bound holds) or K > k (an upper one fails)
    first = np.where(lower, k, k + 1.0)  # the smallest K of the event "at least"
    a = np.where(at_least, first, n - first + 1.0)
    b = np.where(at_least, n - first + 1.0, first)
    p = betainc(np.maximum(a, EPS), np.maximum(b, EPS), np.where(at_least, q, 1.0 - q))
    return np.log(np.maximum(p, 1e-300))


# --- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class StudyData:
    """The observations a likelihood scores: the study's figures and the dated statistics.

    One entry per observation in each tuple.  ``observed`` is a share, a mean gain (percent)
    or, for a bound or an ordering, 1.0 (the study states it) or 0.0 (false, in a synthetic
    study).  ``bases`` holds the raw base (two for an ordering: greater, lesser; a series
    row's ``n_eff``, not divided by the design effect).  ``quantities`` names the model
    quantities each observation reads (see :func:`quantity_names`): one, or (numerator,
    denominator) for a conditional stage share, or (greater, lesser) for an ordering.
    ``thresholds`` holds a bound's ``v`` and ``sides`` its "lower"/"upper"; ``measurements``
    a series row's measurement model.  ``nuisance`` holds the priors of every nuisance
    parameter the observations need.
    """

    ids: tuple[str, ...]
    kinds: tuple[str, ...]
    observed: tuple[float, ...]
    bases: tuple[tuple[float, ...], ...]
    uses: tuple[str, ...]
    quantities: tuple[tuple[str, ...], ...]
    thresholds: tuple[float | None, ...]
    sides: tuple[str | None, ...]
    measurements: tuple[Measurement | None, ...]
    mean_cv: float
    nuisance: Mapping[str, Prior] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("kinds", "observed", "bases", "uses", "quantities", "thresholds", "sides",
                     "measurements"):  # fmt: skip
            if len(getattr(self, name)) != n:
                raise EvidenceError(f"StudyData: {name!r} has {len(getattr(self, name))} "
                                    f"entries for {n} observations")  # fmt: skip
        for i, kind in enumerate(self.kinds):
            if kind not in KINDS:
                raise EvidenceError(f"StudyData: observation {self.ids[i]!r}, key 'kind': "
                                    f"{kind!r}; allowed: {', '.join(KINDS)}")  # fmt: skip
            if any(not b > 0 for b in self.bases[i]):
                raise EvidenceError(f"StudyData: observation {self.ids[i]!r}, key 'bases': "
                                    f"{self.bases[i]!r} must be positive counts")  # fmt: skip

    @property
    def n_obs(self) -> int:
        return len(self.ids)

    @classmethod
    def of_study(
        cls,
        targets: Sequence[tg.Target] | None = None,
        series: SeriesSpec | None = None,
        nuisance_file: str | Path | None = None,
        mean_cv: float | None = None,
    ) -> StudyData:
        """The real study: every target (calibration and validation) the model can speak to
        (see :data:`aiadopt.calibration.survey.NOT_MODELLED`), the stage shares as
        conditional binomials, then every measured series row.  Defaults: the packaged
        ``targets.toml``, ``series.toml`` and ``evidence.toml``, and the packaged
        ``[meta].default_mean_cv`` for the means' spread.  Raises
        :class:`EvidenceError` for a bound or ordering without a base."""
        pool = tg.load_targets() if targets is None else list(targets)
        spec = load_series() if series is None else series
        rows: list[dict[str, Any]] = []
        by_id = {t.id: t for t in pool}
        chain = {num: (den, grp) for num, den, grp in STAGE_CHAIN
                 if num in by_id and den in by_id}  # fmt: skip
        for t in pool:
            if _not_modelled(t):
                continue
            if t.id in chain:
                den, grp = chain[t.id]
                rows.append(_conditional_row(t, by_id[den], _group_base(pool, grp)))
            elif t.kind == "ordering":
                rows.append(_ordering_row(t, by_id))
            else:
                rows.append(_target_row(t))
        for m in spec.measurements:
            rows.append(dict(id=f"series:{m.id}", kind="series", observed=m.observed,
                             bases=(m.n_eff,), use="calibration",
                             quantities=(f"series:{m.id}",), measurement=m))  # fmt: skip
        priors = dict(load_nuisance(nuisance_file))
        used = {name for m in spec.measurements for name in m.nuisance}
        priors.update({name: p for name, p in spec.nuisance.items() if name in used})
        meta_cv = tg.load_meta().default_mean_cv if mean_cv is None else float(mean_cv)
        if not meta_cv > 0:
            raise EvidenceError(f"StudyData.of_study: key 'mean_cv': {meta_cv} must be > 0")
        return cls(
            ids=tuple(r["id"] for r in rows),
            kinds=tuple(r["kind"] for r in rows),
            observed=tuple(float(r["observed"]) for r in rows),
            bases=tuple(tuple(float(b) for b in r["bases"]) for r in rows),
            uses=tuple(r["use"] for r in rows),
            quantities=tuple(r["quantities"] for r in rows),
            thresholds=tuple(r.get("threshold") for r in rows),
            sides=tuple(r.get("side") for r in rows),
            measurements=tuple(r.get("measurement") for r in rows),
            mean_cv=meta_cv,
            nuisance=priors,
        )

    def with_observed(self, observed: Sequence[float] | np.ndarray) -> StudyData:
        """The same study with other observed values (a synthetic study)."""
        values = tuple(float(x) for x in observed)
        if len(values) != self.n_obs:
            raise EvidenceError(f"StudyData.with_observed: {len(values)} values for "
                                f"{self.n_obs} observations")  # fmt: skip
        return replace(self, observed=values)

    def frame(self) -> pd.DataFrame:
        """One row per observation: id, kind, use, observed, base(s), quantities, bound."""
        return pd.DataFrame({
            "id": self.ids, "kind": self.kinds, "use": self.uses, "observed": self.observed,
            "base": [b[0] for b in self.bases],
            "base_lesser": [b[1] if len(b) > 1 else math.nan for b in self.bases],
            "quantities": [" / ".join(q) for q in self.quantities],
            "threshold": [math.nan if v is None else v for v in self.thresholds],
            "side": self.sides,
        })  # fmt: skip


def _not_modelled(t: tg.Target) -> bool:
    if t.kind == "ordering":
        return False
    keys = [t.metric] + [f"{t.metric}:{c}" for c in t.categories]
    return any(k in survey.NOT_MODELLED for k in keys)


def _base(t: tg.Target) -> float:
    if t.n is None:
        raise EvidenceError(f"targets: target {t.id!r}, key 'base_n': a {t.kind} needs base_n "
                            "or base_n_assumed (its raw base of respondents)")  # fmt: skip
    return float(t.n)


def _group_base(pool: Sequence[tg.Target], group: str) -> float:
    """The raw base the study prints for ``group`` (one value across its targets)."""
    printed = {t.base_n for t in pool if t.group == group and t.base_n is not None}
    if len(printed) != 1:
        raise EvidenceError(f"targets: group {group!r}, key 'base_n': the conditional stage "
                            f"shares need one printed base for the group, found "
                            f"{sorted(printed) or 'none'}")  # fmt: skip
    return float(printed.pop())


def _target_row(t: tg.Target) -> dict[str, Any]:
    row: dict[str, Any] = dict(id=t.id, kind=t.kind, bases=(_base(t),), use=t.use,
                               quantities=(t.id,))  # fmt: skip
    if t.kind == "bound":
        row.update(observed=1.0, threshold=t.value, side=t.bound)
    else:
        row.update(observed=t.value)
    return row


def _conditional_row(t: tg.Target, den: tg.Target, base: float) -> dict[str, Any]:
    assert t.value is not None and den.value is not None
    return dict(id=f"{t.id}|{den.id}", kind="conditional", observed=t.value / den.value,
                bases=(base,), use=t.use, quantities=(t.id, den.id))  # fmt: skip


def _ordering_row(t: tg.Target, by_id: Mapping[str, tg.Target]) -> dict[str, Any]:
    bases = []
    for side, given in (("greater", t.base_n_greater), ("lesser", t.base_n_lesser)):
        name = getattr(t, side)
        if given is not None:
            bases.append(float(given))
        elif name in by_id and by_id[name].n is not None:
            bases.append(float(by_id[name].n))  # type: ignore[arg-type]
        else:
            raise EvidenceError(f"targets: target {t.id!r}, key 'base_n_{side}': the {side} "
                                f"side {name!r} needs a raw base")  # fmt: skip
    return dict(id=t.id, kind="ordering", observed=1.0, bases=tuple(bases), use=t.use,
                quantities=(f"{t.id}:greater", f"{t.id}:lesser"))  # fmt: skip


def quantity_names(
    targets: Sequence[tg.Target] | None = None, series: SeriesSpec | None = None
) -> tuple[str, ...]:
    """The model quantities the likelihood reads, in order: each proportion, mean or bound
    target's id (calibration and validation), ``"<id>:greater"`` and ``"<id>:lesser"`` for
    each ordering, then ``"series:<row id>"`` for each measured series row.  The simulator
    returns one value per name (the weighted share or mean of ``survey.ask``; for an
    ordering its two sides; for a series row the measurement's model quantity)."""
    pool = tg.load_targets() if targets is None else targets
    spec = load_series() if series is None else series
    names: list[str] = []
    for t in pool:
        names += [f"{t.id}:greater", f"{t.id}:lesser"] if t.kind == "ordering" else [t.id]
    return (*names, *(f"series:{m.id}" for m in spec.measurements))


# --- the nuisance priors ------------------------------------------------------------------------


def load_nuisance(path: str | Path | None = None) -> dict[str, Prior]:
    """The priors of the likelihood's own nuisance parameters (default: the packaged
    ``evidence.toml``), checked like ``priors.toml``: :class:`EvidenceError` naming the
    file, the entry and the key for an unknown key or name, a bad family or argument, a
    missing source or a range that does not hold the prior's centre."""
    doc, where = read_toml(path, EVIDENCE_FILE, "likelihood's nuisance priors", EvidenceError)
    unknown = sorted(set(doc) - {"nuisance"})
    if unknown:
        raise EvidenceError(f"{where}: unknown top-level key {unknown[0]!r}; allowed: nuisance")
    entries = doc.get("nuisance", [])
    if not isinstance(entries, list):
        raise EvidenceError(f"{where}: 'nuisance' must be an array of tables ([[nuisance]])")
    out: dict[str, Prior] = {}
    for i, raw in enumerate(entries):
        entry = f"{where}: [[nuisance]] entry {i}"
        if not isinstance(raw, Mapping):
            raise EvidenceError(f"{entry}: must be a table")
        prior = _nuisance_entry(raw, entry)
        if prior.name in out:
            raise EvidenceError(f"{entry}, key 'name': {prior.name!r} has a prior already")
        out[prior.name] = prior
    missing = sorted(set(NUISANCES) - set(out))
    if missing:
        raise EvidenceError(f"{where}: key 'nuisance': no prior for {missing[0]!r}; every "
                            f"nuisance needs one ({', '.join(NUISANCES)})")  # fmt: skip
    return out


def _nuisance_entry(raw: Mapping[str, Any], where: str) -> Prior:
    scalar = [f for f in FAMILIES if f not in ("dirichlet", "fixed")]
    allowed = {"name", "family", "source", "width", "lower", "upper"} | {
        a for f in scalar for a in FAMILIES[f]
    }
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise EvidenceError(f"{where}, key {unknown[0]!r}: unknown key; allowed: "
                            f"{', '.join(sorted(allowed))}")  # fmt: skip
    name = raw.get("name")
    if name not in NUISANCES:
        raise EvidenceError(f"{where}, key 'name': {name!r}; allowed: {', '.join(NUISANCES)}")
    family = raw.get("family")
    if family not in scalar:
        raise EvidenceError(f"{where}, key 'family': {family!r}; allowed: {', '.join(scalar)}")
    bounds = {}
    for key in ("lower", "upper"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not math.isfinite(value)):  # fmt: skip
            raise EvidenceError(f"{where}, key {key!r}: a finite number, got {value!r}")
        bounds[key] = None if value is None else float(value)
    rest = {k: v for k, v in raw.items() if k not in ("lower", "upper")}
    args, text = prior_fields(rest, family, where, EvidenceError)
    prior = Prior(name, family, args, text, bounds["lower"], bounds["upper"], "ratio")
    lo, hi = bounds["lower"], bounds["upper"]
    if lo is not None and hi is not None and not lo < hi:
        raise EvidenceError(f"{where}, key 'lower': {lo} must be below upper ({hi})")
    centre = float(prior.frozen().median())
    if (lo is not None and centre < lo) or (hi is not None and centre > hi):
        raise EvidenceError(f"{where}, key 'lower': the range [{lo}, {hi}] leaves out the "
                            f"prior's median {centre:g}")  # fmt: skip
    return prior


# --- the likelihood -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """Observations of one kind, gathered for a vectorised evaluation."""

    cols: np.ndarray  # positions in the likelihood's output
    q: np.ndarray  # quantity index (numerator, greater side)
    ref: np.ndarray  # denominator or lesser side quantity index (-1: none)
    observed: np.ndarray
    base: np.ndarray
    base_ref: np.ndarray
    threshold: np.ndarray
    lower: np.ndarray  # bound: a lower bound


class Likelihood:
    """The log-likelihood of a :class:`StudyData` given many sets of model quantities.

    ``quantity_names`` orders the model quantities (:func:`quantity_names`); ``use``
    ("calibration", "validation" or None for all) selects the observations scored.  Every
    method takes ``values`` (m, Q), ``sim_var`` (m, Q) or (Q,) (the variance of each model
    quantity; 0: exact) and ``nuisance`` (name -> (m,) array or scalar; see
    :meth:`nuisance_priors`) and works on all m sets at once.
    """

    def __init__(
        self,
        data: StudyData,
        quantity_names: Sequence[str],
        use: str | None = "calibration",
    ) -> None:
        if use is not None and use not in tg.USES:
            raise EvidenceError(f"Likelihood: key 'use': {use!r}; allowed: "
                                f"{', '.join(tg.USES)} or None")  # fmt: skip
        self.data = data
        self.names = tuple(quantity_names)
        self.use = use
        self.index = [i for i, u in enumerate(data.uses) if use is None or u == use]
        self.ids = tuple(data.ids[i] for i in self.index)
        position = {name: j for j, name in enumerate(self.names)}
        missing = sorted({q for i in self.index for q in data.quantities[i]} - set(position))
        if missing:
            raise EvidenceError(f"Likelihood: key 'quantity_names': no {missing[0]!r} among the "
                                f"{len(self.names)} quantities (see quantity_names())")  # fmt: skip
        self._blocks = {kind: self._block(kind, position) for kind in KINDS}
        self._series = [
            (col, position[data.quantities[i][0]], data.measurements[i])
            for col, i in enumerate(self.index) if data.kinds[i] == "series"
        ]  # fmt: skip
        needed = {"design_effect"} if any(data.kinds[i] != "series" for i in self.index) else set()
        for _, _, m in self._series:
            needed |= set(m.nuisance)  # type: ignore[union-attr]
        self.nuisance_names = tuple(sorted(needed))
        unknown = [n for n in self.nuisance_names if n not in data.nuisance]
        if unknown:
            raise EvidenceError(f"StudyData: key 'nuisance': no prior for {unknown[0]!r}")
        self._mean_quantities = np.array(
            [position[data.ids[i]] for i in range(data.n_obs)
             if data.kinds[i] == "mean" and data.ids[i] in position], dtype=int,
        )  # fmt: skip
        self._everything: Likelihood | None = None

    @property
    def n_obs(self) -> int:
        return len(self.index)

    def _block(self, kind: str, position: Mapping[str, int]) -> _Block:
        d = self.data
        cols = [c for c, i in enumerate(self.index) if d.kinds[i] == kind]
        rows = [self.index[c] for c in cols]
        quantities = [d.quantities[i] for i in rows]
        return _Block(
            cols=np.array(cols, dtype=int),
            q=np.array([position[q[0]] for q in quantities], dtype=int),
            ref=np.array([position[q[1]] if len(q) > 1 else -1 for q in quantities], dtype=int),
            observed=np.array([d.observed[i] for i in rows], dtype=float),
            base=np.array([d.bases[i][0] for i in rows], dtype=float),
            base_ref=np.array([d.bases[i][-1] for i in rows], dtype=float),
            threshold=np.array([d.thresholds[i] or 0.0 for i in rows], dtype=float),
            lower=np.array([d.sides[i] == "lower" for i in rows], dtype=bool),
        )

    def nuisance_priors(self) -> list[Prior]:
        """The priors of the nuisance parameters the scored observations need (design effect
        from ``evidence.toml``, the series' from ``series.toml``), by name."""
        return [self.data.nuisance[name] for name in self.nuisance_names]

    # --- inputs ---

    def _inputs(
        self, values: np.ndarray, sim_var: np.ndarray | float, nuisance: Mapping[str, Any]
    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        v = np.asarray(values, dtype=float)
        if v.ndim == 1:
            v = v[None, :]
        if v.ndim != 2 or v.shape[1] != len(self.names):
            raise EvidenceError(f"Likelihood: key 'values': shape {np.shape(values)}, expected "
                                f"(m, {len(self.names)})")  # fmt: skip
        m = v.shape[0]
        s = np.broadcast_to(np.asarray(sim_var, dtype=float), v.shape)
        if (s < 0).any():
            raise EvidenceError("Likelihood: key 'sim_var': a variance must be >= 0")
        nu: dict[str, np.ndarray] = {}
        for name in self.nuisance_names:
            if name not in nuisance:
                raise EvidenceError(f"Likelihood: key 'nuisance': missing {name!r}; needed: "
                                    f"{', '.join(self.nuisance_names)}")  # fmt: skip
            nu[name] = np.broadcast_to(np.asarray(nuisance[name], dtype=float), (m,))
        return v, s, nu

    def _n_eff(self, base: np.ndarray, nu: Mapping[str, np.ndarray]) -> np.ndarray:
        return base[None, :] / nu["design_effect"][:, None]

    # --- the model's side of each observation ---

    def _shares(
        self, v: np.ndarray, s: np.ndarray, nu: Mapping[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Columns, mean q, extra variance, trials n and observed share of every observation
        scored as a (beta-)binomial: proportions, conditional stage shares, series rows."""
        cols, qs, vs, ns, obs = [], [], [], [], []
        b = self._blocks["proportion"]
        if b.cols.size:
            cols.append(b.cols)
            qs.append(v[:, b.q])
            vs.append(s[:, b.q])
            ns.append(self._n_eff(b.base, nu))
            obs.append(b.observed)
        b = self._blocks["conditional"]
        if b.cols.size:
            q, var = conditional_share(v[:, b.q], v[:, b.ref], s[:, b.q], s[:, b.ref])
            cols.append(b.cols)
            qs.append(q)
            vs.append(var)
            ns.append(self._n_eff(b.base, nu))
            obs.append(b.observed)
        if self._series:
            m = v.shape[0]
            q = np.empty((m, len(self._series)))
            var = np.empty_like(q)
            for j, (_, k, meas) in enumerate(self._series):
                q[:, j], var[:, j] = _series_prediction(meas, v[:, k], s[:, k], nu)
            cols.append(np.array([c for c, _, _ in self._series], dtype=int))
            qs.append(q)
            vs.append(var)
            n = np.array([self.data.bases[self.index[c]][0] for c, _, _ in self._series])
            ns.append(np.broadcast_to(n, q.shape))
            obs.append(np.array([self.data.observed[self.index[c]] for c, _, _ in self._series]))
        if not cols:
            empty = np.empty((v.shape[0], 0))
            return np.empty(0, dtype=int), empty, empty, empty, np.empty(0)
        return (np.concatenate(cols), np.concatenate(qs, axis=1), np.concatenate(vs, axis=1),
                np.concatenate(ns, axis=1), np.concatenate(obs))  # fmt: skip

    def _mean_parts(
        self, v: np.ndarray, s: np.ndarray, nu: Mapping[str, np.ndarray], around: str
    ) -> tuple[np.ndarray, np.ndarray]:
        b = self._blocks["mean"]
        q = v[:, b.q]
        x = b.observed[None, :] if around == "observed" else q
        se2 = (self.data.mean_cv * x) ** 2 / self._n_eff(b.base, nu) + s[:, b.q]
        return q, np.sqrt(np.maximum(se2, 1e-300))

    def _statements(
        self, v: np.ndarray, s: np.ndarray, nu: Mapping[str, np.ndarray], as_observed: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Columns of the bounds and orderings and the log-probability that each is as
        observed (``as_observed``) or true."""
        b, o = self._blocks["bound"], self._blocks["ordering"]
        parts = []
        if b.cols.size:
            q = _clip(v[:, b.q])
            n_eff = self._n_eff(b.base, nu)
            total_var = q * (1 - q) / n_eff + s[:, b.q]
            trials = np.clip(q * (1 - q) / total_var, 1.0, n_eff)
            holds = b.observed > 0.5 if as_observed else True
            parts.append(binomial_tail_logprob(b.threshold, trials, q, b.lower, holds))
        if o.cols.size:
            qg, ql = _clip(v[:, o.q]), _clip(v[:, o.ref])
            var = (qg * (1 - qg) / self._n_eff(o.base, nu) + s[:, o.q]
                   + ql * (1 - ql) / self._n_eff(o.base_ref, nu) + s[:, o.ref])  # fmt: skip
            z = (qg - ql) / np.sqrt(var)
            if as_observed:
                z = np.where(o.observed > 0.5, z, -z)
            parts.append(log_ndtr(z))
        cols = np.concatenate([b.cols, o.cols])
        if not parts:
            return cols, np.empty((v.shape[0], 0))
        return cols, np.concatenate(parts, axis=1)

    # --- public ---

    def logliks(
        self, values: np.ndarray, sim_var: np.ndarray | float, nuisance: Mapping[str, Any]
    ) -> np.ndarray:
        """Log-likelihood of each scored observation, (m, n_obs), in the order of
        :attr:`ids`.  A NaN model quantity gives NaN.  A share's is the log-density of the
        observed share ``p``: the (beta-)binomial probability of ``k = p n`` times the
        Jacobian ``n`` (``n = base / design_effect``: without it a larger design effect,
        fewer trials, always scored higher, and the design effect went to its bound)."""
        v, s, nu = self._inputs(values, sim_var, nuisance)
        out = np.empty((v.shape[0], self.n_obs))
        cols, q, var, n, p = self._shares(v, s, nu)
        if cols.size:
            out[:, cols] = beta_binomial_loglik(p[None, :] * n, n, q, var) + np.log(n)
        b = self._blocks["mean"]
        if b.cols.size:
            mean, se = self._mean_parts(v, s, nu, "observed")
            z = (b.observed[None, :] - mean) / se
            out[:, b.cols] = -0.5 * z * z - np.log(se) - 0.5 * math.log(2 * math.pi)
        cols, logp = self._statements(v, s, nu, as_observed=True)
        if cols.size:
            out[:, cols] = logp
        nan = np.isnan(v)
        if nan.any():
            out[np.isnan(self._spread(v))] = np.nan
        return out

    def _spread(self, v: np.ndarray) -> np.ndarray:
        """(m, n_obs): NaN where an observation reads a NaN quantity."""
        out = np.zeros((v.shape[0], self.n_obs))
        position = {name: j for j, name in enumerate(self.names)}
        for c, i in enumerate(self.index):
            for q in self.data.quantities[i]:
                out[:, c] += v[:, position[q]]
        return out

    def total(
        self, values: np.ndarray, sim_var: np.ndarray | float, nuisance: Mapping[str, Any]
    ) -> np.ndarray:
        """Sum of :meth:`logliks` over the scored observations, (m,); ``-inf`` for a set
        whose model cannot answer a scored observation (a NaN quantity)."""
        t = self.logliks(values, sim_var, nuisance).sum(axis=1)
        return np.where(np.isnan(t), -np.inf, t)

    def saturated(self, nuisance: Mapping[str, Any]) -> np.ndarray:
        """The log-likelihood at ``q = observed`` with no model noise, (m, n_obs): the best
        any model can do.  A statement's is 0 (the model makes it certain)."""
        m = max((np.size(nuisance[k]) for k in self.nuisance_names), default=1)
        v, s, nu = self._inputs(np.full((m, len(self.names)), 0.5), 0.0, nuisance)
        out = np.zeros((m, self.n_obs))
        cols, _, _, n, p = self._shares(v, s, nu)
        if cols.size:
            out[:, cols] = (binomial_loglik(p[None, :] * n, n, np.broadcast_to(p, n.shape))
                            + np.log(n))  # the same Jacobian as logliks  # fmt: skip
        b = self._blocks["mean"]
        if b.cols.size:
            _, se = self._mean_parts(v, s, nu, "observed")
            out[:, b.cols] = -np.log(se) - 0.5 * math.log(2 * math.pi)
        return out

    def deviance(
        self, values: np.ndarray, sim_var: np.ndarray | float, nuisance: Mapping[str, Any]
    ) -> np.ndarray:
        """``2 (saturated - loglik)`` of each observation, (m, n_obs): 0 is a perfect fit."""
        ll = self.logliks(values, sim_var, nuisance)
        m = ll.shape[0]
        nu = {k: np.broadcast_to(np.asarray(nuisance[k], dtype=float), (m,))
              for k in self.nuisance_names}  # fmt: skip
        return 2.0 * (self.saturated(nu) - ll)

    def model_noise_var(self, values: np.ndarray, group_n: np.ndarray) -> np.ndarray:
        """The binomial noise of each model quantity computed over ``group_n`` model firms,
        (m, Q): ``q(1-q)/group_n`` for shares, ``(cv q)^2/group_n`` for mean gains; infinite
        where ``group_n`` is 0.  A convenience for callers that run the model itself;
        :class:`EvidenceError` for a NaN ``group_n`` (``survey.ask`` gives none for an
        ordering: each side needs the size of its own group)."""
        v = np.atleast_2d(np.asarray(values, dtype=float))
        n = np.broadcast_to(np.asarray(group_n, dtype=float), v.shape)
        if np.isnan(n).any():
            bad = self.names[int(np.argwhere(np.isnan(n))[0][1])]
            raise EvidenceError(f"Likelihood.model_noise_var: key 'group_n': NaN for {bad!r}; "
                                "give the number of model firms each quantity is computed "
                                "over")  # fmt: skip
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _clip(v) * (1 - _clip(v)) / n
            if self._mean_quantities.size:
                k = self._mean_quantities
                out[:, k] = (self.data.mean_cv * v[:, k]) ** 2 / n[:, k]
        return np.where(n > 0, out, np.inf)

    def predictive(
        self,
        values: np.ndarray,
        sim_var: np.ndarray | float,
        nuisance: Mapping[str, Any],
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Synthetic observed values of the scored observations, (m, n_obs), one study per
        set, from the same bases and measurement as the likelihood: shares drawn
        beta-binomial on ``round(n_eff)`` trials (the share returned), means normal,
        statements true (1.0) or false (0.0) with the probability the likelihood gives."""
        v, s, nu = self._inputs(values, sim_var, nuisance)
        out = np.empty((v.shape[0], self.n_obs))
        cols, q, var, n, _ = self._shares(v, s, nu)
        if cols.size:
            q = _clip(q)
            trials = np.maximum(np.rint(n), 1.0)
            phi = _phi(q, trials, var)
            share = np.where(var > 0, rng.beta(q * phi, (1 - q) * phi), q)
            out[:, cols] = rng.binomial(trials.astype(np.int64), share) / trials
        b = self._blocks["mean"]
        if b.cols.size:
            mean, se = self._mean_parts(v, s, nu, "model")
            out[:, b.cols] = rng.normal(mean, se)
        cols, log_true = self._statements(v, s, nu, as_observed=False)
        if cols.size:
            out[:, cols] = (rng.random(log_true.shape) < np.exp(log_true)).astype(float)
        return out

    def draw(
        self,
        values: np.ndarray,
        sim_var: np.ndarray | float,
        nuisance: Mapping[str, float],
        rng: np.random.Generator,
    ) -> StudyData:
        """A synthetic study (every observation of the data, whatever ``use``) from one set
        of model quantities ``values`` (Q,): for simulation-based calibration and
        posterior-predictive checks (see :meth:`predictive`)."""
        if self._everything is None:
            self._everything = (self if self.use is None
                                else Likelihood(self.data, self.names, use=None))  # fmt: skip
        v = np.asarray(values, dtype=float).reshape(1, -1)
        s = np.asarray(sim_var, dtype=float)
        s = s.reshape(1, -1) if s.ndim else s
        drawn = self._everything.predictive(v, s, dict(nuisance), rng)[0]
        return self.data.with_observed(drawn)


def conditional_share(
    num: np.ndarray, den: np.ndarray, var_num: np.ndarray, var_den: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The share ``r = a / e`` of the firms of a nested stage among those of the stage before
    (``a``: the nested share of all, ``e``: the enclosing one), and its variance by the delta
    method: ``Var(r) = (Var a - 2 r Cov(a, e) + r^2 Var e) / e^2``, with the correlation of
    nested shares of one sample, ``sqrt(a (1-e) / (e (1-a)))``; for binomial variances on N
    firms it gives the conditional binomial's ``r (1-r) / (e N)`` exactly."""
    a, e = _clip(num), _clip(den)
    r = np.clip(a / e, EPS, 1.0 - EPS)
    corr = np.sqrt(np.clip(a * (1 - e) / (e * (1 - a)), 0.0, 1.0))
    cov = corr * np.sqrt(var_num * var_den)
    var = (var_num - 2.0 * r * cov + r * r * var_den) / (e * e)
    return r, np.maximum(var, 0.0)


def _series_prediction(
    m: Measurement, q: np.ndarray, var: np.ndarray, nu: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The row's predicted figure (the link of :func:`series.predict`, linear in ``q``) and
    the model's noise carried through its slope."""
    values = {name: nu[name] for name in m.nuisance}
    pred = predict(m, q, values)
    slope = predict(m, 1.0, values) - predict(m, 0.0, values)
    return np.asarray(pred, dtype=float), np.asarray(slope, dtype=float) ** 2 * var
