"""Plugin discovery through the `plateplug` entry-point group, built-ins included."""

import importlib
import re
import sys
import types
import warnings

import numpy as np
import pytest

import plateplug
from plateplug import plugins
from plateplug.errors import PluginError
from tests.conftest import register_in_code

GOOD = '''
import numpy as np
from plateplug import Enhancer, EnhancerModel, hookimpl

class Twice(Enhancer):
    def _run(self, batch):
        return batch.repeat(2, 1).repeat(2, 2)

class TwiceModel(EnhancerModel):
    name = "twice"
    def info(self):
        return {"scale": 2}
    def load(self, device="auto", threads=None):
        return Twice("twice", 2)

@hookimpl
def register_enhancers(register):
    register(TwiceModel())
'''


def test_builtins_are_entry_point_plugins(fresh_plugins):
    names = {p.name: p for p in plugins.installed_plugins()}
    for builtin in ("unet", "resnet", "srgan"):
        assert names[builtin].builtin and names[builtin].distribution == "plateplug"
        assert "register_enhancers" in names[builtin].hooks
    assert {"unet", "resnet", "srgan"} <= {m.name for m in plateplug.list_models()}


def test_external_plugin_is_found_and_loadable(install_distribution):
    install_distribution("plateplug-twice", {"twice": "twice_plugin"}, {"twice_plugin": GOOD})
    info = {p.name: p for p in plugins.installed_plugins()}["twice"]
    assert (info.distribution, info.version, info.builtin) == ("plateplug-twice", "1.2.3", False)
    enhancer = plateplug.load("twice")
    assert enhancer(np.ones((3, 4, 3), np.uint8)).shape == (6, 8, 3)
    assert plugins.registry("enhancer")["twice"].plugin == "twice"


def test_unknown_model_lists_the_known_ones(fresh_plugins):
    with pytest.raises(plateplug.UnknownModelError, match="known: .*resnet.*srgan.*unet"):
        plateplug.load("nope")


def test_untrained_builtin_says_so(fresh_plugins, monkeypatch, tmp_path):
    model = plugins.lookup("enhancer", "unet").item
    monkeypatch.setattr(model, "path", tmp_path / "unet.onnx")
    with pytest.raises(plateplug.ModelNotTrainedError, match="'unet' is not trained yet"):
        plateplug.load("unet")


def test_broken_plugin_is_reported_and_others_still_work(install_distribution):
    install_distribution("plateplug-broken", {"broken": "broken_plugin"},
                         {"broken_plugin": "raise RuntimeError('boom at import')\n"})
    install_distribution("plateplug-twice", {"twice": "twice_plugin"}, {"twice_plugin": GOOD})
    with pytest.warns(UserWarning, match="plugin 'broken' .*plateplug-broken.*boom at import"):
        names = [p.name for p in plugins.installed_plugins()]
    assert "broken" not in names and "twice" in names
    assert any("boom at import" in e for e in plugins.plugin_errors())
    assert plateplug.load("twice").scale == 2


def test_plugin_failing_inside_its_hook_is_isolated(install_distribution):
    source = GOOD + "\n@hookimpl\ndef register_readers(register):\n    raise ValueError('x')\n"
    install_distribution("plateplug-twice", {"twice": "twice_plugin"}, {"twice_plugin": source})
    with pytest.warns(UserWarning, match="'twice' failed in register_readers"):
        readers = plugins.registry("reader")
    assert all(r.plugin != "twice" for r in readers.values())
    assert plateplug.load("twice").scale == 2


def test_nameless_registration_is_reported(install_distribution):
    source = ("from plateplug import hookimpl\n@hookimpl\ndef register_enhancers(register):\n"
              "    register(object())\n")
    install_distribution("plateplug-anon", {"anon": "anon_plugin"}, {"anon_plugin": source})
    with pytest.warns(UserWarning, match="'anon' registered a enhancer without a name"):
        plugins.registry("enhancer")


@pytest.mark.parametrize("allow,loaded", [("", False), ("other", False), ("twice", True),
                                          ("other, twice", True)])
def test_env_var_restricts_external_plugins(install_distribution, monkeypatch, allow, loaded):
    install_distribution("plateplug-twice", {"twice": "twice_plugin"}, {"twice_plugin": GOOD})
    monkeypatch.setenv(plugins.ALLOW_ENV, allow)
    plugins.reset()
    names = {p.name for p in plugins.installed_plugins()}
    assert ("twice" in names) is loaded
    assert {"unet", "resnet", "srgan"} <= names  # built-ins always load


def test_register_module_by_hand(fresh_plugins):

    module = types.ModuleType("inline_plugin")
    exec(GOOD, module.__dict__)
    plugins.register_module(module, "inline")
    assert plateplug.load("twice").name == "twice"


def test_no_warnings_from_a_clean_install(fresh_plugins):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plugins.registry("enhancer")


CLASH = GOOD.replace('name = "twice"', 'name = "resnet"')


