"""Routed enhancers: a small gate sends each crop to one of two enhancers.

One network rarely serves sharp small crops and camera-blurred ones equally well: trained on
sharp shrinks alone, resnet reads more sharp plates and falls apart on blurred, noisy ones
(docs/models-history.md, stop 58). A router file is a tiny classifier (``plateplug.task``
``router``) that gives each LR crop (or a fixed-size view of it) the probability that it is
a sharp shrink, and names two enhancer files beside it: ``sharp``, for crops scoring at
least ``threshold``, and ``general``, for the rest. Each crop runs through one enhancer
only, so routing costs the gate (well under a millisecond per crop) and no second enhancer
pass. The router file is the model: ``plateplug bench -m PATH`` measures it like an
enhancer file, and a plugin registers it with ``RoutedModel(name, path)``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np

from plateplug import runtime
from plateplug.enhancer import Enhancer, pad_to_bucket
from plateplug.errors import ModelFileError, ModelNotTrainedError
from plateplug.images import to_blob
from plateplug.metadata import (
    UPPER_CASE,
    TaskMetadata,
    check_image_input,
    check_range,
    check_sibling,
)
from plateplug.models import INT8_SUFFIX, EnhancerModel, OnnxModel, missing_weights

MAX_VIEW_SIDE = 512
GATE_THREADS = 1


@dataclass(frozen=True)
class RouterMetadata(TaskMetadata):
    """A router graph: float32 N x 3 x H x W LR crops in, N x 1 probabilities that each is a
    sharp shrink out; ``sharp`` and ``general`` are the file names of the two enhancers,
    beside the router file. With ``view`` (W, H) the graph sees each crop resized to it
    (``gate_view``), else the crop itself (any H and W)."""

    TASK: ClassVar[str] = "router"
    LABEL: ClassVar[str] = "router"
    name: str
    sharp: str
    general: str
    threshold: float = 0.5
    view: tuple[int, int] | None = None
    channel_order: str = field(default="RGB", metadata=UPPER_CASE)
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    architecture: str = ""
    parameters: int = 0
    version: str = "0"
    training_data: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Bounds (ValueError): a name and two plain file names, ``threshold`` 0..1, view sides
        1..MAX_VIEW_SIDE, mean and std as for enhancers."""
        check_image_input(self)
        for role in ("sharp", "general"):
            check_sibling(role, getattr(self, role), "router")
        check_range("threshold", self.threshold, 0.0, 1.0)
        for side in self.view or ():
            check_range("view", side, 1, MAX_VIEW_SIDE)


def gate_view(crop: np.ndarray, size: tuple[int, int] | None) -> np.ndarray:
    """What a gate sees of a BGR crop: the crop itself (``size`` None), or the crop resized to
    ``size`` (W, H), by area averaging when that lowers its height and by nearest neighbour
    otherwise, so that the view adds no blur of its own."""
    if size is None:
        return crop
    shrinks = crop.shape[0] > size[1]
    return cv2.resize(crop, size, interpolation=cv2.INTER_AREA if shrinks else cv2.INTER_NEAREST)


class Router:
    """Runs a router graph: ``router(batch)`` -> probability that each crop is sharp."""

    def __init__(self, session: Any, meta: RouterMetadata):
        self.session, self.metadata = session, meta
        self._input = session.get_inputs()[0].name
        self._rgb = meta.channel_order == "RGB"

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """N x H x W x 3 uint8 BGR -> N float32 probabilities."""
        views = [gate_view(crop, self.metadata.view) for crop in batch]
        x = to_blob(views, self.metadata.mean, self.metadata.std, self._rgb)
        return np.asarray(self.session.run(None, {self._input: x})[0], np.float32).reshape(-1)

    def is_sharp(self, batch: np.ndarray) -> np.ndarray:
        """N booleans: which crops go to the sharp-input enhancer."""
        return self(batch) >= self.metadata.threshold


