"""Liveness on the real models: still photos, however they are waved about, never pass.

The demo clip is made of still photographs, and the fixture photos are "played as a video" with
a hand-held wobble (shift, scale, in-plane rotation and a mild perspective tilt). No public-domain
video of a live face is in the repository, so the positive case is covered by the synthetic unit
tests (tests/unit/test_liveness.py) and was measured on dev-only videos outside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.sources import VideoFileSource
from kiosk.commands.loaders import empty_gallery
from kiosk.config import PipelineConfig, load_config
from kiosk.core.liveness import LivenessResult, LivenessTracker
from kiosk.core.types import Frame
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.runtime import ImageBGR
from tests.models.conftest import SINGLE_FACE_PHOTOS, read_image

pytestmark = pytest.mark.models

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "assets" / "demo" / "pd_stills_clip.mp4"
PHOTOS = SINGLE_FACE_PHOTOS
FPS, SECONDS = 15.0, 3.0


@pytest.fixture(scope="module")
def pipeline_config(tmp_path_factory: pytest.TempPathFactory) -> PipelineConfig:
    data_dir = tmp_path_factory.mktemp("kiosk-data")
    return load_config(None, {"KIOSK_PATHS_DATA_DIR": str(data_dir)}).pipeline


def liveness_per_track(
    models: VisionModels, config: PipelineConfig, frames: Iterable[Frame]
) -> dict[int, list[LivenessResult]]:
    """Every track's liveness verdicts, frame by frame, as the kiosk would wire it."""
    pipeline = Pipeline(models, empty_gallery(models), config)
    trackers: dict[int, LivenessTracker] = {}
    verdicts: dict[int, list[LivenessResult]] = {}
    for frame in frames:
        for face in pipeline.process(frame).faces:
            tracker = trackers.setdefault(face.track_id, LivenessTracker())
            verdict = tracker.update(frame.timestamp_ms, face.mesh)
            verdicts.setdefault(face.track_id, []).append(verdict)
    return verdicts


def padded(image: ImageBGR, min_side: int = 400) -> ImageBGR:
    """Small photos enlarged so the shortest side is `min_side` (a print held near the camera)."""
    scale = min_side / min(image.shape[:2])
    if scale <= 1.0:
        return image
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_CUBIC), np.uint8)


def wobble(image: ImageBGR, seed: int) -> Iterator[Frame]:
    """The photo hand-held for 3 s at 15 fps: smooth random shift (+-3 % of the width), scale
    (+-5 %), rotation (+-3 degrees) and perspective tilt (corners +-4 %)."""
    rng = np.random.default_rng(seed)
    h, w = image.shape[:2]
    n = int(FPS * SECONDS)
    t = np.arange(n)[:, None] / FPS
    freq, phase = rng.uniform(0.3, 2.0, (1, 12)), rng.uniform(0.0, 2 * np.pi, (1, 12))
    wave = np.clip(np.sin(2 * np.pi * freq * t + phase) + rng.uniform(-0.15, 0.15, (n, 12)), -1, 1)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    for i in range(n):
        similarity = cv2.getRotationMatrix2D(
            (w / 2, h / 2), 3.0 * wave[i, 0], 1 + 0.05 * wave[i, 1]
        )
        similarity[:, 2] += 0.03 * w * wave[i, 2:4]
        tilt = corners + (0.04 * wave[i, 4:12].reshape(4, 2) * (w, h)).astype(np.float32)
        warp = np.vstack([similarity, [0, 0, 1]]) @ cv2.getPerspectiveTransform(corners, tilt)
        moved = cv2.warpPerspective(image, warp, (w, h), borderMode=cv2.BORDER_REPLICATE)
        yield Frame(np.asarray(moved, np.uint8), i * 1000.0 / FPS, i)


def test_the_stills_clip_never_passes(
    vision_models: VisionModels, pipeline_config: PipelineConfig
) -> None:
    with VideoFileSource(CLIP) as source:
        verdicts = liveness_per_track(vision_models, pipeline_config, source.frames())
    assert len(verdicts) >= 4  # Obama, Biden, Collins, masked Obama
    assert sum(len(v) for v in verdicts.values()) >= 100
    passed = {track: v[-1] for track, v in verdicts.items() if any(r.live for r in v)}
    assert passed == {}


@pytest.mark.parametrize("name", PHOTOS)
def test_a_hand_held_photo_never_passes(
    vision_models: VisionModels, pipeline_config: PipelineConfig, faces_dir: Path, name: str
) -> None:
    image = padded(read_image(faces_dir / name))
    frames = wobble(image, seed=PHOTOS.index(name))
    verdicts = liveness_per_track(vision_models, pipeline_config, frames)
    longest = max(verdicts.values(), key=len)
    assert longest[-1].frames_seen >= 30  # the face was followed through the wobble
    assert not any(r.live for v in verdicts.values() for r in v), {
        t: v[-1] for t, v in verdicts.items()
    }
