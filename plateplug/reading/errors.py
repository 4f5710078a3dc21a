"""Errors of the reading package (PlateplugError, so the CLI reports them as one line)."""

from plateplug.errors import PlateplugError


class ReadingError(PlateplugError, ValueError):
    """A read, vote or read policy was given impossible values."""
