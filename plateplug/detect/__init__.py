"""Licence-plate detection: find plate boxes in whole frames with pluggable detectors.

>>> from plateplug import load_detector
>>> detector = load_detector()              # the shipped trained detector ('plateplug')
>>> for d in detector(frame):                # H x W x 3 uint8 BGR
...     x1, y1, x2, y2 = d.box
"""

from plateplug.detect.detection import Detection
from plateplug.detect.detector import Detector, DetectorModel
from plateplug.detect.errors import NoDetectorError
from plateplug.detect.loading import detectors, list_detectors, load_detector
from plateplug.detect.onnx_detector import OnnxDetector, OnnxDetectorModel

__all__ = ["Detection", "Detector", "DetectorModel", "NoDetectorError", "OnnxDetector",
           "OnnxDetectorModel", "detectors", "list_detectors", "load_detector"]
