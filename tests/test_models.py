"""The one contract of registered models (PluginModel) and the one ONNX-file loader
(OnnxFileModel), with both kinds of file: enhancer and detector."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import plateplug
from plateplug import plugins
from plateplug.detect import Detector, DetectorModel, OnnxDetectorModel, detectors
from plateplug.detect.metadata import DetectorMetadata
from plateplug.detect.onnx_detector import OnnxDetector
from plateplug.enhancer import Enhancer
from plateplug.errors import ModelFileError, ModelNotTrainedError, PlateplugError
from plateplug.metadata import ModelMetadata
from plateplug.models import (
    EnhancerModel,
    OnnxEnhancer,
    OnnxFileModel,
    OnnxModel,
    PluginModel,
    enhancers,
    load_enhancer,
)
from plateplug.readers import Reader, ReaderModel, readers
from tests.detect.tiny_detectors import build_centernet

pytest.importorskip("onnxruntime")


class Nothing(Enhancer):
    def _run(self, batch: np.ndarray) -> np.ndarray:
        return batch


class Bare(EnhancerModel):
    name = "bare"

    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        return Nothing("bare", 1)


class BareDetector(DetectorModel):
    name = "bare-det"

    def load(self, device: str = "auto", threads: int | None = None) -> Detector:
        raise AssertionError("not loaded here")


class BareReader(ReaderModel):
    name = "bare-reader"

    def load(self, device: str = "auto", threads: int | None = None) -> Reader:
        return lambda image: []


@pytest.mark.parametrize("model,noun", [(Bare(), "model"), (BareDetector(), "detector"),
                                        (BareReader(), "reader")])
def test_every_kind_shares_the_base_and_its_defaults(model, noun):
    assert isinstance(model, PluginModel)
    assert model.unavailable_reason() is None and model.info() == {}
    assert model.description == ""
    with pytest.raises(PlateplugError, match=f"{noun} '{model.name}' takes no model file "
                                             r"\(w.onnx\)"):
        model.with_path("w.onnx")


def test_the_base_cannot_be_registered_without_load():
    class NoLoad(PluginModel[int]):
        name = "x"

    with pytest.raises(TypeError, match="abstract"):
        NoLoad()  # type: ignore[abstract]


def test_typed_accessors_hold_every_builtin_of_each_kind(fresh_plugins):
    cases = [(enhancers(), EnhancerModel, {"unet", "resnet", "srgan"}),
             (detectors(), DetectorModel, {"plateplug", "haar", "yolo"}),
             (readers(), ReaderModel, {"rapidocr", "rapidocr-fast", "rapidocr-rec"})]
    for registered, base, names in cases:
        assert names <= set(registered)
        for name, entry in registered.items():
            assert isinstance(entry, plugins.Registered) and isinstance(entry.item, base)
            assert entry.item.name == name
        builtins = {p.name for p in plugins.installed_plugins() if p.builtin}
        assert all(registered[n].plugin in builtins for n in names)
    assert enhancers() is plugins.registry("enhancer")


def test_load_enhancer_is_plateplug_load(fresh_plugins):
    assert load_enhancer("unet", device="cpu").name == plateplug.load("unet", "cpu").name


def test_an_enhancer_file_loads_and_describes_itself(tiny_onnx):
    path = tiny_onnx("e.onnx", name="tiny")
    model = OnnxModel("e", path, "an enhancer file")
    info = model.info()
    assert info == {"scale": 4, "precision": "fp32", "parameters": 144, "version": "0",
                    "architecture": "fixed nearest upsampler (test)",
                    "file_size": path.stat().st_size}
    assert model.metadata() == ModelMetadata.from_props(model.metadata().to_props())
    enhancer = model.load(device="cpu")
    assert isinstance(enhancer, OnnxEnhancer) and enhancer.metadata == model.metadata()
    assert enhancer(np.zeros((3, 5, 3), np.uint8)).shape == (12, 20, 3)


def test_a_detector_file_loads_and_describes_itself(tmp_path):
    path = build_centernet(tmp_path / "d.onnx", parameters=7, version="2")
    model = OnnxDetectorModel("d", path)
    assert model.info() == {"parameters": 7, "version": "2", "architecture": "",
                            "file_size": path.stat().st_size}
    assert isinstance(model.metadata(), DetectorMetadata)
    detector = model.load(device="cpu")
    assert isinstance(detector, OnnxDetector) and detector.metadata == model.metadata()


@pytest.mark.parametrize("make,noun", [(OnnxModel, "model"), (OnnxDetectorModel, "detector")])
def test_an_absent_file_is_not_trained(tmp_path, make, noun):
    model = make("gone", tmp_path / "gone.onnx")
    assert model.unavailable_reason() == f"not trained yet: no weights at {model.path}"
    assert model.info() == {}
    with pytest.raises(ModelNotTrainedError, match=f"{noun} 'gone' is not trained yet"):
        model.load(device="cpu")


def test_with_path_reads_another_file_of_the_same_kind(tmp_path, tiny_onnx):
    model = OnnxModel("e", tmp_path / "gone.onnx", "kept")
    other = model.with_path(tiny_onnx("other.onnx"))
    assert (other.name, other.path, other.description) == ("e", tmp_path / "other.onnx", "kept")
    assert type(other) is OnnxModel and model.path == tmp_path / "gone.onnx"
    with pytest.raises(ModelFileError, match="model file .*nowhere.onnx does not exist"):
        model.with_path(tmp_path / "nowhere.onnx")


def test_each_loader_refuses_the_other_kind_of_file(tmp_path, tiny_onnx):
    enhancer_file, detector_file = tiny_onnx("e.onnx"), build_centernet(tmp_path / "d.onnx")
    with pytest.raises(ModelFileError, match="e.onnx is not a plateplug detector"):
        OnnxDetectorModel("d", enhancer_file).load(device="cpu")
    with pytest.raises(ModelFileError, match="d.onnx has no plateplug metadata"):
        OnnxModel("e", detector_file).info()


class Doubled(OnnxModel):
    """A subclass changes what is built and what is told, nothing else (as mfsr does)."""

    def _facts(self, meta: ModelMetadata) -> dict[str, Any]:
        return super()._facts(meta) | {"doubled": True}

    def _build(self, session: Any, meta: ModelMetadata) -> Enhancer:
        inner = super()._build(session, meta)

        class Twice(Enhancer):
            def _run(self, batch: np.ndarray) -> np.ndarray:
                return np.stack(inner.enhance_batch(inner.enhance_batch(list(batch))))

        return Twice("doubled", inner.scale ** 2)


def test_a_subclass_overrides_only_what_it_builds(tiny_onnx):
    model = Doubled("d", tiny_onnx(scale=2))
    assert model.info()["doubled"] and model.info()["scale"] == 2
    assert model.load(device="cpu")(np.zeros((2, 3, 3), np.uint8)).shape == (8, 12, 3)


def test_a_new_kind_of_file_model_needs_a_schema_and_build(tiny_onnx):
    class Scale(OnnxFileModel[int, ModelMetadata]):
        schema = ModelMetadata

        def _build(self, session: Any, meta: ModelMetadata) -> int:
            return meta.scale

    assert Scale("s", tiny_onnx(scale=3)).load(device="cpu") == 3


def test_every_base_a_plugin_author_needs_is_importable_from_plateplug():
    from plateplug.detect import Detection
    from plateplug.hookspecs import hookimpl
    from plateplug.multiframe import MultiFrameEnhancer, OnnxMultiFrameModel

    for obj in (PluginModel, EnhancerModel, OnnxModel, OnnxFileModel, Enhancer, DetectorModel,
                OnnxDetectorModel, Detector, Detection, ReaderModel, ModelMetadata,
                DetectorMetadata, MultiFrameEnhancer, OnnxMultiFrameModel,
                plateplug.errors.PluginError):
        assert getattr(plateplug, obj.__name__) is obj, obj.__name__
        assert obj.__name__ in plateplug.__all__
    assert (plateplug.Reader, plateplug.hookimpl) == (Reader, hookimpl)
