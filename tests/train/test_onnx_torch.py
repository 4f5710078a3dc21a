"""ONNX graphs run with torch operations give onnxruntime's outputs, keep gradients, and an
operator outside the supported set is a clear error."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train.onnx_torch import OnnxGraphModule  # noqa: E402


def _const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def _model(nodes, initializers, out_shape):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 6, 9])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
        initializer=initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])


def _recogniser_like_model():
    """The operators of PP-OCR recognisers: padded convs (SAME_UPPER, asymmetric, symmetric
    depthwise), BN, pooling, hard-sigmoid attention, GELU via Erf, layer norm, reshapes,
    MatMul, softmax."""
    rng = np.random.default_rng(0)
    f32 = np.float32
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], kernel_shape=[2, 2],
                         strides=[1, 1], auto_pad="SAME_UPPER"),
        helper.make_node("MaxPool", ["c1"], ["p1"], kernel_shape=[2, 2], strides=[1, 1],
                         auto_pad="SAME_UPPER"),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], kernel_shape=[3, 3], strides=[1, 1],
                         pads=[1, 0, 1, 2], group=2),
        helper.make_node("BatchNormalization", ["c2", "s", "bb", "m", "v"], ["n"]),
        helper.make_node("Conv", ["n", "w3"], ["d"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         group=4),
        helper.make_node("AveragePool", ["d"], ["a"], kernel_shape=[3, 2], strides=[3, 2]),
        helper.make_node("ReduceMean", ["a"], ["r"], axes=[2, 3], keepdims=1),
        helper.make_node("HardSigmoid", ["r"], ["h"], alpha=0.2, beta=0.5),
        helper.make_node("Mul", ["a", "h"], ["g"]),
        helper.make_node("Div", ["g", "sqrt2"], ["gd"]),
        helper.make_node("Erf", ["gd"], ["e"]),
        helper.make_node("Add", ["e", "one"], ["e1"]),
        helper.make_node("Mul", ["g", "e1"], ["gelu"]),
        helper.make_node("Sigmoid", ["gelu"], ["sg"]),
        helper.make_node("Relu", ["sg"], ["rl"]),
        helper.make_node("Shape", ["rl"], ["shape"]),
        helper.make_node("Slice", ["shape", "zero", "two", "zero"], ["nc"]),
        helper.make_node("Concat", ["nc", "minus1"], ["newshape"], axis=0),
        helper.make_node("Reshape", ["rl", "newshape"], ["flat"]),
        helper.make_node("Transpose", ["flat"], ["t"], perm=[0, 2, 1]),
        helper.make_node("Sub", ["t", "half"], ["ts"]),
        helper.make_node("Pow", ["ts", "two_f"], ["sq"]),
        helper.make_node("Add", ["sq", "one"], ["sq1p"]),
        helper.make_node("Sqrt", ["sq1p"], ["ab"]),
        helper.make_node("MatMul", ["ab", "wm"], ["mm"]),
        helper.make_node("Unsqueeze", ["mm"], ["u"], axes=[1]),
        helper.make_node("Squeeze", ["u"], ["sq1"], axes=[1]),
        helper.make_node("Identity", ["sq1"], ["i"]),
        helper.make_node("Softmax", ["i"], ["y"], axis=2),
    ]
    inits = [
        _const("w1", rng.normal(size=(4, 3, 2, 2)).astype(f32)),
        _const("b1", rng.normal(size=4).astype(f32)),
        _const("w2", rng.normal(size=(4, 2, 3, 3)).astype(f32)),
        _const("w3", rng.normal(size=(4, 1, 3, 3)).astype(f32)),
        _const("s", rng.random(4).astype(f32) + 0.5), _const("bb", rng.normal(size=4).astype(f32)),
        _const("m", rng.normal(size=4).astype(f32)), _const("v", rng.random(4).astype(f32) + 0.5),
        _const("sqrt2", np.array(1.4142135, f32)), _const("one", np.array(1.0, f32)),
        _const("half", np.array(0.5, f32)), _const("two_f", np.array(2.0, f32)),
        _const("zero", np.array([0], np.int64)), _const("two", np.array([2], np.int64)),
        _const("minus1", np.array([-1], np.int64)),
        _const("wm", rng.normal(size=(4, 7)).astype(f32)),
    ]
    return _model(nodes, inits, [2, 5, 7])


def test_a_recogniser_like_graph_gives_onnxruntime_outputs_and_gradients():
    model = _recogniser_like_model()
    x = np.random.default_rng(1).random((2, 3, 6, 9), dtype=np.float32)
    session = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    expected = session.run(None, {"x": x})[0]
    module = OnnxGraphModule(model)
    xt = torch.from_numpy(x).requires_grad_(True)
    got = module(xt)
    np.testing.assert_allclose(got.detach().numpy(), expected, rtol=1e-4, atol=1e-5)
    got[..., 0].sum().backward()
    assert xt.grad is not None and float(xt.grad.abs().sum()) > 0
    assert not any(p.requires_grad for p in module.parameters())


def test_an_unsupported_operator_is_named():
    model = _model([helper.make_node("Gather", ["x", "idx"], ["y"], axis=0)],
                   [_const("idx", np.array([0], np.int64))], [1, 3, 6, 9])
    with pytest.raises(PlateplugError, match="not supported here: Gather"):
        OnnxGraphModule(model)


def test_constant_tensors_are_weights_and_other_constants_are_named():
    shift = helper.make_node("Constant", [], ["k"], value=_const("k", np.float32([1.5])))
    model = _model([shift, helper.make_node("Add", ["x", "k"], ["y"])], [], [2, 3, 6, 9])
    x = torch.rand(2, 3, 6, 9)
    torch.testing.assert_close(OnnxGraphModule(model)(x), x + 1.5)
    listed = helper.make_node("Constant", [], ["k"], value_floats=[1.5])
    with pytest.raises(PlateplugError, match="not supported here: Constant"):
        OnnxGraphModule(_model([listed, helper.make_node("Add", ["x", "k"], ["y"])], [],
                               [2, 3, 6, 9]))
