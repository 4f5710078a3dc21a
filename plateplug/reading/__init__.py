"""Reading plates across a track: which crops to read, per-character voting of the reads,
and what is known about each tracked plate.

>>> from plateplug.reading import Read, vote
>>> vote([Read("AB123", 0.9), Read("A8123", 0.6), Read("AB123", 0.7)]).text
'AB123'
"""

from plateplug.data.voting import Read, Vote, vote
from plateplug.errors import ReadingError
from plateplug.reading.policy import ReadPolicy, crop_quality
from plateplug.reading.tracks import TrackReading

__all__ = ["Read", "ReadPolicy", "ReadingError", "TrackReading", "Vote", "crop_quality",
           "vote"]
