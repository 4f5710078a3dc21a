"""Measuring enhancement by the one protocol of docs/benchmark.md: pairs, metrics, OCR, speed."""
