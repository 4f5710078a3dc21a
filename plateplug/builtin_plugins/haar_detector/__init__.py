"""Built-in plugin haar_detector (being written)."""