def install_clash(install_distribution, where: str) -> None:
    """The 'clash' plugin registering 'resnet', first or last on sys.path."""
    site = str(install_distribution("plateplug-clash", {"clash": "clash_plugin"},
                                    {"clash_plugin": CLASH}))
    if where == "last":
        sys.path.remove(site)
        sys.path.append(site)  # the monkeypatch of install_distribution restores sys.path
        importlib.invalidate_caches()
        plugins.reset()


@pytest.mark.parametrize("where", ["first", "last"])
def test_builtin_keeps_its_name_wherever_a_clashing_plugin_is(install_distribution, where):
    install_clash(install_distribution, where)
    with pytest.warns(UserWarning) as caught:
        reg = plugins.registry("enhancer")
    assert reg["resnet"].plugin == "resnet"
    (message,) = [str(w.message) for w in caught if "resnet" in str(w.message)]
    assert "skipped the one of plugin 'clash'" in message
    assert "PLATEPLUG_OVERRIDE=resnet=clash" in message


@pytest.mark.parametrize("where", ["first", "last"])
def test_override_env_lets_a_plugin_replace_a_builtin(install_distribution, monkeypatch, where):
    install_clash(install_distribution, where)
    monkeypatch.setenv(plugins.OVERRIDE_ENV, "resnet=clash")
    plugins.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # asked for: no warning
        reg = plugins.registry("enhancer")
    assert reg["resnet"].plugin == "clash" and plateplug.load("resnet").scale == 2
    assert reg["unet"].plugin == "unet"


def test_malformed_override_is_reported(fresh_plugins, monkeypatch):
    monkeypatch.setenv(plugins.OVERRIDE_ENV, "resnet")
    plugins.reset()
    with pytest.warns(UserWarning, match="PLATEPLUG_OVERRIDE entry 'resnet' is not NAME=PLUGIN"):
        assert plugins.registry("enhancer")["resnet"].plugin == "resnet"


def test_plugin_calling_sys_exit_is_named_and_skipped(install_distribution):
    install_distribution("plateplug-quit", {"quit": "quit_plugin"},
                         {"quit_plugin": "import sys\nsys.exit(3)\n"})
    hook_exit = GOOD + "\n@hookimpl\ndef register_readers(register):\n    raise SystemExit\n"
    install_distribution("plateplug-twice", {"twice": "twice_plugin"},
                         {"twice_plugin": hook_exit})
    with pytest.warns(UserWarning, match=r"'quit' \(plateplug-quit\) failed to load: "
                                         r"called sys.exit\(3\)"):
        names = [p.name for p in plugins.installed_plugins()]
    assert "quit" not in names and "twice" in names
    with pytest.warns(UserWarning, match="'twice' failed in register_readers: called sys.exit"):
        plugins.registry("reader")
    assert plateplug.load("twice").scale == 2


FAULTY = '''
from plateplug import EnhancerModel, hookimpl

class Faulty(EnhancerModel):
    name = "faulty"
    def unavailable_reason(self):
        raise KeyError("reason")
    def info(self):
        raise RuntimeError("info boom")
    def load(self, device="auto", threads=None):
        raise RuntimeError("load boom")

@hookimpl
def register_enhancers(register):
    register(Faulty())
'''


@pytest.mark.parametrize("method,message", [("unavailable_reason", "KeyError('reason')"),
                                            ("info", "RuntimeError('info boom')"),
                                            ("load", "RuntimeError('load boom')")])
def test_plugin_method_failures_become_plugin_errors(install_distribution, method, message):
    install_distribution("plateplug-faulty", {"faulty": "faulty_plugin"},
                         {"faulty_plugin": FAULTY})
    with pytest.raises(plateplug.PluginError, match=rf"plugin 'faulty' failed in "
                                                    rf"Faulty.{method}\(\): {re.escape(message)}"):
        plugins.lookup("enhancer", "faulty").call(method)


def test_load_of_a_failing_plugin_raises_plugin_error(install_distribution):
    install_distribution("plateplug-faulty", {"faulty": "faulty_plugin"},
                         {"faulty_plugin": FAULTY})
    with pytest.raises(plateplug.PluginError, match="'faulty' failed in Faulty.load"):
        plateplug.load("faulty")


def test_a_detector_or_reader_plugin_that_raises_is_named_not_a_traceback(fresh_plugins):
    from plateplug.detect import DetectorModel, load_detector
    from plateplug.readers import ReaderModel, load_reader

    class BrokenDetector(DetectorModel):
        name = "broken-det"

        def load(self, device="auto", threads=None):
            raise RuntimeError("boom")

    class BrokenReader(ReaderModel):
        name = "broken-reader"

        def load(self):
            raise RuntimeError("bang")

    register_in_code("broken_plugin", detectors=(BrokenDetector(),),
                     readers=(BrokenReader(),))
    with pytest.raises(PluginError, match="broken_plugin.*boom"):
        load_detector("broken-det")
    with pytest.raises(PluginError, match="broken_plugin.*bang"):
        load_reader("broken-reader")
