"""Conv biases and erf GELUs are fused only where the rewrite keeps every result, and the fused
graph still gives onnxruntime's outputs and gradients."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from plateplug.train.onnx_fusion import fuse  # noqa: E402
from plateplug.train.onnx_torch import OnnxGraphModule  # noqa: E402

F32 = np.float32


def _arrays():
    rng = np.random.default_rng(0)
    return {
        "w": rng.normal(size=(4, 3, 3, 3)).astype(F32),
        "bias": rng.normal(size=(1, 4, 1, 1)).astype(F32),
        "flat_bias": rng.normal(size=4).astype(F32),
        "sqrt2": np.array(2 ** 0.5, F32), "one": np.array(1.0, F32),
        "half": np.array(0.5, F32), "two": np.array(2.0, F32),
    }


def _gelu(x, out, sqrt2="sqrt2", half="half"):
    """The five nodes an exporter writes for an exact GELU of ``x``."""
    return [("Div", [x, sqrt2], [f"{out}_d"], {}), ("Erf", [f"{out}_d"], [f"{out}_e"], {}),
            ("Add", ["one", f"{out}_e"], [f"{out}_e1"], {}),
            ("Mul", [x, f"{out}_e1"], [f"{out}_m"], {}), ("Mul", [half, f"{out}_m"], [out], {})]


def _conv_bias_gelu():
    return [("Conv", ["x", "w"], ["c"], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}),
            ("Add", ["c", "bias"], ["cb"], {}), *_gelu("cb", "y")]


def test_a_conv_bias_and_a_gelu_become_two_nodes():
    arrays = _arrays()
    fused = fuse(_conv_bias_gelu(), arrays, {"y"})
    assert [(op, inputs, outputs) for op, inputs, outputs, _ in fused] == [
        ("Conv", ["x", "w", "bias/conv_bias"], ["cb"]), ("Gelu", ["cb"], ["y"])]
    np.testing.assert_array_equal(arrays["bias/conv_bias"], arrays["bias"].reshape(4))


@pytest.mark.parametrize("change", ["conv output read twice", "bias not per channel",
                                    "conv has a bias", "not sqrt 2", "not a half",
                                    "erf input read twice", "graph output inside"])
def test_nothing_is_fused_that_would_change_a_result(change):
    arrays = _arrays()
    nodes = _conv_bias_gelu()
    outputs = {"y"}
    if change == "conv output read twice":
        nodes.append(("Relu", ["c"], ["r"], {}))
    elif change == "bias not per channel":
        nodes[1] = ("Add", ["c", "flat_bias"], ["cb"], {})
    elif change == "conv has a bias":
        nodes[0] = ("Conv", ["x", "w", "flat_bias"], ["c"], nodes[0][3])
    elif change == "not sqrt 2":
        nodes[2:] = _gelu("cb", "y", sqrt2="two")
    elif change == "not a half":
        nodes[2:] = _gelu("cb", "y", half="two")
    elif change == "erf input read twice":
        nodes.append(("Relu", ["y_d"], ["r"], {}))
    else:
        outputs = {"y", "y_e"}
    fused = fuse(list(nodes), arrays, outputs)
    folded = fused[0][1] == ["x", "w", "bias/conv_bias"]
    gelu = any(op == "Gelu" for op, *_ in fused)
    if change in ("conv output read twice", "bias not per channel", "conv has a bias"):
        assert not folded and gelu
    else:
        assert folded and not gelu


def test_the_fused_graph_gives_onnxruntime_outputs_and_gradients():
    arrays = _arrays()
    nodes = [helper.make_node(op, inputs, outputs, **attrs)
             for op, inputs, outputs, attrs in _conv_bias_gelu()]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 5, 7])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4, 5, 7])],
        initializer=[numpy_helper.from_array(v, k) for k, v in arrays.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    x = np.random.default_rng(1).normal(size=(2, 3, 5, 7)).astype(F32)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"x": x})[0]
    module = OnnxGraphModule(model)
    assert [op for op, *_ in module.nodes] == ["Conv", "Gelu"]
    xt = torch.from_numpy(x).requires_grad_(True)
    got = module(xt)
    np.testing.assert_allclose(got.detach().numpy(), expected, rtol=1e-4, atol=1e-5)
    got.sum().backward()
    # d/dx of the unfused graph, in torch, for the gradient
    plain = torch.from_numpy(x).requires_grad_(True)
    c = torch.nn.functional.conv2d(plain, torch.from_numpy(arrays["w"]), padding=1)
    c = c + torch.from_numpy(arrays["bias"])
    (c * 0.5 * (1 + torch.erf(c / 2 ** 0.5))).sum().backward()
    torch.testing.assert_close(xt.grad, plain.grad, rtol=1e-4, atol=1e-5)
