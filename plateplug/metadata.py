"""The contract between exported ONNX files and the runtime: plateplug.* metadata keys.

Everything inference needs to know about a model lives in the ONNX file itself, so the
runtime has no per-model constants. Each kind of file has a frozen dataclass schema
(``ModelMetadata`` for enhancers here, ``DetectorMetadata`` in plateplug.detect.metadata);
``Metadata``, their base, is the one codec: exporters write ``meta.to_props()`` into
``model.metadata_props`` and the runtime reads it back with ``Schema.from_props()``, both
driven by the dataclass fields. Each field is the key ``plateplug.<field>``: text as is,
numbers in Python's notation, tuples comma-separated, ``None`` left out, a ``dict`` as one key
``plateplug.<field>.<key>`` per item. A key a file lacks takes the field's default, or the
field's ``IF_ABSENT`` metadata (files made before the key existed); ``ON_READ`` metadata
normalises the text read (e.g. ``str.upper``). Bounds are each schema's ``__post_init__``.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, TypeVar, Union, get_args, get_origin, get_type_hints

from plateplug.errors import ModelFileError

PREFIX = "plateplug."
FORMAT_VERSION = "1"
MAX_SCALE = 16
MAX_PAD_MULTIPLE = 256
MAX_TILE_OVERLAP = 128  # below the enhancer's 256-pixel tile
MEAN_LIMIT = 100.0  # |mean| in units of value / 255
STD_RANGE = (1e-4, 100.0)
MAX_INPUT_HEIGHT = 4096  # pixels
PRECISIONS = ("fp32", "int8")  # of an enhancer's weights and activations
IF_ABSENT = "plateplug.if_absent"  # field metadata: the value of a file without the key
ON_READ = "plateplug.on_read"  # field metadata: applied to the text read for the field
UPPER_CASE = {ON_READ: str.upper}
S = TypeVar("S", bound="Metadata")


class Metadata:
    """Base of the metadata schemas (frozen dataclasses): the codec to and from the
    ``plateplug.*`` key/value pairs of an ONNX file (see the module doc).

    ``HEADER`` keys are written before the fields; ``LABEL`` names the kind of metadata in
    errors. Every schema has the provenance fields declared here.
    """

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # subclasses are dataclasses
    HEADER: ClassVar[dict[str, str]] = {}
    LABEL: ClassVar[str] = "plateplug"
    name: str
    architecture: str
    parameters: int
    version: str
    training_data: str

    def to_props(self) -> dict[str, str]:
        """Flatten to the string key/value pairs stored in ``metadata_props``."""
        props = {PREFIX + key: value for key, value in self.HEADER.items()}
        hints = get_type_hints(type(self))
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, dict):
                props.update({f"{PREFIX}{item.name}.{k}": str(v) for k, v in value.items()})
            elif value is not None:
                props[PREFIX + item.name] = format_value(value, hints[item.name])
        return props

    @classmethod
    def from_props(cls: type[S], props: dict[str, str], source: str = "model") -> S:
        """Parse ``metadata_props`` into this schema; ModelFileError naming ``source`` when
        they are not of this kind or a value is unreadable or out of bounds."""
        ours = {k[len(PREFIX):]: v for k, v in props.items() if k.startswith(PREFIX)}
        foreign = cls.not_ours(ours)
        if foreign:
            raise ModelFileError(f"{source} {foreign}")
        hints = get_type_hints(cls)
        try:
            values = {}
            for item in fields(cls):
                value = read_field(item, hints[item.name], ours)
                if value is not MISSING:
                    values[item.name] = value
            return cls(**values)
        except ValueError as exc:
            raise ModelFileError(f"{source} has invalid {cls.LABEL} metadata: {exc}") from exc

    @classmethod
    def not_ours(cls, ours: dict[str, str]) -> str | None:
        """Why keys ``ours`` (``plateplug.`` removed) are not of this kind, None when they
        are; by default: a required field (one without default) is missing."""
        required = [f.name for f in fields(cls)
                    if f.default is MISSING and f.default_factory is MISSING]
        if all(name in ours for name in required):
            return None
        return f"has no plateplug metadata ({', '.join(required)})"


class TaskMetadata(Metadata):
    """Base of the schemas of files that name their task, ``plateplug.task`` = ``TASK``
    (detector, verifier, router: graphs fed with normalised BGR or RGB images). The task is
    the file's header and tells its kind: ``not_ours`` when it differs."""

    TASK: ClassVar[str] = ""
    channel_order: str
    mean: tuple[float, float, float]
    std: tuple[float, float, float]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.HEADER = {"task": cls.TASK}

    @classmethod
    def not_ours(cls, ours: dict[str, str]) -> str | None:
        """Why keys ``ours`` are not of this task, None when they are."""
        if ours.get("task") == cls.TASK:
            return None
        return f"is not a plateplug {cls.TASK} (no {PREFIX}task)"


