"""``aiadopt params``: the parameter listing, the commented file to edit, and the edited file
used by ``aiadopt run``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aiadopt.cli import main
from aiadopt.model import Params
from aiadopt.model.params import shipped_params

from .helpers import run_cli


def test_params_write_reads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    code, stdout, stderr = run_cli(["params", "--write", str(path)])
    assert code == 0, stderr
    assert str(path) in stdout
    assert Params.from_toml(path) == shipped_params()[0]
    assert "# " in path.read_text(encoding="utf-8")  # commented, for editing


def test_params_write_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    path.write_text("keep me", encoding="utf-8")
    code, _, stderr = run_cli(["params", "--write", str(path)])
    assert code == 2  # bad input: the file is there
    assert "--force" in stderr
    assert path.read_text(encoding="utf-8") == "keep me"
    code, _, _ = run_cli(["params", "--write", str(path), "--force"])
    assert code == 0
    assert Params.from_toml(path) == shipped_params()[0]


def test_edited_params_file_is_used_by_run(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    assert run_cli(["params", "--write", str(path)])[0] == 0
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^bass_q = .*$", "bass_q = 0.08", text)
    path.write_text(re.sub(r"(?m)^n_firms = .*$", "n_firms = 40", text), encoding="utf-8")
    out = tmp_path / "o"
    code, _, stderr = run_cli(
        ["run", "--params", str(path), "--until", "2023-01", "--out", str(out), "--quiet"]
    )
    assert code == 0, stderr
    used = Params.from_toml(out / "run.toml")
    assert (used.bass_q, used.n_firms) == (0.08, 40)


def test_params_lists_every_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["params"]) == 0
    text = capsys.readouterr().out
    for name in Params().to_dict():
        assert f"\n{name} = " in text
    assert "source:" in text and "range:" in text and "unit:" in text


def test_params_grep_keeps_the_matching_parameters() -> None:
    code, stdout, _ = run_cli(["params", "--grep", "^bass_"])
    assert code == 0
    listed = re.findall(r"(?m)^(\w+) = ", stdout)
    assert listed == [n for n in Params().to_dict() if n.startswith("bass_")]
    assert f"of {len(Params().to_dict())} parameters" in stdout


def test_params_csv_and_json_hold_one_record_per_parameter() -> None:
    import csv
    import io
    import json

    code, stdout, _ = run_cli(["params", "--format", "json", "--grep", "effect"])
    assert code == 0
    records = json.loads(stdout)
    names = [r["name"] for r in records]
    assert names and all("effect" in (r["name"] + r["unit"] + r["source"]).lower() for r in records)
    used = shipped_params()[0]
    for r in records:
        value = getattr(used, r["name"])
        assert r["value"] == (list(value) if isinstance(value, tuple) else value)
    code, stdout, _ = run_cli(["params", "--format", "csv", "--grep", "effect"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert [r["name"] for r in rows] == names
    assert set(rows[0]) >= {"name", "default", "value", "fitted", "unit", "source"}


def test_params_listing_options_errors() -> None:
    code, _, stderr = run_cli(["params", "--grep", "("])
    assert code == 2 and "regular expression" in stderr
    with pytest.raises(SystemExit) as exc:
        run_cli(["params", "--format", "xml"])
    assert exc.value.code == 2
    code, _, stderr = run_cli(["params", "--write", "x.toml", "--format", "csv"])
    assert code == 2 and "--write" in stderr
