"""Text embedders (offline ONNX models behind a small interface)."""
