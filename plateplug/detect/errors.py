"""Errors specific to plate detection."""

from plateplug.errors import PlateplugError


class NoDetectorError(PlateplugError):
    """No default plate detector can be loaded (none trained, none available)."""
