import numpy as np
from click.testing import CliRunner

import plateplug
from plateplug.cli import main


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and plateplug.__version__ in result.output


def test_models_lists_the_builtins_with_status(fresh_plugins):
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()[1:]}
    for name in ("unet", "resnet", "srgan"):
        model = plateplug.plugins.lookup("enhancer", name).item
        expected = "not trained" if model.unavailable_reason() else "ready"
        assert expected in rows[name] and rows[name].split()[-1] == name


def test_models_shows_facts_from_the_onnx_metadata(fresh_plugins, tiny_onnx, monkeypatch):
    model = plateplug.plugins.lookup("enhancer", "unet").item
    monkeypatch.setattr(model, "path", tiny_onnx())
    result = CliRunner().invoke(main, ["models"])
    row = next(line for line in result.output.splitlines() if line.startswith("unet"))
    assert row.split()[1:3] == ["x4", "144"] and "ready" in row
    assert plateplug.load("unet").scale == 4
    assert np.asarray(plateplug.load("unet")(np.zeros((2, 2, 3), np.uint8))).shape == (8, 8, 3)


def test_plugins_lists_builtins_with_hooks(fresh_plugins):
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("resnet"))
    assert "plateplug (built-in)" in line and "register_enhancers" in line
