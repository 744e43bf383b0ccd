"""The parameter listing and the commented parameter file (aiadopt.experiments.params_file)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from aiadopt.experiments.params_file import format_parameters, write_params_file
from aiadopt.model import Params
from aiadopt.model.params import describe_parameters, shipped_params


def test_the_listing_marks_fitted_values_and_only_those() -> None:
    used = shipped_params()[0]
    lines = format_parameters().splitlines()
    rows = describe_parameters()
    assert lines[0].startswith(f"{len(rows)} parameters;")
    by_name = {line.split(" = ")[0]: line for line in lines if " = " in line and line[0] != " "}
    assert set(by_name) == {row["name"] for row in rows}
    fitted = {row["name"] for row in rows if getattr(used, row["name"]) != row["default"]}
    assert fitted, "the shipped fit changes some defaults"
    assert {name for name, line in by_name.items() if line.endswith("(fitted)")} == fitted


def test_the_file_comments_every_parameter_and_reads_back_edited(tmp_path: Path) -> None:
    path, _ = write_params_file(tmp_path / "p.toml")
    text = path.read_text()
    doc = tomllib.loads(text)
    assert set(doc["params"]) == {row["name"] for row in describe_parameters()}
    body = text.split("[params]\n", 1)[1].splitlines()
    for i, line in enumerate(body):  # every value line follows its comment
        if line and not line.startswith("#"):
            assert body[i - 1].startswith("#"), line
    edited = text.replace("\nn_firms = ", "\nn_firms = 777 #", 1)
    path.write_text(edited)
    assert Params.from_toml(path) == shipped_params()[0].replace(n_firms=777)


def test_the_file_is_not_written_over_a_file_or_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("mine")
    with pytest.raises(FileExistsError, match="--force"):
        write_params_file(path)
    assert path.read_text() == "mine"
    with pytest.raises(IsADirectoryError):
        write_params_file(tmp_path, force=True)
