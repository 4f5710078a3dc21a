"""SIGTERM (``timeout``, ``docker stop``, systemd) during `plateplug enhance VIDEO` behaves like
Ctrl-C: the frames done are kept as a playable partial video. A real subprocess is signalled."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from videokit import count_frames, plate_box, write_clip

from plateplug.cli import main
from plateplug.video import partial_path

FRAMES = 600  # about 3 s of work with unet on every crop (no reuse), far more than is done
# before the signal


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is a POSIX signal")
@pytest.mark.slow
def test_sigterm_keeps_a_playable_partial_video(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", frames=FRAMES)
    boxes = tmp_path / "boxes.jsonl"
    boxes.write_text("".join(json.dumps({"frame": i, "boxes": [list(plate_box(i, (160, 120)))]})
                             + "\n" for i in range(FRAMES)))
    out = tmp_path / "out.mp4"
    process = subprocess.Popen(
        [sys.executable, "-m", "plateplug.cli", "enhance", "-m", "unet", str(clip),
         "--boxes", str(boxes), "-o", str(out), "--no-reuse", "--max-input-height", "full"],
        stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        while not seen or not seen[-1].startswith("Enhancing"):  # the first frame is next
            seen.append(process.stderr.readline())
            assert seen[-1], f"ended before enhancing: {seen}"
        time.sleep(0.5)  # 30-100 frames on the project's 2-core CPU
        assert process.poll() is None, "finished before the signal"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 143, stderr
    partial = partial_path(out)
    line = next(line for line in stderr.splitlines() if line.startswith("Terminated: "))
    frames = int(line.removeprefix("Terminated: kept the ").split()[0])
    assert line == f"Terminated: kept the {frames} frames done in {partial}"
    assert 0 < frames < FRAMES, frames
    assert count_frames(partial) == (frames, 10.0, (160, 120))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boxes.jsonl", "clip.mp4",
                                                          "out.partial.mp4"]
    assert "Traceback" not in stderr


def test_the_previous_sigterm_handler_is_restored(fake_plugins, clip, boxes_file, tmp_path):
    def mine(signum, frame):
        raise AssertionError("not called")

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        result = CliRunner().invoke(main, ["enhance", "-m", "fake", str(clip), "--boxes",
                                           str(boxes_file), "-o", str(tmp_path / "o.mp4")])
        assert result.exit_code == 0, result.output
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)
