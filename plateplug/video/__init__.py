"""Video and stream adapter: enhance the plates of video files, cameras and streams.

Drop plateplug into an existing OpenCV ANPR loop::

    import plateplug
    from plateplug.video import enhance_plates

    enhancer = plateplug.load("srgan")
    boxes = my_detector(frame)                        # [(x1, y1, x2, y2), ...]
    for text in map(my_ocr, enhance_plates(frame, boxes, enhancer)):
        ...

Or let plateplug read the video, detect (or take boxes), enhance and track::

    from plateplug.video import iter_plates

    for index, frame, plates in iter_plates("dashcam.mp4", enhancer):
        for plate in plates:                          # box, region, track_id, crop, enhanced
            print(index, plate.track_id, my_ocr(plate.enhanced))
"""

from plateplug.video.boxes import read_boxes
from plateplug.video.crops import CropWriter
from plateplug.video.enhancing import Enhanced, PlateEnhancer
from plateplug.video.errors import BoxesFileError, OutputError, SourceError, VideoError
from plateplug.video.overlay import LAYOUTS, output_size, render
from plateplug.video.pipeline import (
    DEFAULT_MARGIN,
    FramePlates,
    PlateResult,
    Summary,
    crop_region,
    enhance_plates,
    iter_plates,
    load_detector,
    plates_in_frame,
    process_video,
)
from plateplug.video.reuse import ReusePolicy
from plateplug.video.sources import FrameWarning, VideoSource
from plateplug.video.stats import StageTimes
from plateplug.video.tracker import IoUTracker, Track
from plateplug.video.writer import OutputSizeWarning, VideoWriter, partial_path

__all__ = [
    "DEFAULT_MARGIN", "LAYOUTS", "BoxesFileError", "CropWriter", "Enhanced", "FramePlates",
    "FrameWarning", "IoUTracker", "OutputError", "OutputSizeWarning", "PlateEnhancer",
    "PlateResult", "ReusePolicy", "SourceError", "StageTimes", "Summary", "Track", "VideoError",
    "VideoSource", "VideoWriter", "crop_region", "enhance_plates",
    "iter_plates", "load_detector", "output_size", "partial_path", "plates_in_frame",
    "process_video", "read_boxes", "render",
]
