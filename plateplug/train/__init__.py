"""Training and ONNX export of the built-in enhancers (needs the ``train`` extra: torch, onnx).

Modules: ``layers`` (shared building blocks), ``degrade`` (LR degradations), ``data``
(crop loading and LR/HR batches), ``checkpoint``, ``distributed`` (torchrun/DDP helpers),
``loop`` (the one training loop), ``recognizer_arch``/``recognizer`` (the text-aware feature
network used by the SRGAN perceptual loss), ``recipes`` (model name -> recipe) and ``export``.
"""

from plateplug.extras import require

torch = require("torch", "train")

__all__ = ["torch"]
