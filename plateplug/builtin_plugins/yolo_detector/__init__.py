"""Built-in plugin: 'yolo', any single-class YOLOv8/v11 plate model exported to ONNX by
ultralytics (``load_detector("yolo", path=...)``, ``--detector yolo:PATH``)."""

from plateplug import hookimpl
from plateplug.detect.yolo import YoloModel


@hookimpl
def register_detectors(register):
    register(YoloModel())
