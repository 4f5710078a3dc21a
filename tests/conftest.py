# Quick suite, under a minute on two idle cores:  python -m pytest -q -m "not slow"
# Full suite, what CI runs:                       python -m pytest -q
# Mark @pytest.mark.slow a test that trains, starts a process or Ray, or runs a real model.
"""Shared fixtures: tiny ONNX models built in the test, fake plugin distributions."""

from __future__ import annotations

import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from plateplug import hookimpl, plugins
from plateplug.metadata import ModelMetadata

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def build_tiny_onnx(path: Path, *, scale: int = 4, blur: bool = False,
                    channel_order: str = "RGB", pad_multiple: int = 1,
                    name: str = "tiny") -> Path:
    """A fixed (not learned) x``scale`` upsampler: optional 3x3 box blur, then nearest.

    Conv(3 -> 3*s*s, copies each channel s*s times) + DepthToSpace = nearest-neighbour
    enlargement; the blur gives it a receptive field of one pixel for tiling tests.
    """
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    s2 = scale * scale
    copy = np.zeros((3 * s2, 3, 1, 1), np.float32)
    for c in range(3):
        copy[c * s2:(c + 1) * s2, c] = 1.0
    nodes, inits, current = [], [numpy_helper.from_array(copy, "copy")], "lr"
    if blur:
        box = np.zeros((3, 3, 3, 3), np.float32)
        for c in range(3):
            box[c, c] = 1.0 / 9.0
        inits.append(numpy_helper.from_array(box, "box"))
        nodes.append(helper.make_node("Conv", ["lr", "box"], ["blurred"], pads=[1, 1, 1, 1]))
        current = "blurred"
    nodes += [
        helper.make_node("Conv", [current, "copy"], ["copies"]),
        helper.make_node("DepthToSpace", ["copies"], ["hr"], blocksize=scale, mode="CRD"),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("lr", TensorProto.FLOAT, ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info("hr", TensorProto.FLOAT, ["n", 3, "H", "W"])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    meta = ModelMetadata(name=name, scale=scale, channel_order=channel_order,
                         pad_multiple=pad_multiple, tile_overlap=2, parameters=int(copy.size),
                         architecture="fixed nearest upsampler (test)")
    for key, value in meta.to_props().items():
        model.metadata_props.add(key=key, value=value)
    onnx.save(model, str(path))
    return path


def set_metadata(path: Path, **values: str) -> Path:
    """Overwrite ``plateplug.<key>`` metadata values of an ONNX file (hostile-file tests)."""
    onnx = pytest.importorskip("onnx")
    model = onnx.load(str(path))
    for prop in model.metadata_props:
        key = prop.key.removeprefix("plateplug.")
        if key in values:
            prop.value = values[key]
    onnx.save(model, str(path))
    return path


@pytest.fixture
def tiny_onnx(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``tiny_onnx(name="x.onnx", **options)`` builds a tiny model in tmp_path."""
    def make(filename: str = "tiny.onnx", **options: object) -> Path:
        return build_tiny_onnx(tmp_path / filename, **options)  # type: ignore[arg-type]
    return make


@pytest.fixture
def fresh_plugins() -> Iterator[None]:
    """Reload plugins before and after the test, so registrations do not leak."""
    plugins.reset()
    yield
    plugins.reset()


@pytest.fixture
def install_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         fresh_plugins: None) -> Callable[..., Path]:
    """Make an installed-looking distribution (dist-info + entry points) on sys.path."""
    def install(dist: str, entry_points: dict[str, str], modules: dict[str, str],
                root: Path | None = None) -> Path:
        site = root or tmp_path / f"site-{dist}"
        site.mkdir(parents=True, exist_ok=True)
        info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
        info.mkdir(exist_ok=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
        lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
        (info / "entry_points.txt").write_text(f"[plateplug]\n{lines}\n")
        for module, source in modules.items():
            (site / f"{module}.py").write_text(textwrap.dedent(source))
        monkeypatch.syspath_prepend(str(site))
        for module in modules:
            sys.modules.pop(module, None)
        plugins.reset()
        return site
    return install


def plate_like(h: int = 20, w: int = 60, seed: int = 0) -> np.ndarray:
    """A small BGR test image with structure (gradient + text-like blocks)."""
    rng = np.random.default_rng(seed)
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = np.linspace(40, 220, w, dtype=np.uint8)[None, :, None]
    img[h // 4: 3 * h // 4, ::5] = 0
    return (img + rng.integers(0, 20, img.shape, dtype=np.uint8)).astype(np.uint8)


def register_in_code(plugin: str, *, enhancers: tuple = (), detectors: tuple = (),
                     readers: tuple = ()) -> None:
    """Register models through the hooks, as a plugin module named ``plugin`` would."""
    module = types.ModuleType(plugin)
    for hook, items in (("register_enhancers", enhancers), ("register_detectors", detectors),
                        ("register_readers", readers)):
        if items:
            def implementation(register: Callable, items: tuple = items) -> None:
                for item in items:
                    register(item)
            implementation.__name__ = hook
            setattr(module, hook, hookimpl(implementation))
    plugins.register_module(module, plugin)