class RoutedEnhancer(Enhancer):
    """An enhancer that runs each crop (each tile of a large image) through ``sharp`` when
    ``router`` judges it sharp, else through ``general``; both share one scale. Its
    ``metadata`` is the general enhancer's, if it has any (its working heights, read by the
    video pipeline)."""

    def __init__(self, name: str, router: Router, sharp: Enhancer, general: Enhancer):
        if sharp.scale != general.scale:
            raise ModelFileError(f"router {name!r} joins enhancers of scales {sharp.scale} "
                                 f"and {general.scale}")
        super().__init__(name, general.scale, providers=general.providers,
                         tile_overlap=general.tile_overlap)
        self.router, self.sharp, self.general = router, sharp, general
        self.metadata = getattr(general, "metadata", None)

    def _enhance_buckets(self, bgrs: list[np.ndarray],
                         buckets: dict[tuple[int, int], list[int]]) -> dict[int, np.ndarray]:
        """The gate judges every crop as ``_run`` does (padded to its size bucket); then the
        sharp enhancer runs all of its crops, then the other. Alternating the two bucket by
        bucket left one's idle threads spinning against the other's (resnet 1.8.0 on 772
        crops: 215 crops per second against 353 this way)."""
        routed: dict[bool, dict[tuple[int, int], list[int]]] = {True: {}, False: {}}
        for key, indices in buckets.items():
            judged = self.router.is_sharp(np.stack([pad_to_bucket(bgrs[i]) for i in indices]))
            for i, sharp in zip(indices, judged):
                routed[bool(sharp)].setdefault(key, []).append(i)
        return (self.sharp._enhance_buckets(bgrs, routed[True])
                | self.general._enhance_buckets(bgrs, routed[False]))

    def _run(self, batch: np.ndarray) -> np.ndarray:
        to_sharp = self.router.is_sharp(batch)
        if to_sharp.all():
            return self.sharp._run_checked(batch)
        if not to_sharp.any():
            return self.general._run_checked(batch)
        n, h, w, c = batch.shape
        out = np.empty((n, h * self.scale, w * self.scale, c), np.uint8)
        out[to_sharp] = self.sharp._run_checked(batch[to_sharp])
        out[~to_sharp] = self.general._run_checked(batch[~to_sharp])
        return out


@dataclass
class RoutedModel(EnhancerModel):
    """An enhancer shipped as a router file and the two enhancer files it names (see the
    module doc); ``int8()`` routes between their int8 copies."""

    name: str
    path: Path
    description: str = ""
    int8_copies: bool = False

    def metadata(self) -> RouterMetadata:
        """The router file's metadata; ModelFileError when it is not a router file."""
        return runtime.read_metadata(Path(self.path), RouterMetadata)

    def with_path(self, path: str | Path) -> RoutedModel:
        if not Path(path).is_file():
            raise ModelFileError(f"model file {path} does not exist")
        return dataclasses.replace(self, path=Path(path))

    def files(self, meta: RouterMetadata) -> tuple[Path, Path]:
        """The sharp and general enhancer files the router names (their int8 copies for an
        ``int8()`` model)."""
        suffix = INT8_SUFFIX if self.int8_copies else ""
        folder = Path(self.path).parent
        sharp, general = (folder / f"{Path(name).stem}{suffix}.onnx"
                          for name in (meta.sharp, meta.general))
        return sharp, general

    def unavailable_reason(self) -> str | None:
        return missing_weights(self.path) or self._missing_file(self.metadata())

    def _missing_file(self, meta: RouterMetadata) -> str | None:
        """Why one of the two enhancer files cannot load (absent), or None."""
        return next(filter(None, map(missing_weights, self.files(meta))), None)

    def int8(self) -> RoutedModel:
        """This router between the int8 copies (``plateplug quantize``) of its enhancers:
        ``NAME-int8``."""
        return dataclasses.replace(
            self, name=self.name + INT8_SUFFIX, int8_copies=True,
            description=f"{self.name} quantised to int8 for CPUs: faster, a little less exact")

    def _enhancers(self, meta: RouterMetadata) -> tuple[OnnxModel, OnnxModel]:
        sharp, general = self.files(meta)
        return (OnnxModel(f"{self.name} (sharp input)", sharp),
                OnnxModel(f"{self.name} (other input)", general))

    def info(self) -> dict[str, Any]:
        if missing_weights(self.path):
            return {}
        meta = self.metadata()
        if self._missing_file(meta):
            return {}
        sharp, general = (m.info() for m in self._enhancers(meta))
        return general | {
            "parameters": sharp["parameters"] + general["parameters"] + meta.parameters,
            "version": meta.version, "routes": f"{meta.sharp} / {meta.general}",
            "file_size": sharp["file_size"] + general["file_size"]
            + Path(self.path).stat().st_size}

    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        if reason := missing_weights(self.path):
            raise ModelNotTrainedError(f"{self.noun} {self.name!r} is {reason}")
        # one thread for the tiny gate: more gain it nothing, and their idle spinning slows
        # the enhancer's threads (8.7 ms per 20 x 60 crop against 4.4 on two cores)
        session = runtime.session(Path(self.path), device, GATE_THREADS)
        meta = runtime.metadata_of(session, self.path, RouterMetadata)
        if reason := self._missing_file(meta):
            raise ModelNotTrainedError(f"{self.noun} {self.name!r} is {reason}")
        sharp, general = (m.load(device, threads) for m in self._enhancers(meta))
        return RoutedEnhancer(self.name, Router(session, meta), sharp, general)


def is_router_file(path: Path) -> bool:
    """Whether ONNX file ``path`` is a router (``plateplug.task=router``)."""
    try:
        runtime.read_metadata(path, RouterMetadata)
    except ModelFileError:
        return False
    return True
