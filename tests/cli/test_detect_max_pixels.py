"""`plateplug detect --max-pixels`: images larger than the cap are refused with one Error line."""

import cv2
import numpy as np
from click.testing import CliRunner

from plateplug.cli import main


def test_detect_refuses_images_over_max_pixels(tmp_path):
    image = tmp_path / "frame.png"
    assert cv2.imwrite(str(image), np.zeros((20, 30, 3), np.uint8))
    args = ["detect", str(image)]  # the shipped detector
    result = CliRunner().invoke(main, [*args, "--max-pixels", "599"])
    assert result.exit_code == 1
    assert f"Error: {image} is 30 x 20 = 600 pixels, more than the maximum" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, [*args, "--max-pixels", "600"])
    assert result.exit_code == 0, result.output
    assert f"{image}: no plates" in result.output
