"""The calibration plan (``aiadopt calibrate --spec FILE.toml``): how the posterior is
sampled, which parameters are held fixed, and which evidence files are used.

The packaged plan is ``calibration.toml`` beside this module (write a copy to edit with
``aiadopt calibrate --write-spec FILE.toml``).  Sections:

- ``[sampler]``: the settings of :class:`~aiadopt.calibration.posterior.SamplerSettings`;
- ``[fixed]``: parameters held at a value instead of being drawn from their prior
  (``bass_p = 0.003``; an element by its full name, ``difficulty[4] = 0.2``);
- ``[files]``: ``priors``, ``targets``, ``series``, ``series_data`` (paths, relative to the
  plan's folder; default: the packaged files).

Anything else is refused with one line naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_atomic
from ..model import ParameterError, Params
from .errors import SpecError
from .free import apply_values, is_parameter_name
from .posterior import SamplerSettings
from .priors import Prior, PriorSet, load_priors, read_text, read_toml

__all__ = ["PLAN_FILE", "CalibrationPlan", "load_plan", "write_plan"]

PLAN_FILE = "calibration.toml"
FILE_KEYS = ("priors", "targets", "series", "series_data")


@dataclass(frozen=True)
class CalibrationPlan:
    """A checked calibration plan (see the module doc)."""

    settings: SamplerSettings
    fixed: dict[str, float] = field(default_factory=dict)
    files: dict[str, str | None] = field(default_factory=dict)
    source: str = ""

    def priors(self) -> PriorSet:
        """The priors, with the ``[fixed]`` parameters held at their values."""
        base = load_priors(self.files.get("priors"))
        if not self.fixed:
            return base
        priors = dict(base.priors)
        for name, value in self.fixed.items():
            old = priors.get(name)
            unit = old.unit if old is not None else ""
            priors[name] = Prior(name, "fixed", {}, f"held at {value!r} by {self.source}",
                                 None, None, unit)  # fmt: skip
        return PriorSet(priors, base.source)

    def base(self) -> Params:
        """The parameters every run starts from: the built-in defaults with the ``[fixed]``
        values."""
        return apply_values(self.fixed, Params()) if self.fixed else Params()

    @property
    def paths(self) -> tuple[str | None, str | None, str | None]:
        """Targets, series and series-data files (None: packaged)."""
        return self.files.get("targets"), self.files.get("series"), self.files.get("series_data")


def _fail(where: str, key: str, message: str) -> SpecError:
    return SpecError(f"{where}, key {key!r}: {message}")


def _settings(raw: Any, where: str) -> SamplerSettings:
    if not isinstance(raw, dict):
        raise _fail(where, "sampler", "must be a table")
    fields = {f.name: f for f in dataclasses.fields(SamplerSettings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        f = fields.get(key)
        if f is None:
            raise _fail(where, f"sampler.{key}", f"unknown setting; allowed: {', '.join(fields)}")
        want = float if isinstance(f.default, float) else int
        ok = isinstance(value, int | float) if want is float else isinstance(value, int)
        if isinstance(value, bool) or not ok:
            raise _fail(where, f"sampler.{key}", f"must be {'a number' if want is float else 'an integer'}, got {value!r}")  # noqa: E501
        values[key] = want(value)
    try:
        return SamplerSettings(**values)
    except Exception as exc:  # CalibrationError: a setting out of range
        raise SpecError(f"{where}: {exc}") from None


def _fixed(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise _fail(where, "fixed", "must be a table of parameter = value")
    out: dict[str, float] = {}
    for name, value in _flatten(raw):
        if not is_parameter_name(name):
            raise _fail(where, f"fixed.{name}", "not a parameter (see 'aiadopt params')")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(where, f"fixed.{name}", f"must be a number, got {value!r}")
        out[name] = float(value)
    try:
        apply_values(out, Params())
    except (ParameterError, ValueError) as exc:
        raise SpecError(f"{where}, table 'fixed': {exc}") from None
    return out


def _flatten(raw: dict[str, Any]) -> list[tuple[str, Any]]:
    """TOML reads ``"difficulty[4]" = 0.2`` as a quoted key: keep names as written."""
    return list(raw.items())


def _files(raw: Any, where: str, folder: Path | None) -> dict[str, str | None]:
    if not isinstance(raw, dict):
        raise _fail(where, "files", "must be a table")
    out: dict[str, str | None] = {}
    for key, value in raw.items():
        if key not in FILE_KEYS:
            raise _fail(where, f"files.{key}", f"unknown file; allowed: {', '.join(FILE_KEYS)}")
        if not isinstance(value, str):
            raise _fail(where, f"files.{key}", f"must be a path, got {value!r}")
        path = Path(value)
        if folder is not None and not path.is_absolute():
            path = folder / path
        if not path.is_file():
            raise _fail(where, f"files.{key}", f"no such file {str(path)!r}")
        out[key] = str(path)
    return out


def load_plan(path: str | os.PathLike[str] | None = None) -> CalibrationPlan:
    """Read and check a plan (default: the packaged ``calibration.toml``)."""
    raw, where = read_toml(path, PLAN_FILE, "calibration spec", SpecError)
    allowed = ("sampler", "fixed", "files")
    for key in raw:
        if key not in allowed:
            raise _fail(where, key, f"unknown section; allowed: {', '.join(allowed)}")
    folder = Path(path).resolve().parent if path is not None else None
    return CalibrationPlan(
        _settings(raw.get("sampler", {}), where),
        _fixed(raw.get("fixed", {}), where),
        _files(raw.get("files", {}), where, folder),
        where,
    )


def write_plan(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write the packaged plan to ``path`` to edit (refuses to overwrite without
    ``force``)."""
    target = Path(path)
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists; pass --force to overwrite it")
    text, _ = read_text(None, PLAN_FILE, "calibration spec", SpecError)
    return write_atomic(target, text)
