"""``plateplug train``, ``plateplug train-recognizer``, ``plateplug train-router``,
``plateplug export`` (torch extra) and ``plateplug quantize`` (onnx, in the train extra).

torch and onnx are imported inside the commands, so ``plateplug --help`` works without them.
"""

from __future__ import annotations

from pathlib import Path

import click

from plateplug.cli.options import data_option, threads_option
from plateplug.data.fonts import FONT_SETS
from plateplug.errors import PlateplugError
from plateplug.extras import require
from plateplug.train.degrade import PROFILES
from plateplug.train.recipes import TRAINABLE

DEFAULT_RECOGNIZER = "runs/recognizer/last.pt"
DEFAULT_SCENES = Path.home() / ".cache" / "plateplug-data" / "scenes"
FONTS_OPTION = click.option(
    "--fonts", type=click.Choice(FONT_SETS), default="hershey", show_default=True,
    help="Fonts of the rendered plates' characters: OpenCV's Hershey fonts, TrueType sans "
         "fonts from the train extra's font wheels (Source Sans Pro, OFL 1.1; Open Sans, "
         "Apache 2.0), or all of them.")


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _scenes(value: str | None) -> str | None:
    """The scenes folder to train on: the option, else the default one when it exists."""
    if value is None:
        return str(DEFAULT_SCENES) if (DEFAULT_SCENES / "boxes.csv").is_file() else None
    if value.lower() == "none":
        return None
    if not (Path(value) / "boxes.csv").is_file():
        raise PlateplugError(f"--scenes {value}: no boxes.csv there")
    return value


def _check_recognizer(model: str, recognizer: str) -> None:
    """The text loss's recogniser exists: RapidOCR's (ocr extra), its .onnx file or a
    checkpoint file."""
    from plateplug.train.ocr_teacher import TEACHER

    if recognizer == TEACHER:
        require("rapidocr", "ocr")
    elif not Path(recognizer).is_file():
        raise PlateplugError(
            f"{model} needs a trained recogniser at {recognizer}: run `plateplug "
            "train-recognizer --data DIR` first, or pass --recognizer rapidocr"
        )


@click.command("train")
@click.argument("model", type=click.Choice(tuple(TRAINABLE)))
@data_option("Plates folder/labels CSV, dashcam folder with boxes.csv, or a folder holding "
             "plates/ and dashcam/. Repeatable.", multiple=True, from_env=True)
@click.option("--steps", type=click.IntRange(min=1), help="Stop after this many steps.")
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True),
              help="Total training-time budget (counts time before a --resume).")
