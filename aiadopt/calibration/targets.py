"""Calibration and validation targets read from the 2025 survey (``targets.toml``).

The study (Publicis Sapient France, March 2025: 231 decision-makers of French firms with 100+
employees, 114 Technique and 117 Business respondents) prints weighted percentages over raw
bases.  ``targets.toml`` holds one entry per quantitative statement the model can speak to;
this module loads it into frozen :class:`Target` records and checks the file strictly, so
that a typo in a group, metric or category fails at load time rather than silently
producing a target the simulated survey can never match.

It also gives the study's own sampling uncertainty: an effective sample size
``n_eff = n / deff`` (``deff`` is an assumed design effect for the post-stratification
weights, 1.3 by default, see ``[meta]``) and a 95% interval - Wilson for proportions, normal
with ``se = cv * value / sqrt(n_eff)`` for means (``cv`` assumed 1.0 by default).

Vocabularies (groups, metrics, categories) are documented at the top of ``targets.toml`` and
defined here in :data:`GROUP_ATOMS`, :data:`METRICS` and :data:`CATEGORY_VOCABULARIES`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pandas as pd

__all__ = [
    "CATEGORY_VOCABULARIES",
    "GROUP_ATOMS",
    "KINDS",
    "METRICS",
    "USES",
    "Target",
    "TargetsError",
    "TargetsMeta",
    "calibration_targets",
    "effective_n",
    "load_meta",
    "load_targets",
    "study_interval",
    "targets_frame",
    "validation_targets",
    "wilson_interval",
]

PACKAGED_FILE = "targets.toml"

# --- vocabularies ------------------------------------------------------------------------------

#: Atoms of the ``group`` field; a group is one atom or several joined by ``&`` (intersection).
GROUP_ATOMS: dict[str, str] = {
    "all": "every respondent (231)",
    "technique": "Technique respondents (114)",
    "business": "Business respondents (117)",
    "not_engaged": "not engaged and no plan within 12 months (107 raw, 52%)",
    "engaged": "engaged or planning within 12 months: stage planned or later (124 raw, 48%)",
    "planned": "engaged, plans within 12 months only (study: 'Prévu (12 PM)')",
    "in_progress": "study 'en cours': model stage experimenting",
    "in_place": "study 'en place': model stages deployed or scaled (the most mature firms)",
    "in_place_or_in_progress": "in progress or in place (68 raw, 29%)",
    "outsourcing": "engaged, outsourcing all or part of the deployment (115 raw, 41%)",
    "collaborative": "in place or in progress, Technique and Business collaborate (49 raw, 21%)",
    "non_collaborative": "in place or in progress, no Technique/Business collaboration",
    "tripartite": "in place or in progress, tripartite strategy",
    "size_100_249": "firms of 100-249 employees",
    "size_250_499": "firms of 250-499 employees",
    "size_500_plus": "firms of 500 employees or more",
}

#: Category vocabularies, by name.
CATEGORY_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "stages": ("not_engaged", "planned", "experimenting", "deployed", "scaled"),
    "obstacles": ("utility", "skills", "security", "regulation", "finance"),
    "use_cases": (
        "content",
        "personalisation",
        "customer_knowledge",
        "roi_measurement",
        "test_automation",
        "infrastructure",
    ),
    "strategy": ("none", "ad_hoc_requests", "ad_hoc_capacity", "tripartite"),
    "outsourcing": ("none", "partial", "all"),
    "outsourcing_reasons": ("skills", "complexity", "provider_quality"),
    "provider_manager": ("pair", "technique", "business"),
    "actions": (
        "outsourcing",
        "outsource_all",
        "training",
        "external_experts",
        "dedicated_staff",
        "new_roles_internal",
        "new_roles_external",
    ),
    "collaboration": ("balanced", "technique_led", "business_led", "none"),
    "collab_difficulties": ("misestimates", "communication", "organisation"),
    "gains": ("productivity", "cost", "revenue"),
    "factor_counts": ("zero", "one", "two", "three_plus"),
}


@dataclass(frozen=True)
class MetricSpec:
    """A model quantity: its category vocabulary (``None``: no category) and its scale.

    ``scale`` is ``"share"`` (a proportion in [0, 1]) or ``"percent"`` (a mean gain in
    percent, e.g. 7.6 for +7.6%).
    """

    vocabulary: str | None
    scale: str
    description: str


#: The model quantities a target may name.
METRICS: dict[str, MetricSpec] = {
    "stage_share": MetricSpec("stages", "share", "share of the group at the reported stage(s)"),
    "deployed_view": MetricSpec(
        "stages", "share", "stage reported by the respondents of one function"
    ),
    "obstacle_prevalence": MetricSpec("obstacles", "share", "share citing the obstacle"),
    "usecase_interest": MetricSpec("use_cases", "share", "share finding the use case interesting"),
    "usecase_most_interesting": MetricSpec(
        "use_cases", "share", "share naming the use case the most interesting (single answer)"
    ),
    "usecase_in_place": MetricSpec("use_cases", "share", "share with the use case in place"),
    "strategy_share": MetricSpec("strategy", "share", "share by AI strategy"),
    "outsourcing_share": MetricSpec("outsourcing", "share", "share by outsourcing mode"),
    "outsourcing_reason": MetricSpec(
        "outsourcing_reasons", "share", "share citing a reason not to rely on internal resources"
    ),
    "provider_manager_share": MetricSpec(
        "provider_manager", "share", "share by manager of the external providers"
    ),
    "action_share": MetricSpec("actions", "share", "share having taken (or planning) the action"),
    "collaboration_share": MetricSpec("collaboration", "share", "share by collaboration mode"),
    "collab_difficulty_share": MetricSpec(
        "collab_difficulties", "share", "share of collaborating firms citing the difficulty"
    ),
    "gain_expected": MetricSpec("gains", "percent", "mean expected gain, percent"),
    "gain_realised": MetricSpec("gains", "percent", "mean realised gain, percent"),
    "agentic_awareness": MetricSpec(None, "share", "share having heard of agentic AI"),
    "success_factors": MetricSpec(
        "factor_counts",
        "share",
        "share by number of the six success factors of text p.6 held (tripartite strategy, "
        "providers managed by the pair, training, dedicated staff, new roles, balanced "
        "collaboration as reported)",
    ),
}

KINDS: tuple[str, ...] = ("proportion", "mean", "bound", "ordering")
USES: tuple[str, ...] = ("calibration", "validation")
BOUNDS: tuple[str, ...] = ("lower", "upper")

#: Range allowed for ``value`` by metric scale (means are gains in percent).
SCALE_RANGES: dict[str, tuple[float, float]] = {"share": (0.0, 1.0), "percent": (-100.0, 100.0)}

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIGURE_RE = re.compile(r"^(Figure [1-9][0-9]?( base)?|text p\.[1-9][0-9]?)$")
_EXPR_RE = re.compile(r"^(?P<metric>[a-z_]+)(:(?P<category>[a-z_+]+))?@(?P<group>[a-z0-9_&]+)$")


class TargetsError(ValueError):
    """A targets file breaks a rule; the message names the file, the target and the key."""


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One statement of the study, as a calibration or validation target.

    ``value`` is a weighted proportion in [0, 1] or a mean gain in percent; ``base_n`` is the
    raw respondent count the study prints for the base and ``base_n_assumed`` the count
    assumed when it prints none (never both). Orderings carry ``greater``/``lesser`` instead
    of ``group``/``category``/``value``, and the raw base of each side
    (``base_n_greater``/``base_n_lesser``, printed or assumed as the note says) where the
    side is an expression rather than a target with a base of its own.
    """

    id: str
    figure: str
    page: int
    question: str
    base_label: str
    kind: str
    metric: str
    use: str
    note: str
    group: str | None = None
    category: str | None = None
    value: float | None = None
    base_n: int | None = None
    base_n_assumed: int | None = None
    base_weighted_share: float | None = None
    bound: str | None = None
    greater: str | None = None
    lesser: str | None = None
    base_n_greater: int | None = None
    base_n_lesser: int | None = None
    text: str | None = None

    @property
    def n(self) -> int | None:
        """Raw base count: printed if available, else assumed, else ``None``."""
        return self.base_n if self.base_n is not None else self.base_n_assumed

    @property
    def n_is_assumed(self) -> bool:
        """Whether :attr:`n` comes from ``base_n_assumed`` rather than the study."""
        return self.base_n is None and self.base_n_assumed is not None

    @property
    def group_atoms(self) -> tuple[str, ...]:
        """Atoms of the group (``"engaged&technique"`` -> ``("engaged", "technique")``)."""
        return tuple(self.group.split("&")) if self.group else ()

    @property
    def categories(self) -> tuple[str, ...]:
        """Pooled categories (``"deployed+scaled"`` -> ``("deployed", "scaled")``)."""
        return tuple(self.category.split("+")) if self.category else ()

    def n_eff(self, deff: float | None = None) -> float:
        """Effective sample size ``n / deff``.

        ``deff`` defaults to ``default_design_effect`` of the PACKAGED file's ``[meta]``
        (1.3, an assumption: the study does not publish its weights).
        """
        if self.n is None:
            raise ValueError(f"target {self.id!r} has no base count (kind {self.kind!r})")
        return effective_n(self.n, _default_deff() if deff is None else deff)


