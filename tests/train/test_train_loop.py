"""Training smoke for every built-in model, resume equals an uninterrupted run, --init."""

import json

import pytest

torch = pytest.importorskip("torch")

from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402
from plateplug.train.loop import TrainConfig, learning_rate, train, train_model  # noqa: E402
from plateplug.train.recognizer import RecognizerConfig, train_recognizer  # noqa: E402


def _config(data, out, **kw) -> TrainConfig:
    base = {"model": "unet", "data": [str(data)], "out": str(out), "steps": 3, "batch": 2,
            "threads": 1, "seed": 1, "val_every": 2, "log_every": 1, "val_count": 2}
    base.update(kw)
    return TrainConfig(**base)


@pytest.mark.parametrize("model", ["unet", "resnet"])
def test_pixel_models_train_a_few_steps(synthetic_plates, tmp_path, model):
    path = train(_config(synthetic_plates, tmp_path / model, model=model))
    state = checkpoint.load(path)
    assert state["model_name"] == model and state["step"] == 3
    rows = [json.loads(line) for line in (tmp_path / model / "log.jsonl").read_text().split("\n")
            if line]
    assert rows[0]["event"] == "start" and rows[-1]["event"] == "end"
    assert any("val_psnr_y" in r for r in rows)
    assert all(torch.isfinite(v).all() for v in state["model"].values())


@pytest.mark.slow
def test_srgan_fine_tunes_from_resnet_with_recognizer(synthetic_plates, tmp_path):
    recognizer = train_recognizer(RecognizerConfig(
        data=[str(synthetic_plates)], out=str(tmp_path / "rec"), steps=2, batch=4, threads=1))
    resnet = train(_config(synthetic_plates, tmp_path / "resnet", model="resnet", steps=1))
    path = train(_config(synthetic_plates, tmp_path / "srgan", model="srgan", steps=2,
                         init=str(resnet), options={"recognizer": str(recognizer)}))
    state = checkpoint.load(path)
    assert "disc" in state and "disc_optimizer" in state
    log = (tmp_path / "srgan" / "log.jsonl").read_text()
    assert '"adversarial"' in log and '"feature"' in log


def test_resume_matches_an_uninterrupted_run(synthetic_plates, tmp_path):
    _, straight = train_model(_config(synthetic_plates, tmp_path / "a", steps=4))
    half = train(_config(synthetic_plates, tmp_path / "b", steps=4, stop_after=2))
    assert checkpoint.load(half)["step"] == 2
    _, resumed = train_model(_config(synthetic_plates, tmp_path / "b", steps=4, resume=str(half)))
    for (name, a), (_, b) in zip(straight.state_dict().items(), resumed.state_dict().items(),
                                 strict=True):
        assert torch.equal(a, b), name


def test_init_loads_generator_weights(synthetic_plates, tmp_path):
    first = train(_config(synthetic_plates, tmp_path / "a", steps=1))
    _, model = train_model(_config(synthetic_plates, tmp_path / "b", steps=1, init=str(first),
                                   lr=1e-12))
    weights = checkpoint.model_state(checkpoint.load(first))
    for name, value in model.state_dict().items():
        assert torch.allclose(value, weights[name], atol=1e-6), name


def test_ema_is_exported_and_a_resume_keeps_it(synthetic_plates, tmp_path):
    _, straight = train_model(_config(synthetic_plates, tmp_path / "a", steps=4, ema=0.5))
    full = checkpoint.load(tmp_path / "a" / "last.pt")
    assert full["ema_decay"] == 0.5
    averaged, trained = checkpoint.model_state(full), checkpoint.trained_state(full)
    assert all(torch.equal(trained[k], v) for k, v in straight.state_dict().items())
    assert any(not torch.equal(averaged[k], trained[k]) for k in trained)
    half = train(_config(synthetic_plates, tmp_path / "b", steps=4, stop_after=2, ema=0.5))
    train(_config(synthetic_plates, tmp_path / "b", steps=4, resume=str(half)))  # no --ema
    resumed = checkpoint.load(tmp_path / "b" / "last.pt")
    for name, value in averaged.items():
        assert torch.equal(value, checkpoint.model_state(resumed)[name]), name


