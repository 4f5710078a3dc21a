import os
import subprocess
import sys

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

import plateplug
from plateplug.cli import main
from tests.test_plugins import GOOD


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


BROKEN_INFO = '''
from plateplug import EnhancerModel, hookimpl

class BrokenInfo(EnhancerModel):
    name = "broken-info"
    def info(self):
        raise RuntimeError("info boom")
    def load(self, device="auto", threads=None):
        raise RuntimeError("load boom")

class BrokenReason(BrokenInfo):
    name = "broken-reason"
    def unavailable_reason(self):
        raise ValueError("reason boom")

class NoInfo(BrokenInfo):
    name = "no-info"
    def info(self):
        return None

@hookimpl
def register_enhancers(register):
    register(BrokenInfo())
    register(BrokenReason())
    register(NoInfo())
'''


@pytest.fixture
def hostile_plugins(install_distribution):
    """A plugin whose methods raise, one calling sys.exit() at import, and a good one."""
    install_distribution("plateplug-broken", {"broken": "broken_plugin"},
                         {"broken_plugin": BROKEN_INFO})
    install_distribution("plateplug-quit", {"quit": "quit_plugin"},
                         {"quit_plugin": "import sys\nsys.exit(0)\n"})
    install_distribution("plateplug-twice", {"twice": "twice_plugin"}, {"twice_plugin": GOOD})


def test_models_names_broken_plugins_and_lists_the_rest(hostile_plugins):
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert {"unet", "resnet", "srgan", "twice"} <= set(rows)
    assert "broken: plugin 'broken' failed in BrokenInfo.info(): RuntimeError" in rows[
        "broken-info"]
    assert "plugin 'broken' failed in BrokenReason.unavailable_reason()" in rows["broken-reason"]
    assert "broken: info() returned NoneType, not a dict" in rows["no-info"]
    assert "Warning: plugin 'quit' (plateplug-quit) failed to load: called sys.exit(0)" in (
        result.stderr)


def test_enhance_names_a_plugin_whose_load_raises(hostile_plugins, tmp_path):
    image = tmp_path / "plate.png"
    assert cv2.imwrite(str(image), np.full((20, 60, 3), 90, np.uint8))
    result = CliRunner().invoke(main, ["enhance", "-m", "broken-info", str(image)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("Error: plugin 'broken' failed in BrokenInfo.load(): RuntimeError('load boom')"
            in result.stderr)
    result = CliRunner().invoke(main, ["enhance", "-m", "twice", str(image)])
    assert result.exit_code == 0, result.output
    assert cv2.imread(str(tmp_path / "plate.enhanced.png")).shape == (40, 120, 3)


@pytest.mark.slow
def test_a_plugin_warning_is_printed_once(install_distribution):
    clash = GOOD.replace('name = "twice"', 'name = "resnet"')
    site = install_distribution("plateplug-clash", {"clash": "clash_plugin"},
                                {"clash_plugin": clash})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    result = subprocess.run([sys.executable, "-m", "plateplug.cli", "models"], env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    lines = [line for line in result.stderr.splitlines() if "enhancer 'resnet'" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Warning: plugin 'clash' registered enhancer 'resnet'")
