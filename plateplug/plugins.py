"""The plugin manager: loads plugins from the ``plateplug`` entry-point group and
collects what their hooks register.

Built-in plugins are declared as entry points of the plateplug distribution itself, so they
load exactly like third-party ones. ``PLATEPLUG_LOAD_PLUGINS`` (comma-separated entry-point
names) restricts which *external* plugins load; set it to an empty string to load none.
A plugin that fails to import, raises in a hook or registers a duplicate name is reported
(``plugin_errors()`` and a warning) and skipped; the others keep working.
"""

from __future__ import annotations

import importlib.metadata
import os
import warnings
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

import pluggy

from plateplug import hookspecs
from plateplug.errors import UnknownModelError

GROUP = "plateplug"
ALLOW_ENV = "PLATEPLUG_LOAD_PLUGINS"
HOOKS = {"enhancer": "register_enhancers", "detector": "register_detectors",
         "reader": "register_readers"}


@dataclass(frozen=True)
class PluginInfo:
    """An installed plugin: entry-point name, distribution, version and hooks it implements."""

    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]
    builtin: bool


@dataclass
class Registered:
    """Something a plugin registered (an enhancer, detector or reader model)."""

    item: Any
    plugin: str


@dataclass
class _State:
    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    registries: dict[str, dict[str, Registered]] = field(default_factory=dict)


def _report(state: _State, message: str) -> None:
    state.errors.append(message)
    warnings.warn(message, stacklevel=3)


@cache
def _state() -> _State:
    manager = pluggy.PluginManager(GROUP)
    manager.add_hookspecs(hookspecs)
    state = _State(manager)
    allowed = os.environ.get(ALLOW_ENV)
    allow = None if allowed is None else {n.strip() for n in allowed.split(",") if n.strip()}
    for ep in importlib.metadata.entry_points(group=GROUP):
        dist = ep.dist.name if ep.dist else "?"
        builtin = dist == "plateplug"
        if not builtin and allow is not None and ep.name not in allow:
            continue
        if manager.get_plugin(ep.name) is not None:
            continue  # the same distribution seen twice on sys.path
        try:
            module = ep.load()
            manager.register(module, name=ep.name)
        except Exception as exc:  # a broken plugin must not take the others down
            _report(state, f"plugin {ep.name!r} ({dist}) failed to load: {exc!r}")
            continue
        state.plugins.append(
            PluginInfo(ep.name, dist, ep.dist.version if ep.dist else "?",
                       _hooks_of(module), builtin)
        )
    return state


def _hooks_of(module: ModuleType) -> tuple[str, ...]:
    return tuple(h for h in HOOKS.values() if hasattr(module, h))


def register_module(module: ModuleType, name: str) -> None:
    """Register a plugin module by hand (tests, notebooks); clears collected registries."""
    state = _state()
    state.manager.register(module, name=name)
    state.plugins.append(PluginInfo(name, "(registered in code)", "-", _hooks_of(module), False))
    state.registries.clear()


def registry(kind: str) -> dict[str, Registered]:
    """Name -> registered item for ``kind`` ('enhancer', 'detector' or 'reader')."""
    state = _state()
    if kind not in state.registries:
        state.registries[kind] = _collect(state, kind)
    return state.registries[kind]


def _collect(state: _State, kind: str) -> dict[str, Registered]:
    found: dict[str, Registered] = {}
    hook = getattr(state.manager.hook, HOOKS[kind])
    for impl in reversed(hook.get_hookimpls()):  # registration order
        plugin = impl.plugin_name
        added: list[Any] = []
        try:
            impl.function(register=added.append)
        except Exception as exc:
            _report(state, f"plugin {plugin!r} failed in {HOOKS[kind]}: {exc!r}")
            continue
        for item in added:
            name = getattr(item, "name", None)
            if not isinstance(name, str) or not name:
                _report(state, f"plugin {plugin!r} registered a {kind} without a name: {item!r}")
            elif name in found:
                _report(state, f"plugin {plugin!r} registered {kind} {name!r}, which plugin "
                               f"{found[name].plugin!r} already registered; keeping the first")
            else:
                found[name] = Registered(item, plugin)
    return found


def lookup(kind: str, name: str) -> Registered:
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


__all__ = ["PluginInfo", "installed_plugins", "lookup", "plugin_errors",
           "register_module", "registry", "reset"]