def format_value(value: Any, hint: Any) -> str:
    """A field value as stored: tuples comma-separated (float items as floats)."""
    if not isinstance(value, tuple):
        return str(value)
    if get_origin(hint) in (Union, types.UnionType):  # an optional tuple
        (hint,) = (a for a in get_args(hint) if a is not type(None))
    kinds = get_args(hint)
    return ",".join(repr(float(v)) if (kinds[0] if kinds[-1] is Ellipsis else kinds[i]) is float
                    else str(v) for i, v in enumerate(value))


def read_field(item: Field[Any], hint: Any, ours: dict[str, str]) -> Any:
    """The value of field ``item`` from keys ``ours``; MISSING when absent and defaulted;
    ValueError naming the field when required and absent or unreadable."""
    if get_origin(hint) is dict:
        prefix = item.name + "."
        found = {k[len(prefix):]: v for k, v in ours.items() if k.startswith(prefix)}
        return found if found else MISSING
    if item.name not in ours:
        if IF_ABSENT in item.metadata:
            return item.metadata[IF_ABSENT]
        if item.default is MISSING and item.default_factory is MISSING:
            raise ValueError(f"{item.name} is missing")
        return MISSING
    on_read: Callable[[str], str] = item.metadata.get(ON_READ, str)
    return parse_value(item.name, hint, on_read(ours[item.name]))


def parse_value(name: str, hint: Any, text: str) -> Any:
    """``text`` as type ``hint`` (str, int, float, ``X | None`` or a tuple of them);
    ValueError naming field ``name`` and the whole text when it is not."""
    try:
        return _parse(hint, text)
    except ValueError as exc:
        raise ValueError(f"{name}={text!r} is not {exc}") from None


def _parse(hint: Any, text: str) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        (inner,) = (a for a in args if a is not type(None))
        return _parse(inner, text)
    if origin is tuple:
        items = text.split(",")
        kinds = [args[0]] * len(items) if args[-1] is Ellipsis else list(args)
        if len(kinds) != len(items):
            raise ValueError(f"{len(kinds)} comma-separated values")
        return tuple(_parse(kind, item) for kind, item in zip(kinds, items))
    if hint is str:
        return text
    try:
        return hint(text)
    except ValueError:
        raise ValueError("an integer" if hint is int else "a number") from None


@dataclass(frozen=True)
class ModelMetadata(Metadata):
    """What the runtime needs to feed a model and read its output.

    The graph takes one float32 input ``N x 3 x H x W`` and returns ``N x 3 x sH x sW``
    with ``s = scale``. Pixels are normalised as ``(value / 255 - mean) / std`` in
    ``channel_order``; LR height and width are padded to a multiple of ``pad_multiple``.

    Every field is checked on creation (ValueError): ``scale`` 1..16, ``pad_multiple``
    1..256, ``tile_overlap`` 0..128, ``mean`` finite within +-100, ``std`` 1e-4..100,
    ``channel_order`` RGB or BGR, ``parameters`` >= 0 and a non-empty ``name``.

    ``min_input_height`` .. ``max_input_height`` (optional, pixels) is the crop height the
    model is useful for: the video pipeline shrinks taller plate crops to
    ``max_input_height`` before enhancing them (None: no limit). ``precision`` is ``int8``
    for a quantised copy (``plateplug quantize``); None (not stored) or ``fp32`` otherwise.
    """

    HEADER: ClassVar[dict[str, str]] = {"format_version": FORMAT_VERSION}
    name: str
    scale: int
    channel_order: str = field(default="RGB", metadata=UPPER_CASE)
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
    precision: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_image_input(self)
        if self.precision is not None and self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, "
                             f"got {self.precision!r}")
        check_range("scale", self.scale, 1, MAX_SCALE)
        check_range("pad_multiple", self.pad_multiple, 1, MAX_PAD_MULTIPLE)
        check_range("tile_overlap", self.tile_overlap, 0, MAX_TILE_OVERLAP)
        check_input_heights(self.min_input_height, self.max_input_height)


def check_image_input(meta: ModelMetadata | TaskMetadata) -> None:
    """ValueError unless the name, channel order, mean, std and parameter count of a graph
    fed with images are valid; each schema's ``__post_init__`` adds its own bounds."""
    check_name(meta.name)
    check_channel_order(meta.channel_order)
    check_normalisation(meta.mean, meta.std)
    check_range("parameters", meta.parameters, 0, math.inf)


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


def check_sibling(field: str, name: str, owner: str) -> None:
    """ValueError unless ``name`` is a plain file name (no folders): files named in metadata
    lie beside the ``owner`` file that names them."""
    if not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"{field}={name!r} must be a file name beside the {owner} file")


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
