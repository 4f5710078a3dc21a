"""Starting a detector training from an exported file: folded batch norms unfolded, parity,
frozen norms kept across a resume, errors."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.runtime import session  # noqa: E402
from plateplug.train.archs.platenet_arch import Deployed, PlateNet  # noqa: E402
from plateplug.train.archs.plateverifier_arch import PlateVerifier  # noqa: E402
from plateplug.train.detector.export import export, export_graph, metadata  # noqa: E402
from plateplug.train.detector.init import (  # noqa: E402
    exported_widths,
    freeze_norms,
    load_exported,
    narrow_stride4,
    network_widths,
    run_order,
)
from plateplug.train.detector.loop import CHECKPOINT, Config, train  # noqa: E402


def trained_looking_net(seed: int = 0, **widths: int) -> PlateNet:
    """A PlateNet with non-trivial batch norms (scale, shift and statistics), in eval mode."""
    torch.manual_seed(seed)
    net = PlateNet(**widths)
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.3, 0.3)
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
    return net.eval()


def loaded_outputs(net: PlateNet, path, into: PlateNet, x: torch.Tensor
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The outputs of ``net`` and of ``into`` once the export ``path`` is loaded into it."""
    load_exported(into, path)
    into.eval()
    with torch.no_grad():
        return Deployed(net)(x).numpy(), Deployed(into)(x).numpy()


def test_an_export_loads_back_into_the_same_function(tmp_path):
    net = trained_looking_net()
    path = export(net, tmp_path / "d.onnx", metadata(net, "test", "none"))
    x = torch.randn(2, 3, 96, 160)
    expected, loaded = loaded_outputs(net, path, PlateNet(), x)
    np.testing.assert_allclose(loaded, expected, atol=1e-4, rtol=1e-3)
    got = session(path, "cpu").run(None, {"image": x.numpy()})[0]
    np.testing.assert_allclose(got, loaded, atol=1e-4, rtol=1e-3)


def test_a_narrower_export_widens_into_the_same_function(tmp_path):
    net = trained_looking_net()
    path = export(net, tmp_path / "d.onnx", metadata(net, "test", "none"))
    wide = PlateNet(neck=64, deep=128)
    x = torch.randn(2, 3, 96, 160)
    expected, widened = loaded_outputs(net, path, wide, x)
    np.testing.assert_allclose(widened, expected, atol=1e-4, rtol=1e-3)
    # the new channels compute something: only the head's zero weights hide them
    with torch.no_grad():
        assert wide.head.weight[:, 48:].abs().sum() == 0
        features = wide.p4(wide.lat4(wide.c4(x)))
    assert features[:, 48:].abs().sum() > 0
    with pytest.raises(PlateplugError, match="or a narrower one"):
        load_exported(PlateNet(neck=32), path)


def test_a_thinner_stride4_path_keeps_the_channels_the_head_weighs_most(tmp_path):
    net = trained_looking_net(neck=16, deep=32)
    keep = torch.tensor([1, 4, 6, 7, 9, 12])
    drop = torch.tensor([c for c in range(16) if c not in keep])
    with torch.no_grad():  # the kept channels of the stride-4 path never read the dropped ones
        net.head.weight[:, drop] = 0
        for block in net.p4:
            block.pw[0].weight[keep.view(-1, 1), drop] = 0
    path = export(net, tmp_path / "d.onnx", metadata(net, "test", "none"))
    thin = PlateNet(neck=16, deep=32, neck4=6)
    x = torch.randn(2, 3, 96, 160)
    expected, narrowed = loaded_outputs(net, path, thin, x)
    np.testing.assert_allclose(narrowed, expected, atol=1e-4, rtol=1e-3)
    assert thin.thin8.weight.flatten(1).argmax(dim=1).tolist() == keep.tolist()
    # its own export loads back as it is
    again = export(thin, tmp_path / "thin.onnx", metadata(thin, "test", "none"))
    assert "stride-4 path 6)" in metadata(thin, "test", "none").architecture
    _, reloaded = loaded_outputs(thin, again, PlateNet(neck=16, deep=32, neck4=6), x)
    np.testing.assert_allclose(reloaded, narrowed, atol=1e-4, rtol=1e-3)
    with pytest.raises(PlateplugError, match="cannot narrow"):
        narrow_stride4(thin, PlateNet(neck=16, deep=32, neck4=8))


def test_a_full_width_stride4_path_adds_no_weights():
    assert PlateNet(neck4=48).state_dict().keys() == PlateNet().state_dict().keys()
    assert len(PlateNet(neck4=24).state_dict()) == len(PlateNet().state_dict()) + 2


def test_run_order_lists_each_convolution_once_and_changes_nothing():
    net = PlateNet()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    order = run_order(net)
    assert net.training
    assert all(torch.equal(v, before[k]) for k, v in net.state_dict().items())
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(order) == len(convs) and set(order) == set(convs)
    assert order[0] is net.c4[0][0] and order[-1] is net.head


