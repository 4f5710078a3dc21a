"""Built-in plugin rapidocr_reader (being written)."""
