"""CLI fixtures: the bench fixtures (generated crops, fake enhancer and reader plugin)."""

from tests.bench.conftest import fake_plugin, fast_speed, plate_dir  # noqa: F401
