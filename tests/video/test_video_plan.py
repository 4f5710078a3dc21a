"""Many videos: which ones a run takes (folder, list file, several files) and their outputs."""

from pathlib import Path

import pytest

from plateplug.errors import PlateplugError
from plateplug.video.plan import is_video_batch, list_videos, plan_videos, read_list


def test_many_videos_are_recognised(videos, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "p.png").write_bytes(b"x")
    (tmp_path / "list.txt").write_text("videos/a.mp4\n")
    assert is_video_batch((str(videos),), None, None)
    assert is_video_batch((str(tmp_path / "list.txt"),), None, None)
    assert is_video_batch((str(videos / "a.mp4"), str(videos / "bad.mp4")), None, None)
    assert is_video_batch((str(videos / "a.mp4"),), 2, None)
    assert not is_video_batch((str(videos / "a.mp4"),), None, None)  # one video: as before
    assert not is_video_batch((str(tmp_path / "photos"),), None, None)


def test_plan_keeps_sub_folders_and_refuses_clashes(videos, tmp_path):
    jobs = plan_videos((str(videos),), tmp_path / "out")
    assert [(j.source.relative_to(videos), j.target.relative_to(tmp_path / "out"))
            for j in jobs] == [(Path("a.mp4"), Path("a.enhanced.mp4")),
                               (Path("bad.mp4"), Path("bad.enhanced.mp4")),
                               (Path("sub/b.mp4"), Path("sub/b.enhanced.mp4"))]
    beside = plan_videos((str(videos / "a.mp4"),), None)
    assert beside[0].target == videos / "a.enhanced.mp4"
    (tmp_path / "list.txt").write_text("# two clips named alike\nvideos/a.mp4\n\n"
                                       "videos/sub/../a.mp4\n")
    assert read_list(tmp_path / "list.txt") == [tmp_path / "videos/a.mp4",
                                                 tmp_path / "videos/sub/../a.mp4"]
    with pytest.raises(Exception, match="2 inputs would be written here"):
        plan_videos((str(tmp_path / "list.txt"),), tmp_path / "out")


def test_a_folder_named_like_an_image_is_not_an_image(videos):
    (videos / "album.png").mkdir()
    (videos / "clip.mp4.d.mp4").mkdir()
    assert is_video_batch((str(videos),), None, None)
    assert list_videos(videos) == [videos / "a.mp4", videos / "bad.mp4", videos / "sub" / "b.mp4"]


def test_a_missing_input_or_unreadable_list_is_a_plateplug_error(tmp_path):
    with pytest.raises(PlateplugError, match="no such file or folder"):
        plan_videos((str(tmp_path / "none.mp4"),), None)
    with pytest.raises(PlateplugError, match="cannot read the list"):
        read_list(tmp_path / "none.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PlateplugError, match="folder holds no videos"):
        plan_videos((str(tmp_path / "empty"),), None)
