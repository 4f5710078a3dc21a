"""`plateplug enhance` on image files and folders, with a tiny enhancer registered in code."""

import os
import types

import cv2
import pytest
from click.testing import CliRunner

from plateplug import OnnxModel, hookimpl, plugins
from plateplug.cli import main
from tests.conftest import plate_like


@pytest.fixture
def tiny_model(tiny_onnx, fresh_plugins):
    path = tiny_onnx()
    module = types.ModuleType("tiny_plugin")

    @hookimpl
    def register_enhancers(register):
        register(OnnxModel("tiny", path))

    module.register_enhancers = register_enhancers
    plugins.register_module(module, "tiny")
    return "tiny"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(path, image):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image)
    return path


def test_single_file_default_output_beside_it(tiny_model, tmp_path):
    src = write(tmp_path / "plate.png", plate_like())
    before = src.read_bytes()
    result = run("enhance", "-m", tiny_model, src, "--device", "cpu")
    assert result.exit_code == 0, result.output
    out = cv2.imread(str(tmp_path / "plate.enhanced.png"))
    assert out.shape == (80, 240, 3)
    assert src.read_bytes() == before  # the input is never modified
    assert not list(tmp_path.glob(".*.part"))  # no temp files left


def test_explicit_output_file_and_folder(tiny_model, tmp_path):
    src = write(tmp_path / "a.jpg", plate_like())
    assert run("enhance", "-m", tiny_model, src, "-o", tmp_path / "big.png").exit_code == 0
    assert cv2.imread(str(tmp_path / "big.png")).shape == (80, 240, 3)
    other = write(tmp_path / "b.png", plate_like(10, 30))
    result = run("enhance", "-m", tiny_model, src, other, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "b.png"]


def test_folder_keeps_its_structure(tiny_model, tmp_path):
    write(tmp_path / "in" / "x.png", plate_like())
    write(tmp_path / "in" / "sub" / "y.jpg", plate_like(12, 40))
    (tmp_path / "in" / "notes.txt").write_text("not an image")
    result = run("enhance", "-m", tiny_model, tmp_path / "in")
    assert result.exit_code == 0, result.output
    root = tmp_path / "in.enhanced"
    assert cv2.imread(str(root / "x.png")).shape == (80, 240, 3)
    assert cv2.imread(str(root / "sub" / "y.png")).shape == (48, 160, 3)


def test_keep_size_restores_at_the_same_size(tiny_model, tmp_path):
    src = write(tmp_path / "fuzzy.png", plate_like(64, 200))
    result = run("enhance", "-m", tiny_model, src, "--keep-size", "-o", tmp_path / "k.png")
    assert result.exit_code == 0, result.output
    assert cv2.imread(str(tmp_path / "k.png")).shape == (64, 200, 3)


def test_grey_image_stays_grey(tiny_model, tmp_path):
    src = write(tmp_path / "g.png", plate_like()[..., 0].copy())
    assert run("enhance", "-m", tiny_model, src).exit_code == 0
    out = cv2.imread(str(tmp_path / "g.enhanced.png"), cv2.IMREAD_UNCHANGED)
    assert out.shape == (80, 240)


@pytest.mark.parametrize("setup,args,message", [
    (None, ["missing.png"], "missing.png: no such file or folder"),
    ("empty", ["empty"], "folder holds no images"),
    ("text", ["fake.png"], "fake.png: not a readable image"),
    (None, ["-m", "nope", "x.png"], "unknown enhancer 'nope'"),
])
def test_bad_input_gives_error_not_traceback(tiny_model, tmp_path, monkeypatch, setup, args,
                                             message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "fake.png").write_text("hello")
    write(tmp_path / "x.png", plate_like())
    if "-m" not in args:
        args = ["-m", tiny_model, *args]
    result = run("enhance", *args)
    assert result.exit_code != 0
    assert "Error: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_one_bad_file_in_a_folder_does_not_stop_the_rest(tiny_model, tmp_path):
    write(tmp_path / "in" / "good.png", plate_like())
    (tmp_path / "in" / "bad.png").write_bytes(b"\x89PNG broken")
    result = run("enhance", "-m", tiny_model, tmp_path / "in")
    assert result.exit_code == 1
    assert "bad.png: not a readable image" in result.output
    assert "1 of 2 image(s) could not be enhanced" in result.output
    assert (tmp_path / "in.enhanced" / "good.png").is_file()


