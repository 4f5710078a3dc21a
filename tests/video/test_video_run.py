"""plateplug.video.run: ``run_video`` as a library function, without the command line."""

from __future__ import annotations

import contextlib
import json

import pytest
from videokit import count_frames

from plateplug.video import partial_path
from plateplug.video.run import run_video


def test_run_video_says_what_it_does_and_reports_every_frame(fake_plugins, clip, boxes_file,
                                                              tmp_path):
    said, frames, entered = [], [], []

    @contextlib.contextmanager
    def progress(src):
        entered.append(src.frame_count)
        yield lambda summary: frames.append(summary.frames)

    stats = tmp_path / "stats.json"
    target = run_video(str(clip), tmp_path / "out", "fake", boxes_file=boxes_file,
                       stats_file=stats, log=said.append, progress=progress)
    assert target == tmp_path / "out" / "clip.enhanced.mp4"
    assert count_frames(target) == (12, 10.0, (160, 120))
    assert entered == [12] and frames == list(range(1, 13))
    assert said[0].startswith("fake: detect every ")
    assert said[1].startswith("12 frames, 12 plates enhanced with fake") and str(target) in said[1]
    assert json.loads(stats.read_text())["frames"] == 12


def test_run_video_is_quiet_without_log_or_progress(fake_plugins, clip, boxes_file, tmp_path,
                                                    capsys):
    run_video(str(clip), tmp_path / "out.mp4", "fake", boxes_file=boxes_file)
    assert capsys.readouterr() == ("", "")


def test_an_interrupt_keeps_the_frames_done_and_goes_on(fake_plugins, clip, boxes_file,
                                                         tmp_path):
    said = []

    def stop_after_five(summary):
        if summary.frames == 5:
            raise KeyboardInterrupt

    out = tmp_path / "out.mp4"
    with pytest.raises(KeyboardInterrupt):
        run_video(str(clip), out, "fake", boxes_file=boxes_file, log=said.append,
                  progress=lambda src: contextlib.nullcontext(stop_after_five))
    assert said[-1] == f"Interrupted: kept the 5 frames done in {partial_path(out)}"
    assert count_frames(partial_path(out))[0] == 5 and not out.exists()
