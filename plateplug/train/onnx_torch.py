"""Run a small ONNX graph with torch operations, so gradients flow through a frozen network
that only exists as ONNX (RapidOCR's recogniser, ``plateplug.train.ocr_teacher``).

Only the operators such recognisers use are implemented (``OPERATORS``); another one is a
``PlateplugError`` when the graph is loaded. Weights become buffers: the network is frozen.
(``onnx2torch`` does the same in general but needs torchvision, whose wheels replace the CPU
build of torch with a CUDA one.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from plateplug.errors import PlateplugError
from plateplug.extras import require
from plateplug.train.onnx_fusion import fuse

Attrs = dict[str, Any]


def _ints(t: torch.Tensor) -> list[int]:
    return [int(v) for v in t.reshape(-1).tolist()]


def _pads(node_attrs: Attrs, kernel: list[int]) -> list[int]:
    """[begin_h, begin_w, end_h, end_w] from ``pads`` or ``auto_pad`` (stride 1 for SAME)."""
    auto = node_attrs.get("auto_pad", b"NOTSET")
    if auto in (b"SAME_UPPER", b"SAME_LOWER"):
        if any(s != 1 for s in node_attrs.get("strides", [1] * len(kernel))):
            raise PlateplugError("auto_pad SAME with a stride is not supported")
        small = [(k - 1) // 2 for k in kernel]
        large = [k - 1 - s for k, s in zip(kernel, small)]
        return small + large if auto == b"SAME_UPPER" else large + small
    return list(node_attrs.get("pads", [0] * 2 * len(kernel)))


def _pad_input(x: torch.Tensor, pads: list[int], value: float = 0.0) -> torch.Tensor:
    """F.pad with ONNX's [begin..., end...] order (2-D)."""
    return F.pad(x, (pads[1], pads[3], pads[0], pads[2]), value=value) if any(pads) else x


def _conv(a: Attrs, x, w, b=None):
    pads = _pads(a, list(a["kernel_shape"]))
    symmetric = pads[:2] == pads[2:]
    if not symmetric:
        x = _pad_input(x, pads)
    return F.conv2d(x, w, b, stride=a.get("strides", 1), padding=pads[:2] if symmetric else 0,
                    dilation=a.get("dilations", 1), groups=a.get("group", 1))


def _max_pool(a: Attrs, x):
    kernel = list(a["kernel_shape"])
    x = _pad_input(x, _pads(a, kernel), value=float("-inf"))
    return F.max_pool2d(x, kernel, a.get("strides", kernel), ceil_mode=bool(a.get("ceil_mode")))


def _average_pool(a: Attrs, x):
    kernel = list(a["kernel_shape"])
    pads = _pads(a, kernel)
    if any(pads):
        raise PlateplugError("AveragePool with padding is not supported")
    return F.avg_pool2d(x, kernel, a.get("strides", kernel), ceil_mode=bool(a.get("ceil_mode")))


def _slice(a: Attrs, x, starts, ends, axes=None, steps=None):
    begins = _ints(starts)
    axes_ = _ints(axes) if axes is not None else list(range(len(begins)))
    steps_ = _ints(steps) if steps is not None else [1] * len(axes_)
    index = [slice(None)] * x.dim()
    for axis, s, e, step in zip(axes_, begins, _ints(ends), steps_):
        if step != 1:
            raise PlateplugError("Slice with a step other than 1 is not supported")
        index[axis] = slice(s, e)
    return x[tuple(index)]


def _reshape(a: Attrs, x, shape):
    dims = [x.shape[i] if d == 0 else d for i, d in enumerate(_ints(shape))]
    return x.reshape(dims)


def _softmax(a: Attrs, x):
    """Opset < 13: softmax over all dims from ``axis`` on, flattened (axis default 1)."""
    axis = a.get("axis", 1) % x.dim()
    flat = x.reshape(*x.shape[:axis], -1).softmax(-1)
    return flat.reshape(x.shape)


def _squeeze(a: Attrs, x, axes=None):
    dims: list[int] = a["axes"] if axes is None else _ints(axes)
    for d in sorted((d % x.dim() for d in dims), reverse=True):
        x = x.squeeze(d)
    return x


