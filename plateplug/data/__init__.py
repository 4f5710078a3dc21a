"""The data layer: plate crops and their splits, labelled frames, the benchmark protocol's
pairs and bursts, image and OCR metrics, box geometry and matching, synthetic scenes and
rendered plates.

Torch-free and model-free: it needs only numpy and OpenCV, and imports nothing above the
core modules (``errors``, ``images``, ``jobs``, ``align``...). ``detect``, ``train`` and
``bench`` build on it.
"""
