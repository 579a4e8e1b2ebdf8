"""Frame sources (webcam, video file, image folder) behind one protocol."""