@dataclass(frozen=True)
class TargetsMeta:
    """The ``[meta]`` table: source, fieldwork, sample sizes and the likelihood defaults."""

    version: str
    title: str
    publisher: str
    source: str
    fieldwork_start: dt.date
    fieldwork_end: dt.date
    survey_date: str
    mode: str
    population: str
    weighting: str
    n_total: int
    n_technique: int
    n_business: int
    default_design_effect: float
    default_mean_cv: float


_TARGET_FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(Target)}
_META_FIELDS: dict[str, dataclasses.Field[Any]] = {
    f.name: f for f in dataclasses.fields(TargetsMeta)
}
_COMMON_REQUIRED = (
    "id",
    "figure",
    "page",
    "question",
    "base_label",
    "kind",
    "metric",
    "use",
    "note",
)
_REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    "proportion": ("group", "value"),
    "mean": ("group", "value"),
    "bound": ("group", "value", "bound", "text"),
    "ordering": ("greater", "lesser", "text"),
}
_FORBIDDEN_BY_KIND: dict[str, tuple[str, ...]] = {
    "proportion": ("bound", "greater", "lesser", "base_n_greater", "base_n_lesser"),
    "mean": ("bound", "greater", "lesser", "base_n_greater", "base_n_lesser"),
    "bound": ("greater", "lesser", "base_n_greater", "base_n_lesser"),
    "ordering": (
        "group",
        "category",
        "value",
        "bound",
        "base_n",
        "base_n_assumed",
        "base_weighted_share",
    ),
}
_EXPECTED_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "figure": (str,),
    "page": (int,),
    "question": (str,),
    "base_label": (str,),
    "kind": (str,),
    "metric": (str,),
    "use": (str,),
    "note": (str,),
    "group": (str,),
    "category": (str,),
    "value": (int, float),
    "base_n": (int,),
    "base_n_assumed": (int,),
    "base_weighted_share": (int, float),
    "bound": (str,),
    "greater": (str,),
    "lesser": (str,),
    "base_n_greater": (int,),
    "base_n_lesser": (int,),
    "text": (str,),
}
_META_TYPES: dict[str, tuple[type, ...]] = {
    "version": (str,),
    "title": (str,),
    "publisher": (str,),
    "source": (str,),
    "fieldwork_start": (dt.date,),
    "fieldwork_end": (dt.date,),
    "survey_date": (str,),
    "mode": (str,),
    "population": (str,),
    "weighting": (str,),
    "n_total": (int,),
    "n_technique": (int,),
    "n_business": (int,),
    "default_design_effect": (int, float),
    "default_mean_cv": (int, float),
}


