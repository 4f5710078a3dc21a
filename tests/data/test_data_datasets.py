"""plateplug.data.datasets: a folder of crops without labels.csv."""

from pathlib import Path

from plateplug.data.datasets import read_crops


def test_a_folder_without_labels_lists_its_images_as_crops(tmp_path: Path):
    (tmp_path / "br").mkdir()
    (tmp_path / "br" / "p1.png").write_bytes(b"x")
    (tmp_path / "p0.JPG").write_bytes(b"x")
    (tmp_path / "old.png").mkdir()  # a folder named like an image is no crop
    crops = read_crops(tmp_path)
    assert [(c.path, c.key, c.text) for c in crops] == [
        (tmp_path / "br" / "p1.png", "br/p1.png", ""), (tmp_path / "p0.JPG", "p0.JPG", "")]
