"""The HTML report: one self-contained file holding every figure and the tables behind them."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from aiadopt.experiments.summary import summarise
from aiadopt.views import report as rh
from aiadopt.views.figures import FIGURES
from aiadopt.views.folder import Results, ResultsError

from .helpers import make_results


@pytest.fixture(scope="module")
def experiment(fit_table) -> Results:
    results = make_results()
    meta = {
        "version": "0.0-test",
        "root_seed": 42,
        "replicates": 3,
        "firms": 500,
        "param_hash": "cafe0123beef",
        "scenario_descriptions": {"strategy": "Half of the engaged firms adopt a strategy"},
    }
    return Results(None, "experiment", results, summarise(results), meta, fit_table=fit_table)


@pytest.fixture(scope="module")
def page(experiment) -> tuple[str, list[str], dict[str, str]]:
    return rh.build_report_html(experiment, fit_source="a test table")


def images(page_html: str) -> list[bytes]:
    found = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page_html)
    return [base64.b64decode(x) for x in found]


def test_report_holds_every_figure(page) -> None:
    text, held, skipped = page
    sweeps = {"dose_response", "dose_heatmap"}  # the experiment has no sweep
    assert set(held) == set(FIGURES) - sweeps
    assert set(skipped) == sweeps
    for name in ("fit", "deployed-views", "gains", "hype-cycle", "share-at-scale", "effects",
                 "effect-distribution"):  # fmt: skip
        assert f'id="fig-{name}"' in text
    pngs = images(text)
    assert len(pngs) == len(FIGURES) - len(sweeps) + 1  # and the baseline's own stage figure
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)


def test_report_is_self_contained(page) -> None:
    text = page[0]
    assert text.startswith("<!DOCTYPE html>")
    assert text.rstrip().endswith("</html>")
    # nothing fetched: no external script, style sheet, image or font
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<script" not in text and "<link" not in text and "@import" not in text


def test_report_holds_the_tables_and_provenance(page, experiment) -> None:
    text = page[0]
    # provenance: version, parameter hash, seeds
    assert "aiadopt 0.0-test" in text and "cafe0123beef" in text
    assert "root seed 42" in text and "100, 101, 102" in text
    # the fit table: one row per target
    assert text.count("<tr") >= len(experiment.fit_table)
    # the summary tables: share at scale and realised productivity, with paired differences
    assert "Share of firms at scale, August 2025" in text
    assert "Paired 95% CI" in text and "Predictive 5-95%" in text
    # the baseline's key values, with the study's
    assert "Key values of baseline" in text and "Study, Mar 2025" in text
    # the scenarios' definitions and the glossary
    assert "Half of the engaged firms adopt a strategy" in text
    assert "Passage à l&#x27;échelle" in text


def test_report_opens_with_the_answer(page) -> None:
    text = page[0]
    start = text.index('id="summary"')
    # the summary comes before every other section; the calibration after the results
    assert start < text.index('id="baseline"') < text.index('id="scenarios"')
    assert text.index('id="scenarios"') < text.index('id="fit"')
    summary = text[start : text.index('id="baseline"')]
    assert "The question." in summary
    # the baseline's share at scale with its interval, the model's answer beside the study's
    assert "At scale by" in summary and "95% CI" in summary
    assert "would say generative AI is in place" in summary and "the study found 15%" in summary
    # lever effects paired, with intervals; the counterfactual's meaning and the priors
    assert "strategy" in summary and "paired difference" in summary
    assert "5-95% predictive</th>" in summary and "posterior-predictive interval" in summary
    assert "counterfactual, not a policy" in summary and "no firm has any" in summary
    assert "priors, not findings" in summary
    # the calibration's detail is folded away
    fit = text[text.index('id="fit"') :]
    assert "<details><summary>The calibration in detail" in fit


def test_report_captions_compare_like_with_like(page) -> None:
    text = page[0]
    caption = text[text.index('id="fig-baseline-stages"') :]
    caption = caption[caption.index("<figcaption>") : caption.index("</figcaption>")]
    assert "not what respondents say" in caption
    assert "should pass through" not in text
    assert re.search(r"(inside|outside) the study's interval", caption)
    assert "Respondents saying &quot;in place&quot;" in text  # the key values' answer row


def test_seeds_print_short() -> None:
    assert rh.short_seed(42) == "42"
    assert rh.short_seed(12345678901234567890) == f"{12345678901234567890:016x}"[:8] + "…"
    results = make_results()
    results = results.assign(seed=results["replicate"].astype("int64") * 10**17 + 7)
    data = Results(None, "experiment", results, summarise(results), {"root_seed": 42})
    text = rh.build_report_html(data)[0]
    assert str(10**17 + 7) not in text and rh.short_seed(10**17 + 7) in text


def test_a_run_has_no_scenario_comparison() -> None:
    run = make_results(["run"], 1)
    data = Results(None, "run", run, None, {"seed": 9})
    text, held, skipped = rh.build_report_html(data)
    assert "effects" in skipped and "effects" not in held
    assert "nothing to compare" in text
    assert "Seed</dt><dd>9" in text


def test_write_report_from_a_run_folder(run_dir: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    out = rh.write_report(run_dir, tmp_path / "rep", echo=lines.append)
    assert out.path == tmp_path / "rep" / "report.html"
    assert [p.name for p in (tmp_path / "rep").iterdir()] == ["report.html"]  # no temp left
    text = out.path.read_text(encoding="utf-8")
    assert "No calibration fit in this report" in text and "--fit" in text
    assert len(images(text)) == len(out.figures)
    assert "report.html" in out.summary()
    assert any("Reading the run" in line for line in lines)


def test_write_report_refuses_a_file_as_output(tmp_path: Path, experiment) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ResultsError, match="not a folder"):
        rh.write_report(experiment, target)
