"""The models plugins register: ``PluginModel``, the base every registered model shares
(enhancers, detectors, readers); ``OnnxFileModel``, the one loader of ONNX files with
plateplug metadata; the enhancer ones (``EnhancerModel``, ``OnnxModel``) and ``load_enhancer``.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar, cast

import numpy as np

from plateplug import plugins, runtime
from plateplug.enhancer import Enhancer
from plateplug.errors import ModelFileError, ModelNotTrainedError, ModelOutputError, PlateplugError
from plateplug.images import to_blob
from plateplug.metadata import Metadata, ModelMetadata

INT8_SUFFIX = "-int8"  # the int8 copy of enhancer NAME is NAME-int8, in NAME-int8.onnx
T_co = TypeVar("T_co", covariant=True)
M = TypeVar("M", bound=Metadata)


def missing_weights(path: Path) -> str | None:
    """'not trained yet: ...' when the shipped weights file is absent, else None."""
    return None if Path(path).is_file() else f"not trained yet: no weights at {path}"


class PluginModel(ABC, Generic[T_co]):
    """What a plugin registers: a named model that can be described and loaded into a ``T_co``
    (an Enhancer, a Detector, a Reader).

    A subclass sets ``name`` (and ``description``) and implements ``load``; ``noun`` names
    the kind of model in messages. Calls from plateplug go through ``plugins.Registered.call``,
    so an exception other than a PlateplugError becomes a PluginError naming the plugin.
    """

    name: str
    description: str = ""
    noun: ClassVar[str] = "model"

    def unavailable_reason(self) -> str | None:
        """Why ``load`` would fail (e.g. 'not trained', a missing extra), or None when it can
        load."""
        return None

    def info(self) -> dict[str, Any]:
        """Facts for listings such as ``plateplug models``: scale, parameters, file size (what
        is known)."""
        return {}

    def with_path(self, path: str | Path) -> PluginModel[T_co]:
        """This model with its weights read from ``path`` (``NAME:PATH`` on the command line);
        raises PlateplugError for models that take no model file."""
        raise PlateplugError(f"{self.noun} {self.name!r} takes no model file ({path})")

    @abstractmethod
    def load(self, device: str = "auto", threads: int | None = None) -> T_co:
        """Create the model on ``device`` ('auto', 'cpu' or 'cuda') with at most ``threads``
        CPU threads (None: onnxruntime's choice); models without these choices ignore them."""


@dataclass
class OnnxFileModel(PluginModel[T_co], Generic[T_co, M]):
    """A model shipped as an ONNX file whose plateplug metadata has schema ``schema``.

    Not trained while the file is absent; ``NAME:PATH`` reads another file of the same kind;
    ``info`` comes from the metadata, read and checked when asked; ``load`` opens a cached
    onnxruntime session and hands it and the metadata to ``_build``, which subclasses
    implement.
    """

    name: str
    path: Path
    description: str = ""
    schema: ClassVar[type[Metadata]]

    def unavailable_reason(self) -> str | None:
        return missing_weights(self.path)

    def with_path(self, path: str | Path) -> OnnxFileModel[T_co, M]:
        if not Path(path).is_file():
            raise ModelFileError(f"model file {path} does not exist")
        return dataclasses.replace(self, path=Path(path))

    def metadata(self) -> M:
        """The file's metadata; ModelFileError when the file lacks it or it is invalid."""
        return cast(M, runtime.read_metadata(Path(self.path), self.schema))

    def info(self) -> dict[str, Any]:
        if self.unavailable_reason():
            return {}
        return self._facts(self.metadata()) | {"file_size": Path(self.path).stat().st_size}

    def _facts(self, meta: M) -> dict[str, Any]:
        """What ``info`` tells of the metadata (subclasses add their own facts)."""
        return {"parameters": meta.parameters, "version": meta.version,
                "architecture": meta.architecture}

    def load(self, device: str = "auto", threads: int | None = None) -> T_co:
        reason = self.unavailable_reason()
        if reason:
            raise ModelNotTrainedError(f"{self.noun} {self.name!r} is {reason}")
        path = Path(self.path)
        session = runtime.session(path, device, threads)
        return self._build(session, cast(M, runtime.metadata_of(session, path, self.schema)))

    @abstractmethod
    def _build(self, session: Any, meta: M) -> T_co:
        """The loaded model from its open onnxruntime session and the file's metadata."""


class EnhancerModel(PluginModel[Enhancer]):
    """What an enhancer plugin registers: ``load`` returns an Enhancer (``info()`` should give
    at least its ``scale``)."""


class OnnxModel(OnnxFileModel[Enhancer, ModelMetadata], EnhancerModel):
    """An enhancer shipped as an ONNX file with plateplug metadata (see metadata.py)."""

    schema = ModelMetadata

    def _facts(self, meta: ModelMetadata) -> dict[str, Any]:
        return {"scale": meta.scale, "precision": meta.precision or "fp32"} | super()._facts(meta)

    def int8(self) -> OnnxModel:
        """This model's int8 copy (``plateplug quantize``): ``NAME-int8``, read from
        ``NAME-int8.onnx`` beside this model's file."""
        path = Path(self.path)
        return dataclasses.replace(
            self, name=self.name + INT8_SUFFIX,
            path=path.with_name(f"{path.stem}{INT8_SUFFIX}.onnx"),
            description=f"{self.name} quantised to int8 for CPUs: faster, a little less exact")

    def _build(self, session: Any, meta: ModelMetadata) -> Enhancer:
        return OnnxEnhancer(session, meta)


def enhancers() -> dict[str, plugins.Registered[EnhancerModel]]:
    """Name -> registered enhancer model (with the plugin that registered it)."""
    return plugins.registry("enhancer")


def enhancer_model(name: str) -> EnhancerModel:
    """A registered enhancer, or an ``.onnx`` file with plateplug metadata (a candidate
    before it is shipped), named by its path as given, so that a candidate never shares the
    name of a registered model in a table; a router file (``plateplug.routing``) gives its
    routed enhancer."""
    if name.lower().endswith(".onnx"):
        from plateplug.routing import RoutedModel, is_router_file  # routing builds on this

        path = Path(name)
        if path.is_file() and is_router_file(path):
            return RoutedModel(name, path, f"router file {path}")
        return OnnxModel(name, path, f"ONNX file {path}")
    return plugins.lookup("enhancer", name).item


def load_enhancer(name: str, device: str = "auto", threads: int | None = None) -> Enhancer:
    """Load the enhancer registered as ``name`` on ``device`` ('auto', 'cpu' or 'cuda')."""
    return plugins.lookup("enhancer", name).call("load", device=device, threads=threads)


class OnnxEnhancer(Enhancer):
    """Runs an ONNX super-resolution graph; everything model-specific comes from metadata."""

    def __init__(self, session: Any, meta: ModelMetadata):
        providers = session.get_providers()
        super().__init__(meta.name, meta.scale, providers=providers,
                         tile_overlap=meta.tile_overlap)
        self.session = session
        self.metadata = meta
        self._input = session.get_inputs()[0].name
        self._rgb = meta.channel_order == "RGB"
        mean = np.array(meta.mean, np.float32).reshape(1, 3, 1, 1)
        std = np.array(meta.std, np.float32).reshape(1, 3, 1, 1)
        self._out_scale, self._out_offset = std * np.float32(255), mean * np.float32(255) + 0.5

    def _run(self, batch: np.ndarray) -> np.ndarray:
        h, w = batch.shape[1:3]
        return self.decode(self.forward(self.blob(batch)), h, w)

    def blob(self, batch: np.ndarray) -> np.ndarray:
        """N x H x W x 3 uint8 BGR -> the model's normalised N x 3 x H' x W' float input,
        H and W edge-padded to the metadata's ``pad_multiple``."""
        h, w = batch.shape[1:3]
        m = self.metadata.pad_multiple
        ph, pw = -h % m, -w % m
        if ph or pw:
            batch = np.pad(batch, ((0, 0), (0, ph), (0, pw), (0, 0)), mode="edge")
        return to_blob(list(batch), self.metadata.mean, self.metadata.std, self._rgb)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Run the graph on input ``x``; ModelOutputError unless it returns N x 3 x sH x sW."""
        y = self.session.run(None, {self._input: x})[0]
        s = self.scale
        if y.shape != (x.shape[0], 3, x.shape[2] * s, x.shape[3] * s):
            raise ModelOutputError(
                f"model {self.name!r} returned shape {y.shape} for input {x.shape}, which "
                f"does not match the scale {s} its metadata declares")
        return y

    def decode(self, y: np.ndarray, h: int, w: int) -> np.ndarray:
        """The model's output -> N x sh x sw x 3 uint8 BGR for inputs of h x w (padding cut;
        ``y`` is overwritten)."""
        y *= self._out_scale
        y += self._out_offset
        np.clip(y, 0, 255, out=y)
        out = y.astype(np.uint8).transpose(0, 2, 3, 1)
        if self._rgb:
            out = out[..., ::-1]
        s = self.scale
        return np.ascontiguousarray(out[:, :h * s, :w * s])
