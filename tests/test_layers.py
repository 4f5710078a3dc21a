"""The package's layers: every import of a plateplug module points down (or stays inside its
own layer), never up or sideways, and the lower layers never import torch.

    core (errors, images, imageio, runtime, metadata, plugins, jobs, ...)
      <- data (datasets, frames, protocol, metrics, boxes, synth, crops)
      <- inference (enhancer, models, multiframe, readers, routing, detect)
      <- builtin_plugins (register the shipped files, written against the public API)
      <- train (archs, recipes, loops, export)  <- bench (it measures video too)
      <- video (not bench, not train)  <- pipeline / reading  <- cli

Imports are read with ``ast`` from every module (including imports inside functions and
under ``TYPE_CHECKING``); modules loaded by name at run time (importlib) are not seen.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "plateplug"

LAYERS = {
    "core": {"errors", "images", "imageio", "runtime", "metadata", "plugins", "jobs", "extras",
             "hookspecs", "tiling", "align", "shift_add"},
    "data": {"data"},
    "inference": {"enhancer", "models", "multiframe", "readers", "routing", "detect"},
    "train": {"train"},
    "builtin plugins": {"builtin_plugins"},
    "bench": {"bench"},
    "video": {"video"},
    "reading": {"pipeline", "reading"},
    "cli": {"cli"},
    "facade": {""},  # the package root: the public API, re-exporting every layer
}
BELOW = {
    "core": {"core"},
    "data": {"core", "data"},
    "inference": {"core", "data", "inference"},
    "train": {"core", "data", "inference", "train"},
    # written like outside plugins (the public API); architectures and recipes live in train
    "builtin plugins": {"core", "data", "inference", "builtin plugins", "facade"},
    # bench measures the layers below it, the video package too (plateplug bench-video)
    "bench": {"core", "data", "inference", "train", "video", "bench"},
    "video": {"core", "data", "inference", "video"},
    "reading": {"core", "data", "inference", "video", "reading"},
    "cli": set(LAYERS),
    "facade": set(LAYERS),
}
TORCH_FREE = {"core", "data", "inference", "video", "reading"}
# Imports against the layers today that other work in progress (issue 17 items 3 and 4, the
# burst benchmark) is to remove: (importer, imported module or package) -> why it is there.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    """``plateplug/data/boxes.py`` -> ``plateplug.data.boxes`` (packages by their folder)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    """The layer of a plateplug module (AssertionError for a module in no layer)."""
    top = module.split(".")[1] if "." in module else ""
    found = [name for name, tops in LAYERS.items() if top in tops]
    assert found, f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}"
    return found[0]


def is_module(name: str) -> bool:
    """True when ``name`` is a module or package of plateplug."""
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path: Path, module: str) -> set[str]:
    """Every module that ``path`` (the module named ``module``) imports; ``from a import b``
    counts as ``a.b`` when b is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                package = parts[: len(parts) - node.level + (path.name == "__init__.py")]
                base = ".".join(package + ([node.module] if node.module else []))
            subs = {f"{base}.{alias.name}" for alias in node.names}
            found |= {name for name in subs if is_module(name)} or {base}
    return found


def edges() -> list[tuple[str, str]]:
    """(importer, imported) for every import of a plateplug module by a plateplug module."""
    return sorted((module_name(path), name)
                  for path in PACKAGE.rglob("*.py")
                  for name in imports(path, module_name(path)))


def exception_of(importer: str, imported: str) -> tuple[str, str] | None:
    """The KNOWN_EXCEPTIONS key that allows this import, if any."""
    return next((key for key in KNOWN_EXCEPTIONS if key[0] == importer
                 and (imported == key[1] or imported.startswith(key[1] + "."))), None)


def is_up(importer: str, imported: str) -> bool:
    """True when a plateplug import points up or sideways (and is no known exception)."""
    if imported.split(".")[0] != "plateplug" or exception_of(importer, imported):
        return False
    return layer_of(imported) not in BELOW[layer_of(importer)]


def test_every_import_points_down():
    wrong = [f"{a} imports {b} ({layer_of(a)} -> {layer_of(b)})"
             for a, b in edges() if is_up(a, b)]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_lower_layers_never_import_torch():
    wrong = [f"{a} imports {b}" for a, b in edges()
             if b.split(".")[0] == "torch" and a.startswith("plateplug")
             and layer_of(a) in TORCH_FREE]
    assert not wrong, "torch below the train layer:\n" + "\n".join(wrong)


def test_known_exceptions_are_still_needed():
    stale = set(KNOWN_EXCEPTIONS) - {exception_of(a, b) for a, b in edges()}
    assert not stale, f"these imports are gone, drop them from KNOWN_EXCEPTIONS: {stale}"


def test_the_checker_sees_upward_relative_and_torch_imports(tmp_path):
    source = tmp_path / "fake.py"
    source.write_text("import torch\n"
                      "from plateplug.bench import runner\n"
                      "from plateplug import hookimpl\n"
                      "def f():\n    from .. import metrics\n")
    found = imports(source, "plateplug.data.sub.fake")
    assert found == {"torch", "plateplug.bench.runner", "plateplug", "plateplug.data.metrics"}
    assert is_up("plateplug.data.sub.fake", "plateplug.bench.runner")
    assert is_up("plateplug.train.loop", "plateplug.bench.metrics")
    assert is_up("plateplug.video.tracker", "plateplug.train")
    assert is_up("plateplug.data.synth", "plateplug.detect.decode")
    assert not is_up("plateplug.detect.decode", "plateplug.data.boxes")
    assert is_up("plateplug.train.loop", "plateplug")
    assert not is_up("plateplug.builtin_plugins.unet", "plateplug")
    assert is_up("plateplug.builtin_plugins.unet", "plateplug.train.recipes")
    assert not is_up("plateplug.bench.torch_compare", "plateplug.train")
    assert not is_up("plateplug.bench.video", "plateplug.video.sources")
    assert is_up("plateplug.video.pipeline", "plateplug.bench.video")