def _unsqueeze(a: Attrs, x, axes=None):
    dims: list[int] = a["axes"] if axes is None else _ints(axes)
    for d in sorted(dims):
        x = x.unsqueeze(d)
    return x


OPERATORS: dict[str, Callable[..., torch.Tensor]] = {
    "Identity": lambda a, x: x,
    "Add": lambda a, x, y: x + y,
    "Sub": lambda a, x, y: x - y,
    "Mul": lambda a, x, y: x * y,
    "Div": lambda a, x, y: x / y,
    "Pow": lambda a, x, y: x.pow(float(y)) if y.numel() == 1 else x.pow(y),
    "Sqrt": lambda a, x: x.sqrt(),
    "Erf": lambda a, x: torch.erf(x),
    "Gelu": lambda a, x: F.gelu(x, approximate=a.get("approximate", b"none").decode()),
    "Relu": lambda a, x: x.relu(),
    "Sigmoid": lambda a, x: x.sigmoid(),
    "HardSigmoid": lambda a, x: (a.get("alpha", 0.2) * x + a.get("beta", 0.5)).clamp(0, 1),
    "MatMul": lambda a, x, y: x @ y,
    "Transpose": lambda a, x: x.permute(*a["perm"]),
    "ReduceMean": lambda a, x: x.mean(dim=a["axes"], keepdim=bool(a.get("keepdims", 1))),
    "Concat": lambda a, *xs: torch.cat(xs, dim=a["axis"]),
    "Shape": lambda a, x: torch.tensor(x.shape, dtype=torch.int64),
    "BatchNormalization": lambda a, x, s, b, m, v: F.batch_norm(
        x, m, v, s, b, training=False, eps=a.get("epsilon", 1e-5)),
    "Conv": _conv,
    "MaxPool": _max_pool,
    "AveragePool": _average_pool,
    "Slice": _slice,
    "Reshape": _reshape,
    "Softmax": _softmax,
    "Squeeze": _squeeze,
    "Unsqueeze": _unsqueeze,
}


class OnnxGraphModule(nn.Module):
    """A one-input, one-output ONNX graph evaluated node by node with torch operations."""

    def __init__(self, model: Any):
        super().__init__()
        onnx = require("onnx", "train")
        numpy_helper = onnx.numpy_helper
        graph = model.graph
        # Constant nodes holding a tensor become buffers like the initialisers (by output name)
        constants = {n.output[0]: n.attribute[0].t for n in graph.node if n.op_type == "Constant"
                     and [a.name for a in n.attribute] == ["value"]}
        nodes = [n for n in graph.node
                 if not (n.op_type == "Constant" and n.output[0] in constants)]
        unknown = sorted({n.op_type for n in nodes} - set(OPERATORS))
        if unknown:
            raise PlateplugError(f"ONNX operators not supported here: {', '.join(unknown)}")
        if len(graph.input) != 1 or len(graph.output) != 1:
            raise PlateplugError("only graphs with one input and one output are supported")
        tensors = [(init.name, init) for init in graph.initializer] + list(constants.items())
        arrays = {name: numpy_helper.to_array(tensor) for name, tensor in tensors}
        self.input_name = graph.input[0].name
        self.output_name = graph.output[0].name
        self.nodes = fuse([(n.op_type, list(n.input), list(n.output),
                            {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute})
                           for n in nodes], arrays, {self.output_name})
        used = {name for _, inputs, _, _ in self.nodes for name in inputs}
        self.names: dict[str, str] = {}
        for i, name in enumerate(name for name in arrays if name in used):
            self.register_buffer(f"w{i}", torch.from_numpy(arrays[name].copy()))
            self.names[name] = f"w{i}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        values: dict[str, torch.Tensor] = {k: getattr(self, v) for k, v in self.names.items()}
        if x.dim() == 4:  # channels-last: a recogniser's forward and backward in 0.85x the time
            x = x.contiguous(memory_format=torch.channels_last)  # on one CPU thread (stop 57)
        values[self.input_name] = x
        for op, inputs, outputs, attrs in self.nodes:
            args = [values[name] if name else None for name in inputs]
            while args and args[-1] is None:
                args.pop()
            values[outputs[0]] = OPERATORS[op](attrs, *args)
        return values[self.output_name]
