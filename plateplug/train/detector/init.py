"""Start a PlateNet from an exported detector file (``train-detector --init``), for a
fine-tune when the training checkpoint is gone (the shipped detector has none).

The export folds every batch norm into the convolution before it, so the graph holds one
weight and bias per convolution. They are loaded in the order the network runs its
convolutions; each batch norm becomes the identity plus the folded bias (mean 0, variance
1, scale sqrt(1 + eps)). Those norms must stay frozen in training (``freeze_norms``): their
running statistics are no longer the batch statistics the layer would otherwise use; their
scale and shift are still learned.

A wider PlateNet (``--neck``, ``--deep``) starts from a narrower file as exactly its function:
each old channel keeps its weights and reads zero from the new ones, the new channels start
random (norms the identity, no shift) and the head reads nothing from them until training
gives them a use (``plateplug.train.init_weights.widen``).

A PlateNet with a thinner stride-4 path (``--neck4``) than the file's starts from it with that
path narrowed (``narrow_stride4``): it keeps the channels the head weighs most, and the new
1x1 convolution at stride 8 passes those channels on unchanged. This is not the file's
function; a fine-tune repairs it.

A width not given is the file's (``network_widths``): a fine-tune of a shipped file keeps its
shape unless told otherwise.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import torch
from torch import nn

from plateplug.errors import PlateplugError
from plateplug.metadata import PREFIX
from plateplug.train.archs.platenet_arch import DEEP, NECK, PlateNet
from plateplug.train.init_weights import fits, initialisers, read_onnx, widen

PROBE_SIZE = 64  # side of the zero input that reveals the order of the convolutions
# the widths in the architecture an export names (plateplug.train.detector.export.metadata)
ARCHITECTURE = re.compile(r"neck (\d+), stride-16 stage (\d+)(?:, stride-4 path (\d+))?")


def exported_widths(path: str | Path) -> tuple[int, int, int] | None:
    """(neck, stride-16 stage, stride-4 path) of the PlateNet exported to ``path``, from the
    architecture its metadata names; None when it names none."""
    props = {entry.key: entry.value for entry in read_onnx(path).metadata_props}
    match = ARCHITECTURE.search(props.get(PREFIX + "architecture", ""))
    if match is None:
        return None
    neck, deep, neck4 = match.groups()
    return int(neck), int(deep), int(neck4 or neck)


def network_widths(neck: int | None, deep: int | None, neck4: int | None,
                   init: str | Path | None = None) -> tuple[int, int, int]:
    """The (neck, deep, neck4) to train: each as given, else the ``init`` file's, else the
    defaults (``NECK``, ``DEEP``, neck4 = neck); PlateplugError when neck4 is the wider."""
    file = exported_widths(init) if init is not None else None
    neck = neck or (file[0] if file else NECK)
    deep = deep or (file[1] if file else DEEP)
    neck4 = neck4 or (min(file[2], neck) if file else neck)
    if neck4 > neck:
        raise PlateplugError(f"--neck4 {neck4} is wider than --neck {neck}")
    return neck, deep, neck4


def run_order(net: nn.Module) -> list[nn.Conv2d]:
    """The convolutions of ``net`` in the order its forward pass runs them."""
    order: list[nn.Conv2d] = []
    hooks = [m.register_forward_hook(lambda m, *_: order.append(m))
             for m in net.modules() if isinstance(m, nn.Conv2d)]
    training = net.training
    net.eval()  # no batch statistics are updated by the probe
    try:
        with torch.no_grad():
            net(torch.zeros(1, 3, PROBE_SIZE, PROBE_SIZE))
    finally:
        for hook in hooks:
            hook.remove()
        net.train(training)
    return order


def norm_after(net: nn.Module) -> dict[nn.Conv2d, nn.BatchNorm2d]:
    """Each convolution directly followed by a batch norm in a Sequential, with that norm."""
    pairs = {}
    for module in net.modules():
        if isinstance(module, nn.Sequential):
            children = list(module)
            for conv, norm in zip(children, children[1:]):
                if isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d):
                    pairs[conv] = norm
    return pairs


def graph_convolutions(path: Path) -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """(weight, bias or None) of every Conv node of the ONNX file, in graph order."""
    proto = read_onnx(path)
    weights = initialisers(proto)
    convs = []
    for node in proto.graph.node:
        if node.op_type != "Conv":
            continue
        if node.input[1] not in weights:
            raise PlateplugError(f"{path}: a convolution's weights are not constants")
        bias = weights.get(node.input[2]) if len(node.input) > 2 else None
        convs.append((weights[node.input[1]], bias))
    return convs


def load_exported(net: PlateNet, path: str | Path) -> None:
    """Set ``net``'s weights from its ONNX export at ``path``, or from a narrower PlateNet's
    (widened), or from one whose stride-4 path is wider (narrowed; see the module doc); batch
    norms unfolded as the identity plus bias. A file of another architecture, or a wider one,
    is a PlateplugError."""
    path = Path(path)
    graph = graph_convolutions(path)
    full = PlateNet(net.neck, net.deep) if net.neck4 != net.neck else None
    if full is not None and len(graph) == len(run_order(full)):  # a file with a wider path
        load_graph(full, graph, path)
        narrow_stride4(full, net)
    else:
        load_graph(net, graph, path)


def narrow_stride4(wide: PlateNet, thin: PlateNet) -> None:
    """Set ``thin``'s weights from ``wide``, of the same widths but a wider stride-4 path:
    that path keeps the channels with the largest head weights (in their order), ``thin8``
    selects them from the stride-8 features, everything else is copied."""
    if thin.neck4 >= wide.neck4 or (thin.neck, thin.deep) != (wide.neck, wide.deep):
        raise PlateplugError(f"cannot narrow a stride-4 path of {wide.neck4} channels to "
                             f"{thin.neck4} (neck {wide.neck} / {thin.neck}, stride-16 stage "
                             f"{wide.deep} / {thin.deep})")
    weight = wide.head.weight.detach().flatten(1).norm(dim=0)
    keep = weight.argsort(descending=True)[: thin.neck4].sort().values
    source = wide.state_dict()
    with torch.no_grad():
        for key, value in thin.state_dict().items():
            if key not in source:  # thin8
                continue
            old = source[key]
            for dim, (a, b) in enumerate(zip(old.shape, value.shape, strict=True)):
                if a != b:
                    old = old.index_select(dim, keep)
            value.copy_(old)
        assert isinstance(thin.thin8, nn.Conv2d) and thin.thin8.bias is not None
        thin.thin8.weight.zero_()
        thin.thin8.weight[torch.arange(thin.neck4), keep, 0, 0] = 1.0
        thin.thin8.bias.zero_()


def load_graph(net: PlateNet, graph: list[tuple[torch.Tensor, torch.Tensor | None]],
               path: Path) -> None:
    """Set ``net``'s weights from the convolutions of the file ``path`` (``graph``), widening
    narrower ones."""
    convs = run_order(net)
    if len(graph) != len(convs) or not all(
            fits(weight, conv.weight) for conv, (weight, _) in zip(convs, graph)):
        raise PlateplugError(f"{path} is not an export of this PlateNet or a narrower one "
                             f"({len(graph)} convolutions in the file, {len(convs)} in the "
                             "network, or other shapes)")
    norms = norm_after(net)
    with torch.no_grad():
        for conv, (weight, bias) in zip(convs, graph):
            conv.weight.copy_(widen(weight, conv.weight))
            shift = torch.zeros(conv.out_channels)
            if bias is not None:  # new channels: no shift
                shift = widen(bias, shift)
            norm = norms.get(conv)
            if norm is not None:  # statistics 0 and 1, scale undoing eps: the identity
                norm.reset_running_stats()
                norm.weight.fill_(math.sqrt(1.0 + norm.eps))
                norm.bias.copy_(shift)
            elif conv.bias is not None:
                conv.bias.copy_(shift)


def freeze_norms(net: nn.Module) -> None:
    """Batch norms keep their running statistics (eval mode) while the rest trains."""
    for module in net.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.eval()
