"""Library side of the command line: run the model and save its outputs, list and write parameters.

Each command of ``aiadopt`` (see :mod:`aiadopt.cli`) calls one function here, so everything the
command line does can also be done from Python::

    from aiadopt.runs import run_and_save
    result = run_and_save(seed=42, until="2027-12", out_dir="out", n_firms=2_000)
    result.tidy            # the tidy trajectories: date, metric, group, value
    print(result.summary())

Outputs of a run (all written atomically: to a temporary name in the output folder, renamed
only once every file is complete, so an error leaves no half-written file):

- ``trajectories.parquet``: the tidy trajectories; the schema metadata carries the package
  version, the parameter hash, the seed and the parameters (keys ``aiadopt.*``);
- ``trajectories.csv``: the same table as CSV (its metadata is in ``run.toml``);
- ``run.toml``: the parameters used (``[params]``, loadable by ``Params.from_toml`` and so by
  ``aiadopt run --params``) and the run's metadata (``[meta]``);
- ``stage_shares.png``: stacked areas of the stage shares over time (PNG text chunks carry the
  same metadata).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import textwrap
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from . import __version__
from .model import AdoptionModel, Params
from .model.clock import SURVEY_MONTH, month_index, months_between, step_to_month
from .model.params import describe_parameters
from .model.stages import Stage, label

__all__ = [
    "DEFAULT_OUT_DIR",
    "OUTPUT_FILES",
    "RunError",
    "RunResult",
    "default_params",
    "default_params_with_source",
    "format_parameters",
    "param_hash",
    "plot_stage_shares",
    "read_parquet_metadata",
    "run_and_save",
    "write_params_file",
]

DEFAULT_OUT_DIR = "aiadopt-out"
"""Output folder of ``aiadopt run`` when ``--out`` is not given (relative to the working dir)."""

OUTPUT_FILES = {
    "parquet": "trajectories.parquet",
    "csv": "trajectories.csv",
    "toml": "run.toml",
    "png": "stage_shares.png",
}
"""The files a run writes, by kind."""

FITTED_RESOURCE = ("aiadopt", "calibration/fitted.toml")
"""Where the calibration ships its fitted parameters: package, then path inside it (looked up
without importing ``aiadopt.calibration``)."""

STAGE_METRICS = [f"stage_share.{label(s)}" for s in Stage]
"""Stage-share metrics in stage order (not engaged first)."""

_MONTH = re.compile(r"^\d{4}-\d{2}$")


class RunError(ValueError):
    """A run cannot be set up as asked (e.g. ``until`` before the start, output not a folder)."""


# --- parameters -----------------------------------------------------------------------------------
def default_params_with_source() -> tuple[Params, str]:
    """The parameters ``aiadopt run`` uses by default, and a phrase saying where they come from.

    The calibration's fitted values (``aiadopt/calibration/fitted.toml``, read with
    importlib.resources) when that file ships with the package, else the built-in defaults
    ``Params()``.
    """
    package, name = FITTED_RESOURCE
    try:
        ref = resources.files(package)
        for part in name.split("/"):
            ref = ref.joinpath(part)
        exists = ref.is_file()
    except (ModuleNotFoundError, FileNotFoundError):
        exists = False
    if exists:
        with resources.as_file(ref) as path:
            return Params.from_toml(path), "fitted calibration (aiadopt/calibration/fitted.toml)"
    return Params(), "built-in defaults Params() (no fitted calibration shipped yet)"


def default_params() -> Params:
    """The fitted parameters (``aiadopt/calibration/fitted.toml``) if shipped, else ``Params()``."""
    return default_params_with_source()[0]


def _canonical_toml(params: Params) -> str:
    return tomli_w.dumps(dict(sorted(params.to_dict().items())))


def param_hash(params: Params) -> str:
    """First 12 hex digits of the SHA-256 of the canonical TOML of ``params`` (sorted keys)."""
    return hashlib.sha256(_canonical_toml(params).encode("utf-8")).hexdigest()[:12]


def _fmt_number(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    if isinstance(x, int) or (x.is_integer() and abs(x) < 1e12):
        return str(int(x))
    return f"{x:g}"


def _fmt_value(v: Any) -> str:
    if isinstance(v, tuple | list):
        return "(" + ", ".join(_fmt_number(x) for x in v) + ")"
    if isinstance(v, str):
        return repr(v)
    return _fmt_number(v)


def _choices() -> dict[str, tuple[str, ...] | None]:
    return {f.name: f.metadata.get("choices") for f in dataclasses.fields(Params)}


def _fmt_range(row: Mapping[str, Any], choices: tuple[str, ...] | None) -> str:
    if choices:
        return "{" + ", ".join(choices) + "}"
    low, high = row["low"], row["high"]
    if low is None and high is None:
        return "-"
    low_s = "" if low is None else _fmt_number(low)
    high_s = "" if high is None else _fmt_number(high)
    return f"[{low_s}, {high_s}]"


def format_parameters(width: int = 100) -> str:
    """Every parameter with its default, allowed range, unit and source, as indented text.

    Values that the parameters used by ``aiadopt run`` change (fitted values) are shown after
    an arrow.
    """
    used, source = default_params_with_source()
    rows = describe_parameters()
    choices = _choices()
    lines = [
        f"{len(rows)} parameters; aiadopt run uses: {source}.",
        "Rates are monthly hazards unless the unit says otherwise; a log-effect e multiplies a",
        "hazard by exp(e); vectors follow the order of the enumeration named in the unit.",
        "",
    ]
    wrap = textwrap.TextWrapper(
        width=width, initial_indent="    ", subsequent_indent="      ", break_on_hyphens=False
    )
    for row in rows:
        name = row["name"]
        line = f"{name} = {_fmt_value(row['default'])}"
        value = getattr(used, name)
        if value != row["default"]:
            line += f"  -> {_fmt_value(value)} (fitted)"
        lines.append(line)
        rng = _fmt_range(row, choices.get(name))
        lines.extend(wrap.wrap(f"unit: {row['unit']}" + (f"; range: {rng}" if rng != "-" else "")))
        lines.extend(wrap.wrap(f"source: {row['source']}"))
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    """One value as inline TOML (arrays on one line, unlike tomli_w's default)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in value) + "]"
    return tomli_w.dumps({"x": value}).split("=", 1)[1].strip()


def write_params_file(path: str | os.PathLike[str], *, force: bool = False) -> tuple[Path, str]:
    """Write the parameters ``aiadopt run`` uses by default to a commented TOML file.

    Each parameter comes with its unit, range and source as a comment, so that the file can be
    copied, edited and passed to ``aiadopt run --params``.  Refuses to overwrite an existing
    file unless ``force``.  Returns the path and the phrase saying where the values come from.
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists (use --force to overwrite it)")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file")
    params, source = default_params_with_source()
    choices = _choices()
    lines = [
        f"# Parameters of aiadopt {__version__}: {source}.",
        "# Edit any value, then run:  aiadopt run --params " + path.name,
        "# Keys you delete fall back to the built-in defaults; unknown keys are an error.",
        "# Rates are monthly hazards unless the unit says otherwise; log-effects multiply a",
        "# hazard by e^effect; vectors follow the order of the enumeration named in the unit.",
        "",
        "[meta]",
        f"written_by = {_toml_value(f'aiadopt {__version__} (aiadopt params --write)')}",
        f"values_from = {_toml_value(source)}",
        "",
        "[params]",
    ]
    wrap = textwrap.TextWrapper(
        width=98, initial_indent="# ", subsequent_indent="#   ", break_on_hyphens=False
    )
    values = params.to_dict()
    for row in describe_parameters():
        name = row["name"]
        rng = _fmt_range(row, choices.get(name))
        about = f"{row['unit']}" + (f"; range {rng}" if rng != "-" else "")
        lines.extend(wrap.wrap(f"{about}; source: {row['source']}"))
        lines.append(f"{name} = {_toml_value(values[name])}")
        lines.append("")
    text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _atomic(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        if Params.from_toml(tmp) != params:  # the file must say exactly what we meant
            raise RuntimeError(f"{path}: written parameters do not read back equal")
    return path, source


# --- atomic writing -------------------------------------------------------------------------------
def _temp_name(final: Path) -> Path:
    """A unique hidden name beside ``final`` (same folder, so the rename is atomic)."""
    return final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.tmp")


def _discard(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    tmp.with_name(tmp.name + ".tmp").unlink(missing_ok=True)  # Params.to_toml's own temp


@contextlib.contextmanager
def _atomic(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; rename it to ``final`` if the block succeeds."""
    tmp = _temp_name(final)
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        _discard(tmp)
        raise


@dataclass
class Staging:
    """Temporary files in one folder, renamed to their final names together at the end."""

    folder: Path
    pending: list[tuple[Path, Path]] = field(default_factory=list)

    def path(self, name: str) -> Path:
        final = self.folder / name
        tmp = _temp_name(final)
        self.pending.append((tmp, final))
        return tmp


@contextlib.contextmanager
def staged(folder: Path) -> Iterator[Staging]:
    """Write several files into ``folder`` under temporary names (``staging.path(name)``),
    renamed to their final names together only if the block ends without error; on error
    the temporary files are removed and nothing is left half-written."""
    staging = Staging(folder)
    try:
        yield staging
        for tmp, final in staging.pending:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in staging.pending:
            _discard(tmp)
        raise


# --- running --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RunResult:
    """What :func:`run_and_save` did: the trajectories, where they were written, and how."""

    tidy: pd.DataFrame
    paths: dict[str, Path]
    params: Params
    params_source: str
    seed: int
    until: str
    param_hash: str
    meta: dict[str, Any]
    notes: tuple[str, ...] = ()

    @property
    def out_dir(self) -> Path:
        """The folder the outputs were written to."""
        return self.paths["toml"].parent

    def summary(self) -> str:
        """Stage shares at the survey month and the last month, the Technique and Business views
        of "deployed" at the survey month, and the files written, as aligned text."""
        return _summary(self)


def _validate_month(until: str) -> None:
    if not isinstance(until, str) or not _MONTH.match(until):
        raise RunError(f"until must be a month YYYY-MM, got {until!r}")
    try:
        month_index(until)
    except ValueError:
        raise RunError(f"until must be a month YYYY-MM, got {until!r}") from None


def _resolve_params(
    params: Params | str | os.PathLike[str] | None, overrides: Mapping[str, Any]
) -> tuple[Params, str]:
    if params is None:
        resolved, source = default_params_with_source()
    elif isinstance(params, Params):
        resolved, source = params, "parameters given by the caller"
    else:
        resolved, source = Params.from_toml(params), f"file {params}"
    if overrides:
        resolved = resolved.replace(**overrides)
        source += "; overridden: " + ", ".join(f"{k}={v!r}" for k, v in overrides.items())
    return resolved, source


def run_and_save(
    params: Params | str | os.PathLike[str] | None = None,
    seed: int = 42,
    until: str | None = None,
    out_dir: str | os.PathLike[str] = DEFAULT_OUT_DIR,
    progress: bool = True,
    *,
    echo: Callable[[str], None] | None = None,
    **overrides: Any,
) -> RunResult:
    """Run the model and write its outputs (see the module docstring) into ``out_dir``.

    Args:
        params: a ``Params``, the path of a TOML parameter file, or ``None`` for the shipped
            parameters (:func:`default_params`).
        seed: the run's seed.
        until: last month ``YYYY-MM`` (default: the horizon).  Before the start is an error;
            after the horizon extends the horizon to it (noted in ``RunResult.notes``).
        out_dir: output folder, created if needed; existing outputs are replaced.
        progress: show a tqdm progress bar over months (only on a terminal).
        echo: called with one line of text for what is about to happen (e.g. ``print``).
        **overrides: parameters to change by name (``n_firms=300``).

    Raises:
        ParameterError: bad parameter file or override (the message names the file and key).
        RunError: ``until`` malformed or before the start; ``out_dir`` is not a folder.
    """
    say = echo or (lambda _line: None)
    params, source = _resolve_params(params, overrides)
    notes: list[str] = []
    if until is None:
        until = params.horizon
    _validate_month(until)
    if months_between(params.start, until) < 0:
        raise RunError(f"until {until} is before the start of the model ({params.start})")
    if months_between(params.horizon, until) > 0:
        notes.append(f"horizon extended from {params.horizon} to {until} to reach until")
        params = params.replace(horizon=until)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise RunError(f"output folder {out} exists and is not a folder")
    digest = param_hash(params)
    n_months = months_between(params.start, until)

    say(
        f"aiadopt {__version__}: {params.n_firms:,} firms, {params.start} to {until} "
        f"({n_months} months), seed {seed}"
    )
    say(f"Parameters: {source}")
    say(f"Parameter hash: {digest}")
    for note in notes:
        say(f"Note: {note[0].upper()}{note[1:]}.")

    tidy = _simulate(params, seed, until, progress)

    created = dt.datetime.now(dt.UTC).replace(microsecond=0)
    meta: dict[str, Any] = {
        "aiadopt_version": __version__,
        "param_hash": digest,
        "seed": int(seed),
        "firms": int(params.n_firms),
        "start": params.start,
        "until": until,
        "survey_month": SURVEY_MONTH,
        "created": created,
        "params_source": source,
        "notes": notes,
        "outputs": list(OUTPUT_FILES.values()),
    }
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / name for kind, name in OUTPUT_FILES.items()}
    with staged(out) as staging:
        _write_parquet(tidy, staging.path(OUTPUT_FILES["parquet"]), params, meta)
        tidy.to_csv(staging.path(OUTPUT_FILES["csv"]), index=False, date_format="%Y-%m-%d")
        plot_stage_shares(tidy, staging.path(OUTPUT_FILES["png"]), meta=meta)
        params.to_toml(staging.path(OUTPUT_FILES["toml"]), meta=meta)
    return RunResult(
        tidy=tidy,
        paths=paths,
        params=params,
        params_source=source,
        seed=int(seed),
        until=until,
        param_hash=digest,
        meta=meta,
        notes=tuple(notes),
    )


