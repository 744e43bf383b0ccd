"""The pieces of the self-contained HTML pages (``aiadopt report``): the style sheet, the
head, escaped text, embedded figures and tables.  Nothing here is fetched from a server: a page
opens offline, and can be mailed as it is."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..files import __version__
from .save import figure_png
from .style import SAVE_DPI, figure_title

__all__ = ["CSS", "embed", "escape", "figure", "page_head", "table"]

CSS = """
:root { --ink:#1a1a1a; --muted:#5f5f5f; --rule:#d9d9d9; --accent:#08306b; --stripe:#f6f6f6;
        --bad:#b2182b; --good:#1b7837; }
* { box-sizing: border-box; }
body { margin:0; font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif;
       color:var(--ink); background:#fff; line-height:1.5; font-size:16px; }
.page { max-width: 1180px; margin: 0 auto; padding: 28px 28px 60px; }
h1 { font-size: 30px; margin: 0 0 6px; color: var(--accent); }
h2 { font-size: 23px; margin: 46px 0 10px; padding-bottom: 6px;
     border-bottom: 2px solid var(--accent); }
h3 { font-size: 18px; margin: 28px 0 8px; }
p { margin: 8px 0; max-width: 900px; }
.lede { font-size: 18px; color: #333; max-width: 950px; }
.muted { color: var(--muted); font-size: 14px; }
nav ol { margin: 6px 0; padding-left: 22px; }
nav a, a { color: var(--accent); }
.facts { display:grid; grid-template-columns: max-content 1fr; gap: 3px 18px; font-size: 14px;
         background: var(--stripe); border: 1px solid var(--rule); padding: 12px 16px;
         border-radius: 6px; margin: 14px 0; }
.facts dt { font-weight: bold; color: #333; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 18px 0 26px; }
figure img { width: 100%; height: auto; border: 1px solid var(--rule); border-radius: 4px; }
figcaption { font-size: 14px; color: var(--muted); margin-top: 6px; max-width: 950px; }
.keypoints { background: #eef3fa; border-left: 4px solid var(--accent); padding: 8px 16px;
             margin: 12px 0; }
.keypoints li { margin: 3px 0; }
.summary { background: #fbfbf8; border: 1px solid var(--rule); border-radius: 6px;
           padding: 4px 22px 14px; margin-top: 20px; }
.summary h2 { margin-top: 14px; }
.caveats li { margin: 5px 0; max-width: 950px; }
table { border-collapse: collapse; font-size: 13.5px; margin: 10px 0 18px; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 4px 0 6px; font-size: 14.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
th { background: #eceff3; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--stripe); }
tr.miss td { background: #fde0dd; }
tr.miss td.verdict { color: var(--bad); font-weight: bold; }
tr.skip td { color: var(--muted); }
.table-wrap { max-height: 640px; overflow: auto; border: 1px solid var(--rule); }
.table-wrap table { margin: 0; }
details { margin: 8px 0 16px; }
summary { cursor: pointer; color: var(--accent); font-weight: bold; }
code { font-size: 13px; background: #f2f2f2; padding: 0 3px; border-radius: 3px; }
@media print { .table-wrap { max-height: none; overflow: visible; } th { position: static; } }
"""
"""The report pages' style sheet (inline: the page fetches nothing)."""


def page_head(title: str) -> str:
    """The start of a page titled ``title``: doctype, metadata, the style sheet, ``<body>``."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="aiadopt {html.escape(__version__)}">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{CSS}</style></head><body>"
    )


def escape(x: Any) -> str:
    """``x`` as HTML text (quotes escaped too: safe in attributes)."""
    return html.escape(str(x), quote=True)


CSS_PX_PER_INCH = 96
"""A figure is shown at most at its size on paper (CSS pixels per inch): its text then has the
page's size; a narrow figure (a discovery's) is not blown up to the page's width."""


def embed(fig) -> dict[str, str]:
    """``fig`` as a PNG to embed: its ``data:`` URI, title, size in pixels and the largest
    width it is shown at (its size on paper)."""
    data = base64.b64encode(figure_png(fig, SAVE_DPI)).decode("ascii")
    width, height = fig.get_size_inches()
    return {
        "src": f"data:image/png;base64,{data}",
        "title": figure_title(fig),
        "width": f"{width * SAVE_DPI:.0f}",
        "height": f"{height * SAVE_DPI:.0f}",
        "max_width": f"{width * CSS_PX_PER_INCH:.0f}",
    }


def figure(img: Mapping[str, str] | None, caption: str, anchor: str) -> str:
    """An embedded figure (:func:`embed`) with its caption (HTML) and anchor ``fig-ANCHOR``;
    nothing when ``img`` is None (a figure left out)."""
    if img is None:
        return ""
    cap = f' style="max-width:{img["max_width"]}px"' if img.get("max_width") else ""
    return (
        f'<figure id="fig-{escape(anchor)}"><img src="{img["src"]}" alt="{escape(img["title"])}" '
        f'width="{img["width"]}" height="{img["height"]}"{cap}>'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def table(
    frame: pd.DataFrame,
    *,
    caption: str = "",
    numeric: Sequence[str] = (),
    row_class: Sequence[str] | None = None,
    cell_class: Mapping[str, str] | None = None,
    wrap: bool = False,
) -> str:
    """``frame`` as an HTML table: ``numeric`` columns right-aligned, a class per row or per
    column if given, ``wrap``: in a scrolling box (long tables)."""
    cell_class = dict(cell_class or {})
    head = "".join(
        f'<th class="{"num" if c in numeric else ""}" scope="col">{escape(c)}</th>'
        for c in frame.columns
    )
    body = []
    for k, row in enumerate(frame.itertuples(index=False)):
        cls = f' class="{row_class[k]}"' if row_class is not None and row_class[k] else ""
        cells = []
        for c, v in zip(frame.columns, row, strict=True):
            classes = " ".join(
                x for x in ("num" if c in numeric else "", cell_class.get(c, "")) if x
            )
            cells.append(f'<td class="{classes}">{escape(v)}</td>')
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    out = (
        f"<table>{f'<caption>{escape(caption)}</caption>' if caption else ''}"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return f'<div class="table-wrap">{out}</div>' if wrap else out
