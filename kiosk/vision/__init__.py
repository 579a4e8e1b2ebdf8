"""The only package that imports onnxruntime: model loading and inference (MediaPipe's models
run here as ONNX; the mediapipe package is only the reference in tests/mediapipe)."""
