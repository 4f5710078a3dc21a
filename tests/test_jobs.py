"""plateplug.jobs: the one listing of a folder's files by suffix."""

from pathlib import Path

from plateplug.jobs import list_files, list_images


def test_files_are_listed_by_suffix_below_the_folder_sorted(tmp_path: Path):
    (tmp_path / "b").mkdir()
    for name in ("b/z.PNG", "a.jpg", "notes.txt", "b/c.mp4"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "folder.png").mkdir()  # named like an image, not one
    assert list_images(tmp_path) == [tmp_path / "a.jpg", tmp_path / "b" / "z.PNG"]
    assert list_files(tmp_path, {".mp4", ".txt"}) == [tmp_path / "b" / "c.mp4",
                                                      tmp_path / "notes.txt"]
