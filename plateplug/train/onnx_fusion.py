"""Rewrite an ONNX node list into fewer torch operations (``plateplug.train.onnx_torch``):
a bias ``Add`` after a ``Conv`` becomes the convolution's bias, and the five nodes of an
exported erf GELU become one ``Gelu``. The results are the same; a frozen recogniser's
forward and backward passes do less work."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

Node = tuple[str, list[str], list[str], dict[str, Any]]


def fuse(nodes: list[Node], arrays: dict[str, np.ndarray], outputs: set[str]) -> list[Node]:
    """``nodes`` with conv biases folded and GELUs fused; ``arrays`` (the graph's constant
    tensors by name) gains the folded biases; names in ``outputs`` are never fused away."""
    return _fuse_gelu(_fold_conv_bias(nodes, arrays, outputs), arrays, outputs)


def _users(nodes: list[Node], outputs: set[str]) -> Counter[str]:
    return Counter([name for _, inputs, _, _ in nodes for name in inputs] + list(outputs))


def _fold_conv_bias(nodes: list[Node], arrays: dict[str, np.ndarray],
                    outputs: set[str]) -> list[Node]:
    users = _users(nodes, outputs)
    producer = {node[2][0]: i for i, node in enumerate(nodes)}
    result = list(nodes)
    dropped = set()
    for i, (op, inputs, add_outputs, _) in enumerate(nodes):
        if op != "Add" or len(inputs) != 2:
            continue
        for conv_output, bias in (inputs, inputs[::-1]):
            j = producer.get(conv_output)
            if j is None or bias not in arrays or users[conv_output] != 1:
                continue
            conv_op, conv_inputs, _, conv_attrs = result[j]
            weight = arrays.get(conv_inputs[1]) if len(conv_inputs) > 1 else None
            if conv_op != "Conv" or weight is None or any(conv_inputs[2:]):
                continue
            if arrays[bias].shape != (1, weight.shape[0], 1, 1):
                continue
            folded = f"{bias}/conv_bias"
            arrays[folded] = arrays[bias].reshape(-1).astype(weight.dtype)
            result[j] = (conv_op, conv_inputs[:2] + [folded], add_outputs, conv_attrs)
            dropped.add(i)
            break
    return [node for i, node in enumerate(result) if i not in dropped]


def _fuse_gelu(nodes: list[Node], arrays: dict[str, np.ndarray],
               outputs: set[str]) -> list[Node]:
    """Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5) -> Gelu(x), the inputs in any order."""
    users = _users(nodes, outputs)
    producer = {node[2][0]: i for i, node in enumerate(nodes)}

    def other(inputs: list[str], value: float) -> str | None:
        """The input beside a scalar constant ``value``, if there is one."""
        for mine, theirs in ((inputs[0], inputs[1]), (inputs[1], inputs[0])):
            array = arrays.get(theirs)
            if array is not None and array.size == 1 and abs(float(array.flat[0]) - value) < 1e-4:
                return mine
        return None

    def made_by(name: str | None, op: str) -> int | None:
        """Index of the node of type ``op`` making ``name``, when nothing else reads it."""
        if name is None or name not in producer:
            return None
        j = producer[name]
        return j if nodes[j][0] == op and users[name] == 1 else None

    replaced: dict[int, Node] = {}
    dropped: set[int] = set()
    for i, (op, inputs, gelu_outputs, _) in enumerate(nodes):
        if op != "Mul" or len(inputs) != 2:
            continue
        product = made_by(other(inputs, 0.5), "Mul")
        if product is None:
            continue
        for x, plus_one in (nodes[product][1], nodes[product][1][::-1]):
            add = made_by(plus_one, "Add")
            if add is None:
                continue
            erf = made_by(other(nodes[add][1], 1.0), "Erf")
            if erf is None:
                continue
            div = made_by(nodes[erf][1][0], "Div")
            if div is None or nodes[div][1][0] != x or other(nodes[div][1], 2 ** 0.5) != x:
                continue
            replaced[i] = ("Gelu", [x], gelu_outputs, {})
            dropped.update({product, add, erf, div})
            break
    return [replaced.get(i, node) for i, node in enumerate(nodes) if i not in dropped]
