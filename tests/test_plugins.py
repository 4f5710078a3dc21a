"""Plugin discovery through the `plateplug` entry-point group, built-ins included."""

import warnings

import numpy as np
import pytest

import plateplug
from plateplug import plugins

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


def test_duplicate_name_keeps_the_first_and_names_both(install_distribution):
    clash = GOOD.replace('name = "twice"', 'name = "resnet"')
    install_distribution("plateplug-clash", {"clash": "clash_plugin"}, {"clash_plugin": clash})
    with pytest.warns(UserWarning, match="'clash' registered enhancer 'resnet', which plugin "
                                         "'resnet' already registered"):
        reg = plugins.registry("enhancer")
    assert reg["resnet"].plugin == "resnet"


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
    import types

    module = types.ModuleType("inline_plugin")
    exec(GOOD, module.__dict__)
    plugins.register_module(module, "inline")
    assert plateplug.load("twice").name == "twice"


def test_no_warnings_from_a_clean_install(fresh_plugins):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plugins.registry("enhancer")
