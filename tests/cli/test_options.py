"""The shared options (plateplug/cli/options.py): ``--data`` is given, or taken from
$PLATEPLUG_DATA where a command takes the data folder, never a path outside the repository."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from plateplug.cli import main
from plateplug.cli.options import DATA_ENV

CLI = Path(__file__).resolve().parents[2] / "plateplug" / "cli"


def commands() -> list[click.Command]:
    return list(main.all_commands.values())


@pytest.mark.parametrize("command", commands(), ids=lambda c: c.name)
def test_no_option_defaults_to_a_path_outside_the_repository(command):
    for param in command.params:
        defaults = param.default if isinstance(param.default, (list, tuple)) else [param.default]
        for default in defaults:
            if isinstance(default, (str, Path)):
                assert not str(default).startswith(".."), f"{command.name} {param.name}"


def test_data_comes_from_the_environment_only_where_it_is_the_data_folder():
    by_env = {c.name for c in commands() for p in c.params
              if p.name == "data" and p.envvar == DATA_ENV}
    assert by_env == {"train", "train-detector", "train-router", "train-verifier", "bench-detector"}


def test_train_detector_needs_data_given_or_set(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_ENV, raising=False)
    result = CliRunner().invoke(main, ["train-detector", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2 and "Missing option '--data'" in result.output
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    result = CliRunner().invoke(main, ["train-detector", "--out", str(tmp_path / "run")])
    assert result.exit_code == 1 and f"Error: {tmp_path / 'dashcam'} not found" in result.output


def test_train_verifier_needs_the_dashcam_folder_and_a_detector_file(tmp_path):
    detector = tmp_path / "d.onnx"
    detector.write_bytes(b"")
    args = ["train-verifier", "--data", str(tmp_path), "--detector", str(detector)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and f"Error: {tmp_path / 'dashcam'} not found" in result.output
    result = CliRunner().invoke(main, args[:3] + ["--detector", str(tmp_path / "none.onnx")])
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize("widths", ["", "16,x", "0,8", "8,,8"])
def test_train_verifier_widths_must_be_channel_counts(tmp_path, widths):
    (tmp_path / "d.onnx").write_bytes(b"")
    result = CliRunner().invoke(main, ["train-verifier", "--data", str(tmp_path), "--detector",
                                       str(tmp_path / "d.onnx"), "--widths", widths])
    assert result.exit_code == 2
    assert "is not a comma-separated list of channel counts 1..1024" in result.output


def test_train_verifier_passes_its_widths_on(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    from plateplug.train.detector import verifier

    (tmp_path / "dashcam").mkdir()
    (tmp_path / "d.onnx").write_bytes(b"")
    configs: list = []
    monkeypatch.setattr(verifier, "train_verifier", lambda config, log: configs.append(config))
    args = ["train-verifier", "--data", str(tmp_path), "--detector", str(tmp_path / "d.onnx")]
    for extra in (["--widths", "8,16"], []):
        assert CliRunner().invoke(main, args + extra).exit_code == 0
    assert [c.widths for c in configs] == [(8, 16), verifier.WIDTHS]


def test_help_names_the_environment_variable():
    result = CliRunner().invoke(main, ["train-detector", "--help"])
    assert f"${DATA_ENV}" in result.output


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_cli_modules_have_no_main_blocks(path):
    """``python -m plateplug.cli`` (cli/__main__.py) is the one way to run the CLI as a
    module."""
    if path.name == "__main__.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tests = [ast.unparse(n.test) for n in tree.body if isinstance(n, ast.If)]
    assert "__name__ == '__main__'" not in tests
