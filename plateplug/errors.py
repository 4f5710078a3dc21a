"""Typed exceptions raised by the plateplug API."""


class PlateplugError(Exception):
    """Base class of every error plateplug raises on purpose."""


class InvalidImageError(PlateplugError, ValueError):
    """The image given to an enhancer or detector is not a usable array."""


class UnknownModelError(PlateplugError, LookupError):
    """No registered enhancer, detector or reader has that name."""

    def __init__(self, kind: str, name: str, known: list[str]):
        self.name = name
        self.known = known
        listing = ", ".join(sorted(known)) or "none"
        super().__init__(f"unknown {kind} {name!r}; known: {listing}")


class ModelNotTrainedError(PlateplugError):
    """A registered model whose weights have not been shipped yet."""


class ModelFileError(PlateplugError):
    """A model file is missing, unreadable or lacks plateplug metadata."""


class ModelOutputError(ModelFileError):
    """A model returned an output whose shape does not match its declared scale."""


class DeviceUnavailableError(PlateplugError):
    """The requested execution device (e.g. CUDA) cannot be used."""


class PluginError(PlateplugError):
    """A plugin failed to load or registered something invalid."""


class MissingExtraError(PlateplugError, ImportError):
    """An optional dependency is missing; the message says which extra installs it."""


class ReadingError(PlateplugError, ValueError):
    """A plate read, vote or read policy was given impossible values."""
