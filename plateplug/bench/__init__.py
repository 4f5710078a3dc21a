"""Measuring enhancement by the one protocol of BENCHMARK.md: pairs, metrics, OCR, speed."""
