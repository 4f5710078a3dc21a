"""The contract between exported ONNX files and the runtime: plateplug.* metadata keys.

Everything inference needs to know about a model lives in the ONNX file itself, so the
runtime has no per-model constants. Exporters write ``ModelMetadata.to_props()`` into
``model.metadata_props``; the runtime reads it back with ``ModelMetadata.from_props()``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from plateplug.errors import ModelFileError

PREFIX = "plateplug."
FORMAT_VERSION = "1"
MAX_SCALE = 16
MAX_PAD_MULTIPLE = 256
MAX_TILE_OVERLAP = 128  # below the enhancer's 256-pixel tile
MEAN_LIMIT = 100.0  # |mean| in units of value / 255
STD_RANGE = (1e-4, 100.0)
MAX_INPUT_HEIGHT = 4096  # pixels


@dataclass(frozen=True)
class ModelMetadata:
    """What the runtime needs to feed a model and read its output.

    The graph takes one float32 input ``N x 3 x H x W`` and returns ``N x 3 x sH x sW``
    with ``s = scale``. Pixels are normalised as ``(value / 255 - mean) / std`` in
    ``channel_order``; LR height and width are padded to a multiple of ``pad_multiple``.

    Every field is checked on creation (ValueError): ``scale`` 1..16, ``pad_multiple``
    1..256, ``tile_overlap`` 0..128, ``mean`` finite within +-100, ``std`` 1e-4..100,
    ``channel_order`` RGB or BGR, ``parameters`` >= 0 and a non-empty ``name``.

    ``min_input_height`` .. ``max_input_height`` (optional, pixels) is the crop height the
    model is useful for: the video pipeline shrinks taller plate crops to
    ``max_input_height`` before enhancing them (None: no limit).
    """

    name: str
    scale: int
    channel_order: str = "RGB"
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    pad_multiple: int = 1
    tile_overlap: int = 16
    architecture: str = ""
    parameters: int = 0
    version: str = "0"
    training_data: str = ""
    max_input_height: int | None = None
    min_input_height: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_name(self.name)
        check_range("scale", self.scale, 1, MAX_SCALE)
        check_channel_order(self.channel_order)
        check_normalisation(self.mean, self.std)
        check_range("pad_multiple", self.pad_multiple, 1, MAX_PAD_MULTIPLE)
        check_range("tile_overlap", self.tile_overlap, 0, MAX_TILE_OVERLAP)
        check_range("parameters", self.parameters, 0, math.inf)
        check_input_heights(self.min_input_height, self.max_input_height)

    def to_props(self) -> dict[str, str]:
        """Flatten to the string key/value pairs stored in ``metadata_props``."""
        props = {f"{PREFIX}format_version": FORMAT_VERSION}
        for key, value in asdict(self).items():
            if key == "extra" or value is None:
                continue
            if isinstance(value, tuple):
                value = ",".join(repr(float(v)) for v in value)
            props[PREFIX + key] = str(value)
        for key, value in self.extra.items():
            props[f"{PREFIX}extra.{key}"] = str(value)
        return props

    @classmethod
    def from_props(cls, props: dict[str, str], source: str = "model") -> ModelMetadata:
        """Parse ``metadata_props``; raise ModelFileError naming ``source`` when invalid."""
        ours = {k[len(PREFIX):]: v for k, v in props.items() if k.startswith(PREFIX)}
        if "scale" not in ours or "name" not in ours:
            raise ModelFileError(f"{source} has no plateplug metadata (name, scale)")
        try:
            meta = cls(
                name=ours["name"],
                scale=int(ours["scale"]),
                channel_order=ours.get("channel_order", "RGB").upper(),
                mean=parse_triple(ours.get("mean", "0,0,0")),
                std=parse_triple(ours.get("std", "1,1,1")),
                pad_multiple=int(ours.get("pad_multiple", "1")),
                tile_overlap=int(ours.get("tile_overlap", "16")),
                architecture=ours.get("architecture", ""),
                parameters=int(ours.get("parameters", "0")),
                version=ours.get("version", "0"),
                training_data=ours.get("training_data", ""),
                max_input_height=optional_int("max_input_height", ours.get("max_input_height")),
                min_input_height=optional_int("min_input_height", ours.get("min_input_height")),
                extra={k[len("extra."):]: v for k, v in ours.items() if k.startswith("extra.")},
            )
        except ValueError as exc:
            raise ModelFileError(f"{source} has invalid plateplug metadata: {exc}") from exc
        return meta


def parse_triple(text: str) -> tuple[float, float, float]:
    """Parse 'a,b,c' into three floats (ValueError otherwise)."""
    values = tuple(float(v) for v in text.split(","))
    if len(values) != 3:
        raise ValueError(f"expected three comma-separated numbers, got {text!r}")
    return values  # type: ignore[return-value]


def optional_int(field: str, text: str | None) -> int | None:
    """An optional integer field: None when absent, ValueError naming ``field`` when not an
    integer."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{field}={text!r} is not an integer") from None


def check_input_heights(low: int | None, high: int | None) -> None:
    """ValueError unless each given height is 1..MAX_INPUT_HEIGHT and low <= high."""
    for name, value in (("min_input_height", low), ("max_input_height", high)):
        if value is not None:
            check_range(name, value, 1, MAX_INPUT_HEIGHT)
    if low is not None and high is not None and low > high:
        raise ValueError(f"min_input_height={low} is above max_input_height={high}")


def check_range(field: str, value: float, low: float, high: float) -> None:
    """ValueError unless ``low <= value <= high`` (NaN is never in range)."""
    if not low <= value <= high:
        raise ValueError(f"{field}={value!r} is outside {low}..{high}")


def check_name(name: str) -> None:
    """ValueError unless ``name`` is a non-empty string."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name={name!r} must be a non-empty string")


def check_channel_order(order: str) -> None:
    """ValueError unless ``order`` is RGB or BGR."""
    if order not in ("RGB", "BGR"):
        raise ValueError(f"channel_order={order!r} must be RGB or BGR")


def check_normalisation(mean: tuple[float, ...], std: tuple[float, ...]) -> None:
    """ValueError unless mean and std are three finite values each, std in STD_RANGE."""
    if len(mean) != 3 or len(std) != 3:
        raise ValueError(f"mean={mean!r} and std={std!r} need three values each")
    for m, d in zip(mean, std):
        check_range("mean", m, -MEAN_LIMIT, MEAN_LIMIT)
        check_range("std", d, *STD_RANGE)
