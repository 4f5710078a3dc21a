"""Training and ONNX export of the built-in plate detector (needs the ``train`` extra).

The network is ``plateplug.train.archs.platenet_arch``. Modules: ``targets`` (boxes ->
CenterNet training maps), ``loss``, ``data`` (dashcam frames and synthetic scenes as training
batches), ``loop`` (the time-boxed training loop with checkpoints) and ``export`` (ONNX with
plateplug detector metadata).
"""

from plateplug.extras import require

torch = require("torch", "train")

__all__ = ["torch"]
