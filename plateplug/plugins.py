"""The plugin manager: loads plugins from the ``plateplug`` entry-point group and
collects what their hooks register.

Built-in plugins are declared as entry points of the plateplug distribution itself, so they
load exactly like third-party ones. ``PLATEPLUG_LOAD_PLUGINS`` (comma-separated entry-point
names) restricts which *external* plugins load; set it to an empty string to load none.

Name clashes: built-ins are registered first, then external plugins in ``sys.path`` order,
then modules registered in code; the **first** to register a name keeps it and each later
one is skipped with a warning naming it. A plugin replaces a name only when the user says
so: ``PLATEPLUG_OVERRIDE=resnet=my_plugin,unet=other`` (comma-separated ``NAME=PLUGIN``,
PLUGIN being the entry-point name shown by ``plateplug plugins``) gives ``resnet`` to
``my_plugin``'s registration, whatever the order.

A plugin that fails to import (or calls ``sys.exit()`` there), raises in a hook or registers
a duplicate name is reported (``plugin_errors()`` and a warning) and skipped; the others keep
working. ``Registered.call`` runs a registered item's method and turns any exception that is
not a PlateplugError into a PluginError naming the plugin.

``registry(kind)`` holds what any plugin registered, untyped; the typed views are beside each
kind's base: ``models.enhancers()``, ``detect.detectors()``, ``readers.readers()``.
"""

from __future__ import annotations

import importlib.metadata
import os
import warnings
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any, Generic, TypeVar

import pluggy

from plateplug import hookspecs
from plateplug.errors import PlateplugError, PluginError, UnknownModelError

GROUP = "plateplug"
BUILTIN_DISTRIBUTION = "plateplug"
ALLOW_ENV = "PLATEPLUG_LOAD_PLUGINS"
OVERRIDE_ENV = "PLATEPLUG_OVERRIDE"
HOOKS = {"enhancer": "register_enhancers", "detector": "register_detectors",
         "reader": "register_readers"}
M = TypeVar("M")


@dataclass(frozen=True)
class PluginInfo:
    """An installed plugin: entry-point name, distribution, version and hooks it implements."""

    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]
    builtin: bool