@click.option("--batch", type=click.IntRange(min=1), help="Batch size per process.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), help="Peak learning rate.")
@click.option("--resume", type=click.Path(exists=True, dir_okay=False),
              help="Continue a run from its checkpoint (model, optimiser, step, RNG).")
@click.option("--init", type=click.Path(exists=True, dir_okay=False),
              help="Start the generator from these weights: a training checkpoint (e.g. srgan "
                   "from resnet) or a plateplug .onnx export (e.g. a shipped model).")
@click.option("--out", type=click.Path(file_okay=False), help="Run folder [runs/MODEL].")
@threads_option("torch/OpenCV CPU threads.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes that make the training pairs (0: the main process); on a GPU "
                   "they are the bottleneck. Not with --teacher.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--recognizer", type=click.Path(dir_okay=False), default=DEFAULT_RECOGNIZER,
              show_default=True, help="srgan, and the others with --text-loss: 'rapidocr' "
              "(RapidOCR's recogniser as a teacher: needs the ocr extra), that recogniser's "
              ".onnx file (the same teacher without the package) or a checkpoint of "
              "`plateplug train-recognizer`.")
@click.option("--text-loss", is_flag=True,
              help="unet, resnet, mfsr: add the recogniser's text loss to pixel L1 (srgan "
                   "always has it).")
@click.option("--text-weight", type=click.FloatRange(min=0, min_open=True),
              help="Weight of the text loss against 0.5 * pixel L1 [default: the loss's own: "
                   "1e-3 for 'rapidocr', 0.05 for a CRNN checkpoint].")
@click.option("--adversarial-weight", type=click.FloatRange(min=0),
              help="srgan: weight of the adversarial loss against 0.5 * pixel L1 [default: "
                   "1e-3; 0 trains without the discriminator's term].")
@click.option("--ctc-weight", type=click.FloatRange(min=0), default=0.0,
              help="Add a CTC loss: RapidOCR's recogniser (--recognizer rapidocr or its .onnx) "
                   "reads the output of whole plates with text (the real crops with labels and "
                   "--synthetic rendered one-row plates) against that text; e.g. 2e-3 "
                   "[default: 0, none].")
@click.option("--ctc-two-row", type=click.FloatRange(0, 1), default=0.0,
              help="With --ctc-weight: this share of its batches holds --synthetic rendered "
                   "two-row plates, each row read on its own [default: 0, one-row plates only].")
@click.option("--width", type=click.IntRange(min=1),
              help="Feature channels of the generator (its num_feat) [default: the recipe's: "
                   "unet 16; resnet, srgan and mfsr 32]. --init from a narrower model of the same "
                   "architecture widens it: the wider network starts as the narrower one.")
@click.option("--grid", type=click.IntRange(min=0),
              help="mfsr: also give the network the frames' shift-and-add on a GRID times "
                   "finer grid (plateplug.shift_add: the unwarped frames at their measured "
                   "positions, which keeps the aliasing the registration's warp filters out); "
                   "0: none [default: the recipe's, 4 for mfsr; a resumed run keeps its own]. "
                   "--init from a network without it starts as that network.")
@click.option("--teacher", metavar="MODEL",
              help="Distil: an enhancer (name or .onnx file, e.g. srgan) whose output on each "
                   "LR patch is blended into the target, so a small model learns what a larger "
                   "one learned. Single-frame models.")
@click.option("--teacher-share", type=click.FloatRange(0, 1, min_open=True), default=0.5,
              show_default=True, help="The teacher's share of each target (the rest: HR).")
@click.option("--val-every", type=click.IntRange(min=1), default=250, show_default=True)
@click.option("--degradation", type=click.Choice(tuple(PROFILES)),
              help="LR degradation mix [default: the recipe's, balanced]: 'balanced' half "
                   "clean, half camera-like; 'camera' blurs, adds noise and JPEG to nearly "
                   "every pair; 'mixed' 35% clean, milder; 'clean' the protocol's sharp "
                   "shrink only.")
@click.option("--scenes", default=None,
              help=f"Scenes folder (boxes.csv): its train-split plate boxes become training "
                   f"crops; 'none' to leave out [default: {DEFAULT_SCENES} when present].")
@click.option("--scenes-texts", type=click.Path(exists=True, dir_okay=False),
              help="key,text CSV of the scenes crops (tools/label_scenes.py: what a reader "
                   "sees in each HR crop); with --ctc-weight, the labelled ones join the CTC "
                   "loss's plates.")
@click.option("--ctc-scenes", type=click.FloatRange(0, 1), default=0.0,
              help="With --scenes-texts: this share of the one-row CTC plates is drawn from "
                   "the labelled scenes crops [default: drawn as the others].")
@click.option("--scenes-share", type=click.FloatRange(0, 1), default=0.0,
              help="This share of the training plates (the pixel loss's) is drawn from the "
                   "--scenes crops [default: drawn as the others].")
@click.option("--synthetic", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Rendered plates of made-up styles added to the training crops.")
@FONTS_OPTION
@click.option("--ema", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Keep a moving average of the weights at this decay (e.g. 0.999: about "
                   "the last 1,000 steps) and validate, export and --init from it [default: "
                   "none; a resumed run keeps its own].")
def train(model, data, steps, minutes, batch, lr, resume, init, out, threads, workers, seed,
          recognizer, text_loss, text_weight, adversarial_weight, ctc_weight, ctc_two_row, width,
          grid, teacher, teacher_share, val_every, degradation, scenes, scenes_texts, ctc_scenes,
          scenes_share, synthetic, fonts, ema) -> None:
    """Train built-in MODEL x4 on real plates (runs unchanged under torchrun)."""
    try:
        require("torch", "train")
        from plateplug.train.loop import TrainConfig
        from plateplug.train.loop import train as run

        if resume and init:
            raise PlateplugError("use either --resume or --init, not both")
        if text_loss and model == "srgan":
            raise PlateplugError("srgan always has the text loss: leave out --text-loss")
        if adversarial_weight is not None and model != "srgan":
            raise PlateplugError("--adversarial-weight: only srgan has an adversarial loss")
        if ctc_two_row and not ctc_weight:
            raise PlateplugError("--ctc-two-row shares out the CTC batches: add --ctc-weight")
        if ctc_scenes and not (ctc_weight and scenes_texts):
            raise PlateplugError("--ctc-scenes shares out the CTC plates: add --ctc-weight "
                                 "and --scenes-texts")
        if model == "srgan" or text_loss or ctc_weight:
            _check_recognizer(model, recognizer)
        elif text_weight is not None:
            raise PlateplugError("--text-weight weights the text loss: add --text-loss")
        config = TrainConfig(
            model=model, data=list(data), out=out, steps=steps, minutes=minutes, batch=batch,
            lr=lr, resume=resume, init=init, threads=threads, seed=seed, val_every=val_every,
            degradation=degradation, scenes=_scenes(scenes), synthetic=synthetic, fonts=fonts,
            width=width, grid=grid, teacher=teacher, teacher_share=teacher_share, workers=workers,
            ctc_weight=ctc_weight, ctc_two_row=ctc_two_row, scenes_texts=scenes_texts,
            ctc_scenes=ctc_scenes, scenes_share=scenes_share, ema=ema or 0.0,
            options={"recognizer": recognizer, "text_loss": text_loss,
                     "text_weight": text_weight, "adversarial_weight": adversarial_weight},
        )
        path = run(config)
    except PlateplugError as exc:
        raise _fail(exc) from exc
    click.echo(str(path))


@click.command("train-recognizer")
@data_option("Plates folder or labels CSV with plate text (train split used).",
             multiple=True)
@click.option("--steps", type=click.IntRange(min=1), default=1500, show_default=True)
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True))
@click.option("--batch", type=click.IntRange(min=1), default=32, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=1e-3,
              show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default="runs/recognizer",
              show_default=True)
@threads_option("torch CPU threads.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--synthetic", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Rendered plates of made-up styles (with their text) added to the "
                   "training crops.")
@FONTS_OPTION
def train_recognizer(data, steps, minutes, batch, lr, out, threads, seed, synthetic,
                     fonts) -> None:
    """Train the CRNN plate-text recogniser used by the srgan perceptual loss."""
    try:
        require("torch", "train")
        from plateplug.train.recognizer import RecognizerConfig
        from plateplug.train.recognizer import train_recognizer as run

        path = run(RecognizerConfig(data=list(data), steps=steps, minutes=minutes, batch=batch,
                                    lr=lr, out=out, threads=threads, seed=seed,
                                    synthetic=synthetic, fonts=fonts))
    except PlateplugError as exc:
        raise _fail(exc) from exc
    click.echo(str(path))


@click.command("train-router")
@data_option("Plates folder/labels CSV, dashcam folder with boxes.csv, or a folder holding "
             "plates/ and dashcam/ (train split trained on, val split measured). Repeatable.",
             multiple=True, from_env=True)
@click.option("--sharp", required=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Enhancer file for the crops the gate judges sharp.")
@click.option("--general", required=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Enhancer file for every other crop.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for router.onnx and copies of the two enhancer files.")
@click.option("--steps", type=click.IntRange(min=1), help="Stop after this many steps.")
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True),
              help="Training-time budget.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Crops with a sharpness probability at least this go to --sharp.")
@click.option("--version", "version", help="Version of the routed model [default: the "
              "--general file's].")
@click.option("--view", type=(click.IntRange(1, 512), click.IntRange(1, 512)), metavar="W H",
              help="The gate sees each whole crop resized to W x H pixels, e.g. 48 16 "
                   "[default: the crop at its own size].")
@threads_option("torch/OpenCV CPU threads.")
@click.option("--seed", type=int, default=0, show_default=True)
def train_router(data, sharp, general, out, steps, minutes, threshold, version, view, threads,
                 seed) -> None:
    """Train a gate that sends each crop to the --sharp or the --general enhancer, and write
    the routed model (OUT/router.onnx: `plateplug bench -m` measures it like an enhancer file)."""
    try:
        require("torch", "train")
        from plateplug.train.router import RouterConfig
        from plateplug.train.router import train_router as run

        path = run(RouterConfig(data=list(data), sharp=sharp, general=general, out=out,
                                steps=steps, minutes=minutes, threshold=threshold,
                                threads=threads, seed=seed, version=version, view=view),
                   log=click.echo)
    except PlateplugError as exc:
        raise _fail(exc) from exc
    click.echo(str(path))


@click.command("export")
@click.argument("model", type=click.Choice(tuple(TRAINABLE)))
@click.argument("checkpoint", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="ONNX file to write.")
@click.option("--opset", type=click.IntRange(17, 18), default=17, show_default=True)
def export(model, checkpoint, output, opset) -> None:
    """Export a trained MODEL CHECKPOINT to ONNX with plateplug metadata."""
    try:
        require("torch", "train")
        from plateplug.train.export import export_checkpoint

        path = export_checkpoint(model, checkpoint, output, opset=opset)
    except PlateplugError as exc:
        raise _fail(exc) from exc
    click.echo(str(path))



@click.command("quantize")
@click.argument("model")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="int8 ONNX file to write (a built-in NAME's copy goes to "
                   "NAME-int8.onnx beside NAME.onnx).")