# --- loading and validation ---------------------------------------------------------------------


def _packaged_path() -> Path:
    return Path(str(resources.files("aiadopt.calibration").joinpath(PACKAGED_FILE)))


class _Checker:
    """Raises :class:`TargetsError` with a uniform ``file: where: key: problem`` message."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, key: str | None, problem: str) -> TargetsError:
        key_part = f"key '{key}': " if key else ""
        return TargetsError(f"{self.source}: {where}: {key_part}{problem}")


def _where(index: int, raw: Mapping[str, Any]) -> str:
    tid = raw.get("id")
    return f"target '{tid}' (index {index})" if isinstance(tid, str) else f"target index {index}"


def _type_ok(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # bool is an int subclass; never a valid value here
        return False
    if types == (dt.date,):
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, types)


def _type_name(types: tuple[type, ...]) -> str:
    names = {int: "integer", float: "float", str: "string", dt.date: "date"}
    return " or ".join(names[t] for t in types)


def _check_group(chk: _Checker, where: str, key: str, group: str) -> None:
    atoms = group.split("&")
    unknown = [a for a in atoms if a not in GROUP_ATOMS]
    if unknown:
        raise chk.fail(
            where,
            key,
            f"unknown group atom(s) {', '.join(repr(a) for a in unknown)} in {group!r}; "
            f"allowed atoms (joined by '&'): {', '.join(GROUP_ATOMS)}",
        )
    if len(set(atoms)) != len(atoms):
        raise chk.fail(where, key, f"repeated atom in group {group!r}")
    if "all" in atoms and len(atoms) > 1:
        raise chk.fail(where, key, f"'all' cannot be combined with other atoms in {group!r}")


def _check_category(chk: _Checker, where: str, key: str, metric: str, category: str | None) -> None:
    vocab_name = METRICS[metric].vocabulary
    if vocab_name is None:
        if category is not None:
            raise chk.fail(where, key, f"metric {metric!r} takes no category, got {category!r}")
        return
    allowed = CATEGORY_VOCABULARIES[vocab_name]
    if category is None:
        raise chk.fail(
            where,
            key,
            f"missing category for metric {metric!r}; allowed ({vocab_name}, '+' pools): "
            f"{', '.join(allowed)}",
        )
    parts = category.split("+")
    unknown = [p for p in parts if p not in allowed]
    if unknown:
        raise chk.fail(
            where,
            key,
            f"unknown category {', '.join(repr(p) for p in unknown)} for metric {metric!r}; "
            f"allowed ({vocab_name}, '+' pools): {', '.join(allowed)}",
        )
    if len(set(parts)) != len(parts):
        raise chk.fail(where, key, f"repeated category in {category!r}")


def _check_target(chk: _Checker, index: int, raw: Any) -> Target:
    if not isinstance(raw, Mapping):
        raise chk.fail(f"target index {index}", None, "each [[target]] must be a table")
    where = _where(index, raw)

    unknown = sorted(set(raw) - set(_TARGET_FIELDS))
    if unknown:
        raise chk.fail(where, unknown[0], f"unknown key; allowed keys: {', '.join(_TARGET_FIELDS)}")
    for key in _COMMON_REQUIRED:
        if key not in raw:
            raise chk.fail(where, key, "missing required key")
    for key, value in raw.items():
        if not _type_ok(value, _EXPECTED_TYPES[key]):
            raise chk.fail(
                where,
                key,
                f"expected {_type_name(_EXPECTED_TYPES[key])}, got {type(value).__name__} "
                f"{value!r}",
            )

    if not _ID_RE.match(raw["id"]):
        raise chk.fail(where, "id", f"{raw['id']!r} is not snake_case ([a-z][a-z0-9_]*)")
    if not _FIGURE_RE.match(raw["figure"]):
        raise chk.fail(
            where,
            "figure",
            f"{raw['figure']!r}; allowed forms: 'Figure N', 'Figure N base', 'text p.N'",
        )
    if raw["page"] < 1:
        raise chk.fail(where, "page", f"{raw['page']} is not a printed page number (>= 1)")
    kind = raw["kind"]
    if kind not in KINDS:
        raise chk.fail(where, "kind", f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    use = raw["use"]
    if use not in USES:
        raise chk.fail(where, "use", f"unknown use {use!r}; allowed: {', '.join(USES)}")
    metric = raw["metric"]
    if metric not in METRICS:
        raise chk.fail(where, "metric", f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}")

    for key in _REQUIRED_BY_KIND[kind]:
        if key not in raw:
            raise chk.fail(where, key, f"missing key required for kind {kind!r}")
    for key in _FORBIDDEN_BY_KIND[kind]:
        if key in raw:
            raise chk.fail(where, key, f"not allowed for kind {kind!r}")

    if kind != "ordering":
        _check_group(chk, where, "group", raw["group"])
        _check_category(chk, where, "category", metric, raw.get("category"))
        scale = METRICS[metric].scale
        if kind == "proportion" and scale != "share":
            raise chk.fail(
                where, "metric", f"kind 'proportion' needs a share metric, {metric!r} is {scale}"
            )
        if kind == "mean" and scale != "percent":
            raise chk.fail(
                where, "metric", f"kind 'mean' needs a percent metric, {metric!r} is {scale}"
            )
        lo, hi = SCALE_RANGES[scale]
        value = float(raw["value"])
        if not (math.isfinite(value) and lo <= value <= hi):
            raise chk.fail(
                where,
                "value",
                f"{raw['value']!r} out of range for kind {kind!r} on a {scale} metric; "
                f"allowed: [{lo}, {hi}]",
            )
        if kind == "bound" and raw["bound"] not in BOUNDS:
            raise chk.fail(
                where, "bound", f"unknown bound {raw['bound']!r}; allowed: {', '.join(BOUNDS)}"
            )

    if "base_n" in raw and "base_n_assumed" in raw:
        raise chk.fail(where, "base_n_assumed", "give base_n (printed) or base_n_assumed, not both")
    if kind in ("proportion", "mean") and "base_n" not in raw and "base_n_assumed" not in raw:
        raise chk.fail(where, "base_n", f"missing: kind {kind!r} needs base_n or base_n_assumed")
    for key in ("base_n", "base_n_assumed", "base_n_greater", "base_n_lesser"):
        if key in raw and raw[key] < 1:
            raise chk.fail(where, key, f"{raw[key]} is not a positive count")
    if "base_weighted_share" in raw:
        share = float(raw["base_weighted_share"])
        if not 0.0 < share <= 1.0:
            raise chk.fail(where, "base_weighted_share", f"{share!r} out of range; allowed: (0, 1]")

    values = dict(raw)
    for key in ("value", "base_weighted_share"):
        if key in values:
            values[key] = float(values[key])
    return Target(**values)


def _check_side(
    chk: _Checker, where: str, key: str, side: str, target: Target, by_id: Mapping[str, Target]
) -> None:
    if _ID_RE.match(side) and "@" not in side:
        other = by_id.get(side)
        if other is None:
            raise chk.fail(
                where,
                key,
                f"{side!r} is neither a target id of this file nor an expression "
                "'metric:category@group'",
            )
        if other.id == target.id or other.kind == "ordering":
            raise chk.fail(where, key, f"{side!r} must name another, non-ordering target")
        if other.metric != target.metric:
            raise chk.fail(
                where, key, f"{side!r} has metric {other.metric!r}, expected {target.metric!r}"
            )
        return
    match = _EXPR_RE.match(side)
    if match is None:
        raise chk.fail(
            where,
            key,
            f"{side!r} is neither a target id nor an expression 'metric:category@group'",
        )
    if match["metric"] != target.metric:
        raise chk.fail(
            where,
            key,
            f"{side!r} uses metric {match['metric']!r}; both sides must use {target.metric!r}",
        )
    _check_group(chk, where, key, match["group"])
    _check_category(chk, where, key, target.metric, match["category"])


def _check_meta(chk: _Checker, raw: Any) -> TargetsMeta:
    if not isinstance(raw, Mapping):
        raise chk.fail("[meta]", None, "missing or not a table")
    unknown = sorted(set(raw) - set(_META_FIELDS))
    if unknown:
        raise chk.fail("[meta]", unknown[0], f"unknown key; allowed: {', '.join(_META_FIELDS)}")
    for key, types in _META_TYPES.items():
        if key not in raw:
            raise chk.fail("[meta]", key, "missing required key")
        if not _type_ok(raw[key], types):
            raise chk.fail("[meta]", key, f"expected {_type_name(types)}, got {raw[key]!r}")
    if raw["default_design_effect"] < 1.0:
        raise chk.fail("[meta]", "default_design_effect", "must be >= 1 (no weighting gain)")
    if raw["default_mean_cv"] <= 0.0:
        raise chk.fail("[meta]", "default_mean_cv", "must be > 0")
    if raw["n_technique"] + raw["n_business"] != raw["n_total"]:
        raise chk.fail("[meta]", "n_total", "must equal n_technique + n_business")
    values = dict(raw)
    values["default_design_effect"] = float(values["default_design_effect"])
    values["default_mean_cv"] = float(values["default_mean_cv"])
    return TargetsMeta(**values)


def _parse(path: Path) -> tuple[TargetsMeta, tuple[Target, ...]]:
    chk = _Checker(str(path))
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError(f"{path}: not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"meta", "target"})
    if unknown:
        raise chk.fail("top level", unknown[0], "unknown table; allowed: meta, target")
    meta = _check_meta(chk, data.get("meta"))
    raw_targets = data.get("target")
    if not isinstance(raw_targets, list) or not raw_targets:
        raise chk.fail("top level", "target", "missing: at least one [[target]] is required")

    targets: list[Target] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_targets):
        target = _check_target(chk, index, raw)
        if target.id in seen:
            raise chk.fail(
                _where(index, raw), "id", f"duplicate id (first at index {seen[target.id]})"
            )
        seen[target.id] = index
        for key in ("base_n", "base_n_assumed", "base_n_greater", "base_n_lesser"):
            count = getattr(target, key)
            if count is not None and count > meta.n_total:
                raise chk.fail(_where(index, raw), key, f"{count} exceeds n_total = {meta.n_total}")
        targets.append(target)

    by_id = {t.id: t for t in targets}
    for index, target in enumerate(targets):
        if target.kind != "ordering":
            continue
        where = f"target '{target.id}' (index {index})"
        assert target.greater is not None and target.lesser is not None
        _check_side(chk, where, "greater", target.greater, target, by_id)
        _check_side(chk, where, "lesser", target.lesser, target, by_id)
        if target.greater == target.lesser:
            raise chk.fail(where, "lesser", "greater and lesser name the same quantity")
    return meta, tuple(targets)


@functools.lru_cache(maxsize=1)
def _packaged() -> tuple[TargetsMeta, tuple[Target, ...]]:
    return _parse(_packaged_path())


def _load(path: str | Path | None) -> tuple[TargetsMeta, tuple[Target, ...]]:
    return _packaged() if path is None else _parse(Path(path))


def load_targets(path: str | Path | None = None) -> list[Target]:
    """Load and check the targets of ``path`` (default: the packaged ``targets.toml``).

    Raises :class:`TargetsError` naming the file, the target id (or index) and the key when
    the file has unknown or missing keys, duplicate ids, a value out of range for its kind,
    or a group, use, kind, metric, category or ordering side outside the vocabularies.
    """
    return list(_load(path)[1])


def load_meta(path: str | Path | None = None) -> TargetsMeta:
    """The ``[meta]`` table of ``path`` (default: the packaged file), checked like the targets."""
    return _load(path)[0]


def _default_deff() -> float:
    return _packaged()[0].default_design_effect


def calibration_targets(targets: Iterable[Target] | None = None) -> list[Target]:
    """Targets with ``use = "calibration"`` (of ``targets``, default the packaged file)."""
    pool = load_targets() if targets is None else targets
    return [t for t in pool if t.use == "calibration"]


def validation_targets(targets: Iterable[Target] | None = None) -> list[Target]:
    """Targets with ``use = "validation"``: held out, never to enter the fit."""
    pool = load_targets() if targets is None else targets
    return [t for t in pool if t.use == "validation"]


def targets_frame(targets: Sequence[Target] | None = None) -> pd.DataFrame:
    """One row per target, one column per :class:`Target` field plus ``n`` (raw base used)."""
    pool = load_targets() if targets is None else targets
    columns = [*_TARGET_FIELDS, "n"]
    rows = [{**dataclasses.asdict(t), "n": t.n} for t in pool]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("page", "base_n", "base_n_assumed", "base_n_greater", "base_n_lesser", "n"):
        frame[col] = frame[col].astype("Int64")
    return frame


# --- the study's sampling uncertainty -----------------------------------------------------------


def effective_n(n: float, deff: float) -> float:
    """Effective sample size ``n / deff`` of a weighted base of ``n`` raw respondents."""
    if n <= 0:
        raise ValueError(f"n must be > 0, got {n}")
    if deff < 1.0:
        raise ValueError(f"design effect must be >= 1, got {deff}")
    return n / deff


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def wilson_interval(p: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Two-sided Wilson score interval for a proportion ``p`` observed on ``n`` trials.

    ``n`` may be fractional (an effective sample size).  No continuity correction; for
    integer ``n`` and ``p = k / n`` this equals ``scipy.stats.binomtest(k, n)
    .proportion_ci(level, method="wilson")``.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if n <= 0:
        raise ValueError(f"n must be > 0, got {n}")
    z = _z(level)
    z2 = z * z
    denom = 2.0 * (n + z2)
    center = (2.0 * n * p + z2) / denom
    half = z * math.sqrt(z2 + 4.0 * n * p * (1.0 - p)) / denom
    return max(0.0, center - half), min(1.0, center + half)


def study_interval(
    target: Target,
    deff: float | None = None,
    level: float = 0.95,
    mean_cv: float | None = None,
) -> tuple[float, float]:
    """The study's ``level`` interval for ``target`` from its effective sample size.

    Proportions: Wilson interval on ``n_eff = n / deff``.  Means: ``value +- z * se`` with
    ``se = mean_cv * value / sqrt(n_eff)`` - an ASSUMPTION (the study prints no dispersion;
    ``mean_cv`` defaults to ``[meta].default_mean_cv`` = 1.0, a respondent-level standard
    deviation equal to the mean).  ``deff`` defaults to ``[meta].default_design_effect``.
    Bounds and orderings have no sampling model: :class:`ValueError`.
    """
    if target.kind not in ("proportion", "mean"):
        raise ValueError(f"target {target.id!r} is a {target.kind}: it has no sampling interval")
    assert target.value is not None
    n_eff = target.n_eff(deff)
    if target.kind == "proportion":
        return wilson_interval(target.value, n_eff, level)
    cv = _packaged()[0].default_mean_cv if mean_cv is None else mean_cv
    if cv <= 0:
        raise ValueError(f"mean_cv must be > 0, got {cv}")
    se = cv * abs(target.value) / math.sqrt(n_eff)
    z = _z(level)
    return target.value - z * se, target.value + z * se