@dataclass
class Registered(Generic[M]):
    """Something a plugin registered (an enhancer, detector or reader model: a
    ``models.PluginModel``) and the plugin that did."""

    item: M
    plugin: str

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``item.<method>(...)``; any failure that is not a PlateplugError (``sys.exit()``
        included) becomes a PluginError naming the plugin."""
        try:
            return getattr(self.item, method)(*args, **kwargs)
        except PlateplugError:
            raise
        except (Exception, SystemExit) as exc:
            raise PluginError(f"plugin {self.plugin!r} failed in "
                              f"{type(self.item).__name__}.{method}(): {_describe(exc)}") from exc


@dataclass
class _State:
    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    registries: dict[str, dict[str, Registered[Any]]] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)


def _report(state: _State, message: str) -> None:
    state.errors.append(message)
    warnings.warn(message, stacklevel=3)


def _describe(exc: BaseException) -> str:
    return f"called sys.exit({exc.code!r})" if isinstance(exc, SystemExit) else repr(exc)


def _overrides(state: _State) -> dict[str, str]:
    """``PLATEPLUG_OVERRIDE`` as name -> plugin; malformed entries are reported."""
    found = {}
    for entry in os.environ.get(OVERRIDE_ENV, "").split(","):
        name, sep, plugin = (part.strip() for part in entry.partition("="))
        if name and sep and plugin:
            found[name] = plugin
        elif entry.strip():
            _report(state, f"{OVERRIDE_ENV} entry {entry.strip()!r} is not NAME=PLUGIN; ignored")
    return found


@cache
def _state() -> _State:
    manager = pluggy.PluginManager(GROUP)
    manager.add_hookspecs(hookspecs)
    state = _State(manager)
    state.overrides = _overrides(state)
    allowed = os.environ.get(ALLOW_ENV)
    allow = None if allowed is None else {n.strip() for n in allowed.split(",") if n.strip()}
    facts: dict[int, tuple[str, str]] = {}  # the entry points of one distribution share it
    entries = [(ep, *_distribution(ep, facts))
               for ep in importlib.metadata.entry_points(group=GROUP)]
    for ep, dist, version in sorted(entries, key=lambda e: e[1] != BUILTIN_DISTRIBUTION):
        builtin = dist == BUILTIN_DISTRIBUTION
        if not builtin and allow is not None and ep.name not in allow:
            continue
        if manager.get_plugin(ep.name) is not None:
            continue  # the same distribution seen twice on sys.path
        try:
            module = ep.load()
            manager.register(module, name=ep.name)
        except (Exception, SystemExit) as exc:  # a broken plugin must not take the others down
            _report(state, f"plugin {ep.name!r} ({dist}) failed to load: {_describe(exc)}")
            continue
        state.plugins.append(PluginInfo(ep.name, dist, version, _hooks_of(module), builtin))
    return state


def _distribution(ep: importlib.metadata.EntryPoint,
                  facts: dict[int, tuple[str, str]]) -> tuple[str, str]:
    """Name and version of the distribution that declares ``ep``, kept in ``facts`` so that
    its metadata file is parsed once (parsing is most of the start-up cost of discovery)."""
    if ep.dist is None:
        return "?", "?"
    if id(ep.dist) not in facts:
        metadata = ep.dist.metadata
        facts[id(ep.dist)] = metadata["Name"], metadata["Version"]
    return facts[id(ep.dist)]


def _hooks_of(module: ModuleType) -> tuple[str, ...]:
    return tuple(h for h in HOOKS.values() if hasattr(module, h))


def register_module(module: ModuleType, name: str) -> None:
    """Register a plugin module by hand (tests, notebooks); clears collected registries."""
    state = _state()
    state.manager.register(module, name=name)
    state.plugins.append(PluginInfo(name, "(registered in code)", "-", _hooks_of(module), False))
    state.registries.clear()


def registry(kind: str) -> dict[str, Registered[Any]]:
    """Name -> registered item for ``kind`` ('enhancer', 'detector' or 'reader')."""
    state = _state()
    if kind not in state.registries:
        state.registries[kind] = _collect(state, kind)
    return state.registries[kind]


def _collect(state: _State, kind: str) -> dict[str, Registered[Any]]:
    found: dict[str, Registered[Any]] = {}
    hook = getattr(state.manager.hook, HOOKS[kind])
    impls = {impl.plugin_name: impl for impl in hook.get_hookimpls()}
    for plugin in (p.name for p in state.plugins if p.name in impls):  # registration order
        added: list[Any] = []
        try:
            impls[plugin].function(register=added.append)
        except (Exception, SystemExit) as exc:
            _report(state, f"plugin {plugin!r} failed in {HOOKS[kind]}: {_describe(exc)}")
            continue
        for item in added:
            name = getattr(item, "name", None)
            if not isinstance(name, str) or not name:
                _report(state, f"plugin {plugin!r} registered a {kind} without a name: {item!r}")
            elif name not in found or state.overrides.get(name) == plugin:
                found[name] = Registered(item, plugin)
            elif state.overrides.get(name) != found[name].plugin:
                _report(state, f"plugin {plugin!r} registered {kind} {name!r}, which plugin "
                               f"{found[name].plugin!r} already registered; skipped the one "
                               f"of plugin {plugin!r} (set {OVERRIDE_ENV}={name}={plugin} to "
                               "use it instead)")
    return found


def lookup(kind: str, name: str) -> Registered[Any]:
    """The registered ``kind`` called ``name``, or UnknownModelError listing the known ones."""
    items = registry(kind)
    if name not in items:
        raise UnknownModelError(kind, name, list(items))
    return items[name]


def installed_plugins() -> list[PluginInfo]:
    """Every plugin that loaded, built-ins first."""
    return sorted(_state().plugins, key=lambda p: (not p.builtin, p.name))


def plugin_errors() -> list[str]:
    """Messages about plugins that failed to load, raised in a hook or clashed on a name."""
    state = _state()
    for kind in HOOKS:
        registry(kind)
    return list(state.errors)


def reset() -> None:
    """Forget loaded plugins so the next call reloads them (tests, env var changes)."""
    _state.cache_clear()


__all__ = ["PluginInfo", "Registered", "installed_plugins", "lookup", "plugin_errors",
           "register_module", "registry", "reset"]
