"""Built-in plugin plate_detector (being written)."""
