"""Quantise an enhancer's ONNX file to int8 for CPUs: static QDQ quantisation (per-channel
int8 weights in 7 bits, uint8 activations) calibrated on LR plate crops made as in training
(HR crops resized to the model's working heights x4 and degraded by the ``balanced`` mix),
metadata kept, named ``<name>-int8``, with ``precision`` int8 and the calibration stated."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from plateplug.data.crops import Crop
from plateplug.errors import PlateplugError
from plateplug.imageio import atomic_path
from plateplug.metadata import PREFIX, ModelMetadata
from plateplug.models import INT8_SUFFIX, OnnxEnhancer, OnnxModel
from plateplug.train.degrade import degrade

DEFAULT_MAX_HEIGHT = 32  # LR heights calibrated on when the model declares no working range
SCALE = 4


def calibration_crops(crops: Sequence[Crop], meta: ModelMetadata, count: int,
                      seed: int = 0) -> list[np.ndarray]:
    """``count`` LR crops (BGR uint8) as the model meets them: a random HR crop resized to
    ``SCALE`` times a height drawn from the model's working range, then degraded (half clean,
    half camera-like: the ``balanced`` training mix)."""
    if not crops:
        raise PlateplugError("no plate crops to calibrate the int8 model on")
    rng = np.random.default_rng(seed)
    low = meta.min_input_height or 12
    high = max(low, meta.max_input_height or DEFAULT_MAX_HEIGHT)
    out = []
    for _ in range(count):
        hr = crops[int(rng.integers(len(crops)))].image
        height = int(rng.integers(low, high + 1))
        width = max(SCALE, round(hr.shape[1] * height / hr.shape[0]))
        big = cv2.resize(hr, (SCALE * width, SCALE * height), interpolation=cv2.INTER_AREA)
        out.append(degrade(big, rng, "balanced"))
    return out


def quantize_enhancer(source: Path, output: Path, crops: Sequence[Crop], count: int = 64,
                      seed: int = 0) -> Path:
    """Write ``source`` (a plateplug enhancer .onnx) quantised to int8 to ``output``,
    calibrated on ``count`` LR crops made from ``crops``; returns ``output``."""
    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    enhancer = OnnxModel(name=source.stem, path=source).load("cpu", 1)
    if not isinstance(enhancer, OnnxEnhancer):
        raise PlateplugError(f"{source} is not a single-frame plateplug enhancer")
    samples = calibration_crops(crops, enhancer.metadata, count, seed)
    name, blob = enhancer.session.get_inputs()[0].name, enhancer.blob

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.inputs: Iterator[np.ndarray] = (blob(s[None]) for s in samples)

        def get_next(self) -> dict[str, np.ndarray] | None:
            x = next(self.inputs, None)
            return None if x is None else {name: x}

    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        quantized = Path(tmp) / "int8.onnx"
        # 7-bit weights (reduce_range): on x86 CPUs without VNNI, onnxruntime's uint8 x int8
        # kernels add pairs of products in int16, which full-range weights overflow (stripes
        # every 4 output columns, about 3 dB lost, on an AVX2 machine)
        quantize_static(str(prepared), str(quantized), Reader(),
                        quant_format=QuantFormat.QDQ, per_channel=True, reduce_range=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
        model = onnx.load(str(quantized))
    props = {p.key: p.value for p in onnx.load(str(source)).metadata_props}
    meta = enhancer.metadata
    props |= replace(meta, name=meta.name + INT8_SUFFIX, precision="int8").to_props()
    props[f"{PREFIX}extra.int8_calibration"] = f"{count} LR plate crops, seed {seed}"
    del model.metadata_props[:]
    for key, value in props.items():
        model.metadata_props.add(key=key, value=value)
    with atomic_path(output) as partial:
        onnx.save(model, str(partial))
    return output
