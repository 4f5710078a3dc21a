"""``plateplug train`` / ``export`` without torch: the models and degradation profiles are
listed from the training package's tables, and training says how to install torch."""

import subprocess
import sys

import pytest

WITHOUT_TORCH = """
import sys
sys.modules["torch"] = None  # import torch now fails, as when the train extra is absent
from plateplug.cli import main
main(sys.argv[1:])
"""


def run_without_torch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_TORCH, *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow
def test_train_lists_models_and_profiles_without_torch():
    result = run_without_torch("train", "--help")
    assert result.returncode == 0, result.stderr
    assert "unet|resnet|srgan|mfsr" in result.stdout
    assert "mixed|camera|balanced" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [("train", "unet", "--data", "."),
                                  ("train-recognizer", "--data", "."),
                                  ("export", "unet", __file__, "-o", "x.onnx")])
def test_training_without_torch_is_one_error_line_naming_the_extra(args):
    result = run_without_torch(*args)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Error: torch is not installed: install plateplug[train] "
                                     "(pip install 'plateplug[train]')")