def _simulate(params: Params, seed: int, until: str, progress: bool) -> pd.DataFrame:
    """Run the model month by month under a progress bar; return its tidy frame."""
    from tqdm.auto import tqdm

    n_months = months_between(params.start, until)
    model = AdoptionModel(params, seed=seed)
    try:
        # disable=None: tqdm shows the bar only when stderr is a terminal
        with tqdm(
            total=n_months, unit="month", desc="Simulating", disable=None if progress else True
        ) as bar:
            for k in range(1, n_months + 1):
                month = step_to_month(params.start, k)
                model.run(until=month)
                bar.set_postfix_str(month, refresh=False)
                bar.update()
        return model.tidy()
    finally:
        model.close()


def _string_meta(meta: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in meta.items():
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif not isinstance(value, str):
            value = json.dumps(value)
        out["aiadopt." + ("version" if key == "aiadopt_version" else key)] = value
    return out


def _write_parquet(tidy: pd.DataFrame, path: Path, params: Params, meta: Mapping[str, Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(tidy, preserve_index=False)
    extra = _string_meta(meta)
    extra["aiadopt.params"] = json.dumps(params.to_dict())
    merged = dict(table.schema.metadata or {})
    merged.update({k.encode(): v.encode("utf-8") for k, v in extra.items()})
    pq.write_table(table.replace_schema_metadata(merged), path)


def read_parquet_metadata(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``aiadopt.*`` schema metadata of a ``trajectories.parquet`` (prefix dropped)."""
    import pyarrow.parquet as pq

    raw = pq.read_schema(path).metadata or {}
    prefix = b"aiadopt."
    return {
        k[len(prefix) :].decode(): v.decode("utf-8") for k, v in raw.items() if k.startswith(prefix)
    }


# --- figure ---------------------------------------------------------------------------------------
def _stage_label(metric: str) -> str:
    return metric.split(".", 1)[1].replace("_", " ")


def plot_stage_shares(
    tidy: pd.DataFrame, path: str | os.PathLike[str], *, meta: Mapping[str, Any] | None = None
) -> None:
    """Stacked areas of the stage shares of all firms over time, saved as a PNG (dpi 150).

    The figure is :func:`aiadopt.plotting.plot_stage_shares` (10 x 5.6 in): scaled firms at
    the bottom, not engaged at the top, the survey month marked.  ``meta`` (version, seed,
    parameter hash, firms) goes in its footer and in the PNG text chunks.
    """
    from .plotting import plot_stage_shares as stage_shares_figure

    meta = dict(meta or {})
    fig = stage_shares_figure(tidy, meta=meta)
    png_meta = {"Title": "Generative-AI adoption stages (aiadopt)", "Software": "aiadopt"}
    png_meta.update({k: v for k, v in _string_meta(meta).items() if k != "aiadopt.notes"})
    fig.savefig(path, format="png", dpi=150, metadata=png_meta)


# --- summary --------------------------------------------------------------------------------------
def _values_at(tidy: pd.DataFrame, month: str, group: str = "all") -> dict[str, float]:
    at = tidy[(tidy["date"] == pd.Timestamp(f"{month}-01")) & (tidy["group"] == group)]
    return dict(zip(at["metric"], at["value"], strict=True))


def _pct(x: float | None) -> str:
    return "n/a" if x is None or pd.isna(x) else f"{100 * x:.1f}%"


def _summary(result: RunResult) -> str:
    tidy = result.tidy
    start = result.params.start
    has_survey = 0 <= months_between(start, SURVEY_MONTH) <= months_between(start, result.until)
    survey = _values_at(tidy, SURVEY_MONTH) if has_survey else {}
    last = _values_at(tidy, result.until)
    stage_metrics = [m for m in STAGE_METRICS if m in last] + sorted(
        m for m in last if m.startswith("stage_share.") and m not in STAGE_METRICS
    )
    rows = [(_stage_label(m), _pct(survey.get(m)), _pct(last.get(m))) for m in stage_metrics]
    head = ("Stage share, all firms", f"{SURVEY_MONTH} survey", f"{result.until} last")
    views = [
        ('Technique view of "deployed" (strict)', _pct(survey.get("deployed_view.technique"))),
        ('Business view of "deployed" (loose)', _pct(survey.get("deployed_view.business"))),
    ]
    w0 = max(len(r[0]) for r in [head, *rows, *views])
    w1 = max(len(r[1]) for r in [head, *rows, *views])
    w2 = max(len(r[2]) for r in [head, *rows])
    lines = ["", f"{head[0]:<{w0}}  {head[1]:>{w1}}  {head[2]:>{w2}}"]
    lines.append(f"{'-' * w0}  {'-' * w1}  {'-' * w2}")
    lines += [f"{a:<{w0}}  {b:>{w1}}  {c:>{w2}}" for a, b, c in rows]
    lines.append("")
    lines += [f"{a:<{w0}}  {b:>{w1}}" for a, b in views]
    if not has_survey:
        lines.append(f"(the run does not reach the survey month {SURVEY_MONTH})")
    lines.append("")
    lines.append(f"Wrote to {result.out_dir}/ (metadata in {OUTPUT_FILES['toml']}):")
    lines += [f"  {p.name}" for p in result.paths.values()]
    return "\n".join(lines)