def test_refuses_to_overwrite_an_input(tiny_model, tmp_path):
    src = write(tmp_path / "a.png", plate_like())
    result = run("enhance", "-m", tiny_model, src, "-o", src)
    assert result.exit_code != 0 and "refusing to overwrite an input" in result.output


def test_untrained_model_is_a_clear_error(fresh_plugins, tmp_path, monkeypatch):
    monkeypatch.setattr(plugins.lookup("enhancer", "srgan").item, "path", tmp_path / "no.onnx")
    src = write(tmp_path / "a.png", plate_like())
    result = run("enhance", "-m", "srgan", src)
    assert result.exit_code == 1
    assert "Error: model 'srgan' is not trained yet" in result.output


def test_unwritable_output_is_an_error(tiny_model, tmp_path):
    src = write(tmp_path / "a.png", plate_like())
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("enhance", "-m", tiny_model, src, "-o", blocker / "out.png")
    assert result.exit_code != 0 and "Error:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("names", [("x/a.jpg", "y/a.jpg"), ("a.jpg", "a.png")])
def test_two_inputs_for_one_output_fail_before_any_work(tiny_model, tmp_path, names):
    sources = [write(tmp_path / name, plate_like()) for name in names]
    result = run("enhance", "-m", tiny_model, *sources, "-o", tmp_path / "out")
    assert result.exit_code != 0
    assert "2 inputs would be written here" in result.output
    assert not (tmp_path / "out").exists()


def test_write_error_names_the_output_and_the_other_images_are_done(tiny_model, tmp_path):
    good = write(tmp_path / "in" / "good.png", plate_like())
    write(tmp_path / "in" / "bad.png", plate_like())
    (tmp_path / "in.enhanced" / "bad.png").mkdir(parents=True)  # a folder in the way
    result = run("enhance", "-m", tiny_model, tmp_path / "in")
    assert result.exit_code != 0
    assert f"{tmp_path / 'in.enhanced' / 'bad.png'}: cannot write" in result.output
    assert ".part" not in result.output
    assert "1 of 2 image(s) could not be enhanced" in result.output
    assert cv2.imread(str(tmp_path / "in.enhanced" / good.name)).shape == (80, 240, 3)
    assert not list((tmp_path / "in.enhanced").glob(".*.part"))


def test_outputs_follow_the_umask(tiny_model, tmp_path):
    src = write(tmp_path / "p.png", plate_like())
    old = os.umask(0o022)
    try:
        assert run("enhance", "-m", tiny_model, src).exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "p.enhanced.png").stat().st_mode & 0o777 == 0o644


def test_images_over_max_pixels_are_refused_and_the_rest_done(tiny_model, tmp_path):
    write(tmp_path / "in" / "small.png", plate_like(h=10, w=20))
    write(tmp_path / "in" / "big.png", plate_like(h=20, w=30))
    result = run("enhance", "-m", tiny_model, tmp_path / "in", "--max-pixels", 599)
    assert result.exit_code == 1
    assert (f"Error: {tmp_path / 'in' / 'big.png'} is 30 x 20 = 600 pixels, more than the "
            "maximum of 599") in result.output
    assert "1 of 2 image(s) could not be enhanced" in result.output
    assert (tmp_path / "in.enhanced" / "small.png").is_file()
    assert not (tmp_path / "in.enhanced" / "big.png").exists()
    assert "--max-pixels INTEGER RANGE" in run("enhance", "--help").output
