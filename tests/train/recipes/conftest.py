"""Recipe fixtures: srgan's RapidOCR teacher replaced by a tiny stand-in reader."""

import pytest


@pytest.fixture
def teacher(monkeypatch):
    """srgan.make_objective's 'rapidocr' teacher is ColumnReader (no rapidocr, no download)."""
    pytest.importorskip("torch")
    from plateplug.train.recipes import srgan
    from tests.train.ocr_stand_in import ColumnReader

    monkeypatch.setattr(srgan, "load_ocr_teacher", lambda device, path=None: ColumnReader())
