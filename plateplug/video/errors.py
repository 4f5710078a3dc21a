"""Errors raised by the video adapter (all PlateplugError, so the CLI reports them as one line)."""

from plateplug.errors import PlateplugError


class VideoError(PlateplugError):
    """Base class of video adapter errors."""


class SourceError(VideoError):
    """A video file, camera or stream cannot be opened or has no decodable frames."""


class BoxesFileError(VideoError, ValueError):
    """A ``--boxes`` JSONL file is missing or has a bad line (the message gives its number)."""


class OutputError(VideoError):
    """The output video or crops folder cannot be written."""
