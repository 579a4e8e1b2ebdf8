"""The only package that imports mediapipe and onnxruntime: model loading and inference."""
