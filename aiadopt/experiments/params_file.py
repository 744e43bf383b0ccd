"""The parameters as text: the listing of ``aiadopt params`` and the commented parameter file.

:func:`format_parameters` lists every parameter with its default, allowed range, unit and
source, and the value the shipped fit gives it.  :func:`write_params_file` writes the
parameters ``aiadopt run`` uses by default to a TOML file with one comment per parameter, to
copy, edit and pass to ``aiadopt run --params``.  Both only describe :class:`Params`
(:func:`aiadopt.model.params.describe_parameters`); they sit beside the single runs that read
such a file.
"""

from __future__ import annotations

import dataclasses
import os
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from ..files import __version__, write_atomic
from ..model import Params
from ..model.params import describe_parameters, shipped_params

__all__ = ["format_parameters", "match_parameters", "parameter_records", "write_params_file"]


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


def match_parameters(pattern: str | None) -> list[dict[str, Any]]:
    """The rows of :func:`describe_parameters` whose name, unit or source matches ``pattern``
    (a case-insensitive regular expression; None: every row).

    Raises:
        ValueError: ``pattern`` is not a regular expression (the message says why).
    """
    rows = describe_parameters()
    if not pattern:
        return rows
    try:
        rx = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"--grep {pattern!r}: not a regular expression ({exc})") from None
    return [r for r in rows if any(rx.search(str(r[k])) for k in ("name", "unit", "source"))]


def parameter_records(pattern: str | None = None) -> list[dict[str, Any]]:
    """One plain record per parameter (matching ``pattern``, see :func:`match_parameters`), for
    CSV and JSON: name, default, value (what ``aiadopt run`` uses), fitted, low, high, choices,
    unit, source.  Vectors are lists."""
    used, _ = shipped_params()
    choices = _choices()
    out = []
    for row in match_parameters(pattern):
        value = getattr(used, row["name"])
        plain = lambda v: list(v) if isinstance(v, tuple) else v  # noqa: E731
        out.append(
            {
                "name": row["name"],
                "default": plain(row["default"]),
                "value": plain(value),
                "fitted": value != row["default"],
                "low": row["low"],
                "high": row["high"],
                "choices": list(choices.get(row["name"]) or []),
                "unit": row["unit"],
                "source": row["source"],
            }
        )
    return out


def format_parameters(width: int = 100, pattern: str | None = None) -> str:
    """Every parameter (or those matching ``pattern``, see :func:`match_parameters`) with its
    default, allowed range, unit and source, as indented text.

    Values that the parameters used by ``aiadopt run`` change (fitted values) are shown after
    an arrow.
    """
    used, source = shipped_params()
    rows = match_parameters(pattern)
    choices = _choices()
    total = len(describe_parameters())
    shown = (
        f"{len(rows)} of {total} parameters (matching {pattern!r})"
        if pattern
        else (f"{total} parameters")
    )
    lines = [
        f"{shown}; aiadopt run uses: {source}.",
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
    params, source = shipped_params()
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

    def write_checked(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")
        if Params.from_toml(tmp) != params:  # the file must say exactly what we meant
            raise RuntimeError(f"{path}: written parameters do not read back equal")

    write_atomic(path, write_checked)
    return path, source
