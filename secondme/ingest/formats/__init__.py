"""One module per note format; each turns decoded text (or raw bytes) into an ExtractedDoc."""