@data_option("Plates folder or labels CSV: LR crops made from its train split calibrate "
             "the int8 ranges.", multiple=True)
@click.option("--samples", type=click.IntRange(min=1), default=64, show_default=True,
              help="LR crops to calibrate on.")
@click.option("--seed", type=int, default=0, show_default=True)
def quantize(model: str, output: Path, data: tuple[str, ...], samples: int, seed: int) -> None:
    """Quantise enhancer MODEL (a registered name or a plateplug .onnx file) to int8 for
    CPUs (static, per-channel), keeping its metadata; the copy is named MODEL-int8."""
    try:
        require("onnx", "train")
        from plateplug.data.crops import load_sources
        from plateplug.train.quantize import quantize_enhancer

        source = onnx_file(model)
        if output.resolve() == source.resolve():
            raise PlateplugError(f"{output}: refusing to overwrite the input model")
        path = quantize_enhancer(source, output, load_sources(data, "train"), samples, seed)
    except PlateplugError as exc:
        raise _fail(exc) from exc
    click.echo(str(path))


def onnx_file(model: str) -> Path:
    """The .onnx file of ``model``: a path, or a registered ONNX enhancer's file."""
    from plateplug.models import OnnxModel, enhancer_model
    from plateplug.routing import RoutedModel

    registered = enhancer_model(model)
    if isinstance(registered, RoutedModel):
        files = " and ".join(map(str, registered.files(registered.metadata())))
        raise PlateplugError(f"enhancer {model!r} routes crops between {files}: quantise each "
                             "file, its copy named <file>-int8.onnx beside it")
    if not isinstance(registered, OnnxModel):
        raise PlateplugError(f"enhancer {model!r} is not an ONNX file model")
    if not Path(registered.path).is_file():
        raise PlateplugError(f"model file {registered.path} does not exist")
    return Path(registered.path)