def test_width_widens_the_init_and_a_resume_keeps_it(synthetic_plates, tmp_path):
    first = train(_config(synthetic_plates, tmp_path / "a", steps=1))
    half = train(_config(synthetic_plates, tmp_path / "b", steps=2, stop_after=1,
                         init=str(first), width=24))
    assert checkpoint.load(half)["arch"]["num_feat"] == 24
    with pytest.raises(PlateplugError, match="24 wide, not 16: leave out --width"):
        train(_config(synthetic_plates, tmp_path / "b", steps=2, resume=str(half), width=16))
    _, model = train_model(_config(synthetic_plates, tmp_path / "b", steps=2, resume=str(half)))
    assert model.head.out_channels == 24


def test_learning_rate_warms_up_and_decays():
    assert learning_rate(1.0, 0, 0.0) < 0.05
    assert learning_rate(1.0, 500, 0.0) == pytest.approx(1.0)
    assert learning_rate(1.0, 500, 1.0) == pytest.approx(0.02)


@pytest.mark.slow
def test_unet_trains_with_the_rapidocr_teacher_as_text_loss(synthetic_plates, tmp_path):
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    train(_config(synthetic_plates, tmp_path / "u", steps=2,
                  options={"recognizer": "rapidocr", "text_loss": True}))
    rows = [json.loads(line) for line in (tmp_path / "u" / "log.jsonl").read_text().split("\n")
            if line]
    parts = [r for r in rows if "feature" in r]
    assert parts and all(r["feature"] >= 0 and "adversarial" not in r for r in parts)


@pytest.mark.slow
@pytest.mark.parametrize("model", ["unet", "mfsr"])
def test_a_ctc_loss_on_whole_plates_joins_the_pixel_loss(synthetic_plates, tmp_path, model):
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    train(_config(synthetic_plates, tmp_path / model, model=model, steps=2, ctc_weight=2e-3,
                  synthetic=4, options={"recognizer": "rapidocr"}))
    rows = [json.loads(line) for line in (tmp_path / model / "log.jsonl").read_text().split("\n")
            if line]
    steps = [r for r in rows if "ctc" in r]
    assert len(steps) == 2 and all(r["ctc"] > 0 and r["loss"] > r["l1"] for r in steps)


@pytest.mark.slow
def test_two_row_ctc_batches_train(synthetic_plates, tmp_path):
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    train(_config(synthetic_plates, tmp_path / "u", steps=3, ctc_weight=2e-3, ctc_two_row=1.0,
                  synthetic=4, options={"recognizer": "rapidocr"}))
    rows = [json.loads(line) for line in (tmp_path / "u" / "log.jsonl").read_text().split("\n")
            if line]
    assert sum("ctc" in r and r["ctc"] > 0 for r in rows) == 3


def test_labelled_scenes_crops_join_the_ctc_plates(synthetic_plates, synthetic_dashcam,
                                                    tmp_path):
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    texts = tmp_path / "texts.csv"
    texts.write_text("key,text\nscenes/images/frame_0.jpg#0,CAM0001\n")
    train(_config(synthetic_plates, tmp_path / "s", steps=2, ctc_weight=2e-3, ctc_scenes=0.5,
                  synthetic=4, scenes=str(synthetic_dashcam), scenes_texts=str(texts),
                  options={"recognizer": "rapidocr"}))
    rows = [json.loads(line) for line in (tmp_path / "s" / "log.jsonl").read_text().split("\n")
            if line]
    assert rows[0]["sources"]["scenes_texts"] == 1
    assert sum("ctc" in r and r["ctc"] > 0 for r in rows) == 2
    with pytest.raises(PlateplugError, match="give --scenes too"):
        train(_config(synthetic_plates, tmp_path / "n", scenes_texts=str(texts)))
    texts.write_text("key,text\nscenes/images/000000_000.png#0,CAM0001\n")  # another folder's
    with pytest.raises(PlateplugError, match="none of its 1 keys is a crop of --scenes"):
        train(_config(synthetic_plates, tmp_path / "o", steps=1, scenes=str(synthetic_dashcam),
                      scenes_texts=str(texts)))


def test_the_ctc_loss_refuses_a_crnn_checkpoint(synthetic_plates, tmp_path):
    with pytest.raises(PlateplugError, match="RapidOCR's recogniser"):
        train(_config(synthetic_plates, tmp_path / "c", ctc_weight=1e-3,
                      options={"recognizer": str(tmp_path / "crnn.pt")}))
