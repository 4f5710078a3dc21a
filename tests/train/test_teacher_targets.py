"""Distillation targets: the blend of HR and the teacher's output, errors, and a training run
with a teacher."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from plateplug.bench.baselines import InterpolationEnhancer  # noqa: E402
from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402
from plateplug.train.data import to_images, to_tensor  # noqa: E402
from plateplug.train.export import export_checkpoint  # noqa: E402
from plateplug.train.loop import TrainConfig, train  # noqa: E402
from plateplug.train.teacher_targets import TeacherTargets  # noqa: E402


class FixedSampler:
    """Always the same (lr, hr) batch: random LR of ``channels`` channels, HR all 0.5."""

    def __init__(self, channels: int = 3):
        gen = np.random.default_rng(0)
        lr = gen.integers(0, 256, (2, 12, 20, channels), dtype=np.uint8)
        self.lr = torch.from_numpy(lr).permute(0, 3, 1, 2).float() / 255
        self.hr = torch.full((2, 3, 48, 80), 0.5)
        self.rng = gen

    def sample(self, batch: int):
        return self.lr.clone(), self.hr.clone()


def test_targets_blend_hr_and_the_teachers_output():
    teacher = InterpolationEnhancer("bicubic")
    sampler = FixedSampler()
    lr, target = TeacherTargets(sampler, teacher, 0.25).sample(2)
    taught = to_tensor(teacher.enhance_batch(to_images(sampler.lr)))
    torch.testing.assert_close(lr, sampler.lr)
    torch.testing.assert_close(target, 0.75 * sampler.hr + 0.25 * taught)
    _, only_teacher = TeacherTargets(sampler, teacher, 1.0).sample(2)
    torch.testing.assert_close(only_teacher, taught)


def test_the_wrapper_shares_the_samplers_rng():
    sampler = FixedSampler()
    wrapped = TeacherTargets(sampler, InterpolationEnhancer("bicubic"), 0.5)
    fresh = np.random.default_rng(5)
    wrapped.rng = fresh
    assert sampler.rng is fresh and wrapped.rng is fresh


def test_bad_teachers_are_clear_errors():
    bicubic = InterpolationEnhancer("bicubic")
    with pytest.raises(PlateplugError, match="share must be in"):
        TeacherTargets(FixedSampler(), bicubic, 0.0)
    with pytest.raises(PlateplugError, match="multi-frame"):
        TeacherTargets(FixedSampler(channels=6), bicubic, 0.5).sample(2)
    with pytest.raises(PlateplugError, match="must enlarge 2x"):
        TeacherTargets(FixedSampler(), InterpolationEnhancer("bicubic", scale=2), 0.5).sample(2)


def test_unet_trains_with_a_teacher(synthetic_plates, tmp_path):
    base = {"model": "unet", "data": [str(synthetic_plates)], "steps": 2, "batch": 2,
            "threads": 1, "seed": 1, "val_every": 2, "log_every": 1, "val_count": 2}
    first = train(TrainConfig(**{**base, "out": str(tmp_path / "a"), "steps": 1}))
    teacher = export_checkpoint("unet", first, tmp_path / "teacher.onnx")
    path = train(TrainConfig(**{**base, "out": str(tmp_path / "b"), "teacher": str(teacher),
                                "teacher_share": 0.5}))
    assert checkpoint.load(path)["step"] == 2
    settings = json.loads((tmp_path / "b" / "config.json").read_text())
    assert settings["teacher"] == str(teacher) and settings["teacher_share"] == 0.5
    with pytest.raises(PlateplugError, match="multi-frame model"):
        train(TrainConfig(**{**base, "model": "mfsr", "out": str(tmp_path / "c"),
                             "teacher": str(teacher)}))
