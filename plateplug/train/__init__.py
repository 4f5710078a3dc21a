"""Training and ONNX export of the built-in models (needs the ``train`` extra: torch, onnx).

Modules: ``archs`` (one ``*_arch.py`` per network, plain nn.Modules, and their shared
``layers``), ``recipes`` (``TRAINABLE``, the table of trainable models, and one recipe module
per model), ``degrade`` (LR degradations, ``PROFILES``), ``data`` (LR/HR batches),
``checkpoint``, ``distributed`` (torchrun/DDP helpers), ``loop`` (the one training loop),
``recognizer`` (the text-aware feature network of the SRGAN perceptual loss),
``scene_texts`` (reader-made texts for the scenes crops, for the CTC loss), ``export`` and
``detector`` (the plate detector's training).

This package, ``recipes`` and ``degrade`` import no torch, so the CLI lists the models and
degradation profiles without it; callers ``require("torch", "train")`` before importing the
modules that train.
"""
