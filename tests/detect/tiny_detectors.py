"""Tiny fixed (not learned) detector graphs built with onnx.helper for the tests.

``build_centernet``: a plateplug detector (stride 4) whose heat map is the 4x4 max of the
first input channel (0..1), every box 32 x 16 canvas pixels centred on its cell.
``build_yolo``: an ultralytics-style export, 640 x 640 input, one candidate per 32 x 32 cell
(score = twice the cell's max of the first input channel, R in RGB, less 0.5: the grey
padding scores 0), every box 64 x 32 input pixels
centred on its cell; optional extra rows (mask coefficients) and a second output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from plateplug.detect.metadata import DetectorMetadata

BOX_CELLS = (8.0, 4.0)  # centernet box width, height in cells of 4 px
YOLO_BOX = (64.0, 32.0)  # yolo box width, height in input pixels


def build_centernet(path: Path, *, dynamic: bool = True, without: tuple[str, ...] = (),
                    **meta: object) -> Path:
    """The centernet test graph with plateplug metadata (``meta`` overrides fields; the
    ``without`` keys are left out)."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    dims = ["n", 3, "h", "w"] if dynamic else [1, 3, 384, 640]
    consts = {"zero": 0.0, "half": 0.5, "logw": np.log(BOX_CELLS[0]),
              "logh": np.log(BOX_CELLS[1])}
    inits = [numpy_helper.from_array(np.array(v, np.float32), k) for k, v in consts.items()]
    inits += [numpy_helper.from_array(np.array(v, np.int64), k)
              for k, v in (("s0", [0]), ("s1", [1]), ("axis", [1]))]
    nodes = [
        helper.make_node("Slice", ["image", "s0", "s1", "axis"], ["first"]),
        helper.make_node("MaxPool", ["first"], ["heat"], kernel_shape=[4, 4], strides=[4, 4]),
        helper.make_node("Mul", ["heat", "zero"], ["zeros"]),
        *(helper.make_node("Add", ["zeros", c], [c + "_map"]) for c in ("half", "logw", "logh")),
        helper.make_node("Concat", ["heat", "half_map", "half_map", "logw_map", "logh_map"],
                         ["output"], axis=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_centernet",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, dims)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    fields: dict = {"name": "tiny", "input_size": (640, 384), "stride": 4,
                    "score_threshold": 0.5} | meta
    for key, value in DetectorMetadata(**fields).to_props().items():
        if key.removeprefix("plateplug.") not in without:
            model.metadata_props.add(key=key, value=value)
    onnx.save(model, str(path))
    return path


def build_yolo(path: Path, *, float16: bool = False, extra_rows: int = 0,
               names: str = "{0: 'plate'}", end2end: bool = False) -> Path:
    """The yolo test graph with ultralytics-style metadata."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    grid = np.arange(20, dtype=np.float32) * 32 + 16
    cy, cx = np.meshgrid(grid, grid, indexing="ij")
    boxes = np.stack([cx.ravel(), cy.ravel(), np.full(400, YOLO_BOX[0], np.float32),
                      np.full(400, YOLO_BOX[1], np.float32)])[None]
    rows = [numpy_helper.from_array(boxes.astype(np.float32), "boxes"),
            numpy_helper.from_array(np.zeros((1, extra_rows, 400), np.float32), "extra"),
            numpy_helper.from_array(np.array([1, 1, 400], np.int64), "shape"),
            numpy_helper.from_array(np.array(0.5, np.float32), "half"),
            numpy_helper.from_array(np.array(2.0, np.float32), "two")]
    rows += [numpy_helper.from_array(np.array(v, np.int64), k)
             for k, v in (("s0", [0]), ("s1", [1]), ("axis", [1]))]
    kind = TensorProto.FLOAT16 if float16 else TensorProto.FLOAT
    nodes = [
        helper.make_node("Cast", ["images"], ["x"], to=TensorProto.FLOAT),
        helper.make_node("Slice", ["x", "s0", "s1", "axis"], ["red"]),
        helper.make_node("MaxPool", ["red"], ["cells"], kernel_shape=[32, 32], strides=[32, 32]),
        helper.make_node("Sub", ["cells", "half"], ["centred"]),
        helper.make_node("Relu", ["centred"], ["positive"]),
        helper.make_node("Mul", ["positive", "two"], ["doubled"]),
        helper.make_node("Reshape", ["doubled", "shape"], ["scores"]),
        helper.make_node("Concat", ["boxes", "scores", "extra"], ["rows"], axis=1),
        helper.make_node("Cast", ["rows"], ["output0"], to=kind),
    ]
    outputs = [helper.make_tensor_value_info("output0", kind, [1, 5 + extra_rows, 400])]
    if extra_rows:
        nodes.append(helper.make_node("Identity", ["cells"], ["output1"]))
        outputs.append(helper.make_tensor_value_info("output1", TensorProto.FLOAT, None))
    graph = helper.make_graph(
        nodes, "tiny_yolo", [helper.make_tensor_value_info("images", kind, [1, 3, 640, 640])],
        outputs, rows)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for key, value in (("names", names), ("task", "detect"), ("imgsz", "[640, 640]"),
                       ("end2end", str(end2end))):
        model.metadata_props.add(key=key, value=value)
    onnx.save(model, str(path))
    return path


def dot_frame(height: int = 720, width: int = 1280, x: int = 608, y: int = 384,
              side: int = 8, colour: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """A black frame with one ``side`` x ``side`` square of ``colour`` (BGR) at (x, y)."""
    frame = np.zeros((height, width, 3), np.uint8)
    frame[y:y + side, x:x + side] = colour
    return frame
