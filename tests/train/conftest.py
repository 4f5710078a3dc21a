"""Fixtures for the enhancer-training tests: small generated plate crops (no ../shared)."""

from tests.data.conftest import synthetic_dashcam, synthetic_plates  # noqa: F401