def test_frozen_norms_keep_their_statistics_in_training():
    net = PlateNet()
    net.train()
    freeze_norms(net)
    norm = net.c4[0][1]
    before = norm.running_mean.clone()
    net(torch.randn(2, 3, 64, 64) * 3 + 1)
    assert not norm.training and net.training
    assert torch.equal(norm.running_mean, before)


def test_another_architecture_is_a_clear_error(tmp_path):
    path = export_graph(PlateVerifier().eval(), torch.zeros(1, 3, 32, 96), tmp_path / "v.onnx",
                        {}, outputs={"score": {0: "batch"}})
    with pytest.raises(PlateplugError, match="not an export of this PlateNet"):
        load_exported(PlateNet(), path)
    (tmp_path / "bad.onnx").write_bytes(b"not onnx")
    with pytest.raises(PlateplugError, match="cannot read ONNX file"):
        load_exported(PlateNet(), tmp_path / "bad.onnx")


def test_widths_not_given_are_the_init_files(tmp_path):
    thin = trained_looking_net(neck=16, deep=32, neck4=6)
    path = export(thin, tmp_path / "thin.onnx", metadata(thin, "test", "none"))
    full = export(PlateNet().eval(), tmp_path / "full.onnx", metadata(PlateNet(), "t", "none"))
    unnamed = export_graph(PlateVerifier().eval(), torch.zeros(1, 3, 32, 96),
                           tmp_path / "v.onnx", {}, outputs={"score": {0: "batch"}})
    assert exported_widths(path) == (16, 32, 6)
    assert exported_widths(full) == (48, 96, 48)
    assert exported_widths(unnamed) is None
    assert network_widths(None, None, None, path) == (16, 32, 6)
    assert network_widths(24, None, None, path) == (24, 32, 6)  # widened, thin path kept
    assert network_widths(None, 40, 8, path) == (16, 40, 8)
    assert network_widths(None, None, None) == (48, 96, 48)
    assert network_widths(None, None, None, unnamed) == (48, 96, 48)
    with pytest.raises(PlateplugError, match="--neck4 64 is wider than --neck 48"):
        network_widths(None, None, 64)


@pytest.mark.slow
def test_a_run_from_a_thinned_export_keeps_its_shape_untold(tiny_data, tmp_path):
    thin = trained_looking_net(neck=16, deep=32, neck4=6)
    start = export(thin, tmp_path / "thin.onnx", metadata(thin, "test", "none"))
    train(Config(data=tiny_data, out=tmp_path / "run", minutes=0.02, batch=2, crop=64,
                 init=start), log=lambda _: None)
    state = torch.load(tmp_path / "run" / CHECKPOINT, weights_only=True)
    assert (state["neck"], state["deep"], state["neck4"]) == (16, 32, 6)


@pytest.mark.slow
def test_a_run_from_an_export_keeps_its_norms_frozen_on_resume(tiny_data, tmp_path):
    net = trained_looking_net()
    start = export(net, tmp_path / "start.onnx", metadata(net, "test", "none"))
    out = tmp_path / "run"
    lines: list[str] = []
    config = Config(data=tiny_data, out=out, minutes=0.02, batch=2, crop=64, init=start)
    train(config, log=lines.append)
    assert any(line.startswith(f"started from {start}") for line in lines)
    state = torch.load(out / CHECKPOINT, weights_only=True)
    assert state["frozen_norms"] is True
    # frozen: the unfolded statistics (mean 0, variance 1) were never updated
    assert torch.count_nonzero(state["model"]["c4.0.1.running_mean"]) == 0
    with pytest.raises(PlateplugError, match="leave it out with --resume"):
        train(Config(data=tiny_data, out=out, minutes=0.04, resume=True, init=start),
              log=lines.append)
    config.minutes, config.resume, config.init = 0.04, True, None
    train(config, log=lines.append)
    resumed = torch.load(out / CHECKPOINT, weights_only=True)
    assert resumed["frozen_norms"] is True and resumed["step"] > state["step"]
    assert torch.count_nonzero(resumed["model"]["c4.0.1.running_mean"]) == 0


@pytest.mark.slow
def test_a_widened_and_thinned_run_keeps_its_widths_on_resume_and_in_export(tiny_data, tmp_path):
    net = trained_looking_net()
    start = export(net, tmp_path / "start.onnx", metadata(net, "test", "none"))
    out = tmp_path / "run"
    config = Config(data=tiny_data, out=out, minutes=0.02, batch=2, crop=64, init=start,
                    neck=56, deep=112, neck4=24)
    train(config, log=lambda _: None)
    state = torch.load(out / CHECKPOINT, weights_only=True)
    assert (state["neck"], state["deep"], state["neck4"]) == (56, 112, 24)
    train(Config(data=tiny_data, out=out, minutes=0.04, batch=2, crop=64, resume=True),
          log=lambda _: None)  # widths from the checkpoint, not the defaults
    meta = session(out / "plate_detector.onnx", "cpu").get_modelmeta().custom_metadata_map
    assert "neck 56, stride-16 stage 112, stride-4 path 24" in meta["plateplug.architecture"]
