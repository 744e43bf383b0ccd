"""Figures to bytes and to files: PNG (with provenance in its text chunks) and SVG (text kept
as text), every file written atomically through :func:`aiadopt.files.write_atomic`."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..files import write_atomic
from .style import SAVE_DPI, figure_title, style

__all__ = ["figure_bytes", "figure_png", "png_metadata", "save_figure"]


def _meta_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def png_metadata(title: str, metadata: Mapping[str, Any] | None = None) -> dict[str, str]:
    """PNG text chunks: the title, the software and each ``metadata`` entry as ``aiadopt.KEY``
    (entries that are None left out; values that are not text as JSON)."""
    info = {f"aiadopt.{k}": _meta_text(v) for k, v in (metadata or {}).items() if v is not None}
    return {"Title": title, "Software": "aiadopt", **info}


def figure_bytes(
    fig,
    fmt: str = "png",
    *,
    metadata: Mapping[str, Any] | None = None,
    dpi: int = SAVE_DPI,
    title: str | None = None,
) -> bytes:
    """``fig`` as a PNG (at ``dpi``, ``metadata`` in its text chunks: :func:`png_metadata`) or an
    SVG (text kept as text, undated so that the same figure gives the same file), titled with
    ``title`` (default: the figure's own title)."""
    title = title or figure_title(fig) or "aiadopt figure"
    if fmt == "png":
        md: dict[str, Any] = png_metadata(title, metadata)
    elif fmt == "svg":
        md = {"Title": title, "Date": None, "Creator": "aiadopt (matplotlib)"}
    else:
        md = {}
    buffer = io.BytesIO()
    with style():
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=md)
    return buffer.getvalue()


def figure_png(fig, dpi: int = SAVE_DPI) -> bytes:
    """``fig`` as PNG bytes to embed (in the HTML report, the dashboard)."""
    return figure_bytes(fig, "png", dpi=dpi)


def save_figure(
    fig,
    path: str | os.PathLike[str],
    *,
    metadata: Mapping[str, Any] | None = None,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = SAVE_DPI,
) -> dict[str, Path]:
    """Save ``fig`` as ``path`` with each suffix of ``formats`` (:func:`figure_bytes`), each file
    written atomically: it is there whole or not at all.  Returns the paths by format."""
    base = Path(path)
    if base.suffix.lower() in (".png", ".svg"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    title = figure_title(fig) or base.name
    out: dict[str, Path] = {}
    for fmt in formats:
        final = base.with_name(f"{base.name}.{fmt}")
        write_atomic(final, figure_bytes(fig, fmt, metadata=metadata, dpi=dpi, title=title))
        out[fmt] = final
    return out
