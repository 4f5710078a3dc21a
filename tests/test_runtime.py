"""Provider choice and model-file errors; the CUDA path is tested by faking onnxruntime."""

import logging

import onnxruntime as ort
import pytest

from plateplug import runtime
from plateplug.errors import DeviceUnavailableError, ModelFileError, PlateplugError


@pytest.fixture(autouse=True)
def fresh_caches():
    runtime.session.cache_clear()
    runtime._warn_cpu_fallback.cache_clear()
    yield
    runtime.session.cache_clear()


class FakeSession:
    """Stands in for InferenceSession: records providers asked for, 'loads' only CPU."""

    def __init__(self, path, options, providers, really=("CPUExecutionProvider",)):
        self.asked = providers
        self.really = [p for p in providers if p in really]

    def get_providers(self):
        return self.really


def fake_ort(monkeypatch, available, really):
    monkeypatch.setattr(ort, "get_available_providers", lambda: available)
    monkeypatch.setattr(ort, "InferenceSession",
                        lambda p, o, providers: FakeSession(p, o, providers, really))


def test_cpu_session_is_cached(tiny_onnx):
    path = tiny_onnx()
    first = runtime.session(path, "cpu")
    assert first is runtime.session(path, "cpu")
    assert first.get_providers() == ["CPUExecutionProvider"]


def test_auto_uses_cuda_when_it_really_loads(tiny_onnx, monkeypatch):
    fake_ort(monkeypatch, ["CUDAExecutionProvider", "CPUExecutionProvider"],
             really=("CUDAExecutionProvider", "CPUExecutionProvider"))
    sess = runtime.session(tiny_onnx(), "auto")
    assert sess.get_providers()[0] == "CUDAExecutionProvider"


def test_auto_falls_back_to_cpu_with_one_warning(tiny_onnx, monkeypatch, caplog):
    fake_ort(monkeypatch, ["CUDAExecutionProvider", "CPUExecutionProvider"],
             really=("CPUExecutionProvider",))  # listed, but fails to initialise
    with caplog.at_level(logging.WARNING, logger="plateplug"):
        sess = runtime.session(tiny_onnx("a.onnx"), "auto")
        runtime.session(tiny_onnx("b.onnx"), "auto")
    assert sess.asked == ["CPUExecutionProvider"]
    warnings = [r for r in caplog.records if "CUDA is not usable" in r.message]
    assert len(warnings) == 1 and "failed to initialise" in warnings[0].getMessage()


def test_cuda_requested_but_missing_raises(tiny_onnx, monkeypatch):
    fake_ort(monkeypatch, ["CPUExecutionProvider"], really=("CPUExecutionProvider",))
    with pytest.raises(DeviceUnavailableError, match="no CUDA provider"):
        runtime.session(tiny_onnx(), "cuda")


def test_cuda_requested_but_fails_to_load_raises(tiny_onnx, monkeypatch):
    fake_ort(monkeypatch, ["CUDAExecutionProvider", "CPUExecutionProvider"],
             really=("CPUExecutionProvider",))
    with pytest.raises(DeviceUnavailableError, match="failed to initialise"):
        runtime.session(tiny_onnx(), "cuda")


def test_threads_reach_the_session(tiny_onnx, monkeypatch):
    seen = {}
    real = ort.InferenceSession

    def spy(path, options, providers):
        seen["threads"] = options.intra_op_num_threads
        return real(path, options, providers=providers)

    monkeypatch.setattr(ort, "InferenceSession", spy)
    runtime.session(tiny_onnx(), "cpu", threads=1)
    assert seen == {"threads": 1}


def test_unknown_device(tiny_onnx):
    with pytest.raises(PlateplugError, match="unknown device 'tpu'"):
        runtime.session(tiny_onnx(), "tpu")


def test_missing_and_corrupt_files_name_the_file(tmp_path):
    with pytest.raises(ModelFileError, match="nothing.onnx does not exist"):
        runtime.session(tmp_path / "nothing.onnx", "cpu")
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(b"this is not a protobuf")
    with pytest.raises(ModelFileError, match="cannot load model file .*corrupt.onnx"):
        runtime.session(corrupt, "cpu")


def test_model_without_metadata_is_rejected(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = tmp_path / "plain.onnx"
    onnx.save(model, str(path))
    with pytest.raises(ModelFileError, match="plain.onnx has no plateplug metadata"):
        runtime.read_metadata(path)


@pytest.mark.parametrize("gpu_build", [False, True])
def test_cpu_only_install_falls_back_silently(tiny_onnx, monkeypatch, caplog, gpu_build):
    fake_ort(monkeypatch, ["CPUExecutionProvider"], really=("CPUExecutionProvider",))
    monkeypatch.setattr(runtime, "_gpu_build_installed", lambda: gpu_build)
    with caplog.at_level(logging.WARNING, logger="plateplug"):
        sess = runtime.session(tiny_onnx(), "auto")
    assert sess.asked == ["CPUExecutionProvider"]
    warnings = [r.getMessage() for r in caplog.records if "CUDA is not usable" in r.message]
    if gpu_build:  # CUDA was expected: say why it is not used
        assert len(warnings) == 1 and "onnxruntime-gpu is installed" in warnings[0]
    else:
        assert warnings == []


def test_threads_are_capped_at_the_cpu_cores_with_one_warning(tiny_onnx, monkeypatch, caplog):
    seen = []
    real = ort.InferenceSession
    monkeypatch.setattr(ort, "InferenceSession", lambda path, options, providers: seen.append(
        options.intra_op_num_threads) or real(path, options, providers=providers))
    monkeypatch.setattr(runtime, "cpu_cores", lambda: 2)
    runtime._warn_threads.cache_clear()
    with caplog.at_level(logging.WARNING, logger="plateplug"):
        runtime.session(tiny_onnx("a.onnx"), "cpu", threads=512)
        runtime.session(tiny_onnx("b.onnx"), "cpu", threads=512)
        runtime.session(tiny_onnx("c.onnx"), "cpu", threads=2)
    assert seen == [2, 2, 2]
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["512 threads asked for, but only 2 CPU cores are usable; using 2"]
