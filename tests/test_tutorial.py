"""The tutorial (docs/tutorial.py, a jupytext percent script) runs as a notebook, cell by cell on
an IPython kernel (nbclient), as CI runs it: a small experiment, its figure, the posterior (or
prior draws standing in when none ships) and a small discovery (issue 14, point 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial.py"


@pytest.mark.slow
def test_the_tutorial_runs_as_a_notebook(tmp_path: Path) -> None:
    import jupytext
    from nbclient import NotebookClient

    notebook = jupytext.read(TUTORIAL)
    assert sum(c.cell_type == "code" for c in notebook.cells) >= 6
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if one fails
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "PRIM box" in text and "What each scenario changes" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # the experiment's figure and two of the discovery's
