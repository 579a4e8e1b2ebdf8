"""Check kiosk.vision.align against dlib, and measure the mesh -> dlib 5-point rules.

dlib lives in its own build environment and the kiosk's models in the kiosk's, so the tool has
two halves: ``python -m models.build.alignment`` (kiosk venv) decodes the photos, runs BlazeFace
and the 468-point mesh, and runs ``models.build.alignment.dlib_side`` with the dlib venv's python
on the same images (dlib's HOG detector, 5-point predictor, ``get_face_chip`` and
``compute_face_descriptor``).

It measures (i) exact-chip parity: ``dlib_chip`` against ``dlib.get_face_chip`` given dlib's own
points, on the photos and on rescaled/rotated copies that exercise dlib's pyramid, and ONNX
descriptors against dlib's; (ii) the point error of the shipped rules (``align.MESH_RULES``,
``align.KEYPOINT_RULES``) against dlib's 5 points, and of the same rule shapes refitted on these
photos (5-fold cross-validated by photo). The result is written to
``models/face_recognition/alignment_check.json``, which tests/unit/test_alignment_check.py
checks against align.py: changing a rule means rerunning this tool.

Run from the repository root (default photos: the public-domain fixtures)::

    .venv/bin/python -m models.build.alignment [--dlib-python .venv-build-dlib/bin/python]
"""
