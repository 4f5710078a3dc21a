"""The contract between exported ONNX files and the runtime: plateplug.* metadata keys.

Everything inference needs to know about a model lives in the ONNX file itself, so the
runtime has no per-model constants. Exporters write ``ModelMetadata.to_props()`` into
``model.metadata_props``; the runtime reads it back with ``ModelMetadata.from_props()``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from plateplug.errors import ModelFileError

PREFIX = "plateplug."
FORMAT_VERSION = "1"


@dataclass(frozen=True)
class ModelMetadata:
    """What the runtime needs to feed a model and read its output.

    The graph takes one float32 input ``N x 3 x H x W`` and returns ``N x 3 x sH x sW``
    with ``s = scale``. Pixels are normalised as ``(value / 255 - mean) / std`` in
    ``channel_order``; LR height and width are padded to a multiple of ``pad_multiple``.
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
    extra: dict[str, str] = field(default_factory=dict)

    def to_props(self) -> dict[str, str]:
        """Flatten to the string key/value pairs stored in ``metadata_props``."""
        props = {f"{PREFIX}format_version": FORMAT_VERSION}
        for key, value in asdict(self).items():
            if key == "extra":
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
                extra={k[len("extra."):]: v for k, v in ours.items() if k.startswith("extra.")},
            )
        except ValueError as exc:
            raise ModelFileError(f"{source} has invalid plateplug metadata: {exc}") from exc
        if meta.scale < 1 or meta.pad_multiple < 1 or meta.channel_order not in ("RGB", "BGR"):
            raise ModelFileError(f"{source} has invalid plateplug metadata: {ours}")
        return meta


def parse_triple(text: str) -> tuple[float, float, float]:
    """Parse 'a,b,c' into three floats (ValueError otherwise)."""
    values = tuple(float(v) for v in text.split(","))
    if len(values) != 3:
        raise ValueError(f"expected three comma-separated numbers, got {text!r}")
    return values  # type: ignore[return-value]
