"""Liveness through the real pipeline: no photo attack, however it is played, ever goes live.

Attacks are generated from the public-domain fixture photos (kiosk.vision.liveness_spoofs):
still, moved and tilted prints, a bent print, a rolled print, a two-still blink animation, a
screen replay and a noisy print. The demo clip (still photos) must not pass either. No
public-domain video of a live face is in the repository: the positive case is covered by the
synthetic unit tests and measured on dev-only videos with `kiosk bench liveness`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.camera.sources import VideoFileSource
from kiosk.commands.loaders import empty_gallery
from kiosk.config import PipelineConfig
from kiosk.config.loading import load_config
from kiosk.core.face_motion import eye_aspect_ratios
from kiosk.vision.liveness_eval import spoof_outcome, time_to_live
from kiosk.vision.liveness_spoofs import PrintMaterial, SpoofKind, print_material
from kiosk.vision.models import VisionModels
from kiosk.vision.still import largest_face
from tests.models.conftest import read_image

pytestmark = pytest.mark.models

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "assets" / "demo" / "pd_stills_clip.mp4"
# (photo, seed): two photos per kind, different people, sizes and generator seeds.
ATTACKS = (("obama/obama_1.jpg", 0), ("collins/collins_1.png", 1))
SECONDS = 4.0


@pytest.fixture(scope="module")
def pipeline_config(tmp_path_factory: pytest.TempPathFactory) -> PipelineConfig:
    data_dir = tmp_path_factory.mktemp("kiosk-data")
    return load_config(None, {"KIOSK_PATHS_DATA_DIR": str(data_dir)}).pipeline


@pytest.fixture(scope="module")
def materials(vision_models: VisionModels, faces_dir: Path) -> dict[str, PrintMaterial]:
    out = {}
    for name, _ in ATTACKS:
        material = print_material(vision_models, read_image(faces_dir / name))
        assert material is not None, f"no face in {name}"
        out[name] = material
    return out


def test_the_stills_clip_never_passes(
    vision_models: VisionModels, pipeline_config: PipelineConfig
) -> None:
    with VideoFileSource(CLIP) as source:
        tracks = time_to_live(
            vision_models, empty_gallery(vision_models), pipeline_config, source.frames()
        )
    assert len(tracks) >= 4  # Obama, Biden, Collins, masked Obama
    assert sum(t.followed_s for t in tracks) >= 6.0
    assert [t for t in tracks if t.live_ms is not None] == []


@pytest.mark.parametrize("kind", list(SpoofKind))
def test_no_spoof_kind_ever_passes(
    vision_models: VisionModels,
    pipeline_config: PipelineConfig,
    materials: dict[str, PrintMaterial],
    kind: SpoofKind,
) -> None:
    for photo, seed in ATTACKS:
        outcome = spoof_outcome(
            vision_models,
            empty_gallery(vision_models),
            pipeline_config,
            materials[photo],
            kind=kind,
            photo=photo,
            seed=seed,
            fps=15.0,
            seconds=SECONDS,
        )
        assert outcome.frames_with_face >= 0.8 * outcome.frames, outcome  # the face was followed
        assert not outcome.passed, outcome


def test_the_blink_animation_makes_the_mesh_blink(
    vision_models: VisionModels,
    pipeline_config: PipelineConfig,
    materials: dict[str, PrintMaterial],
) -> None:
    """The attack is real: the mesh sees the warped eyelids shut and counts blinks (which
    made the two stills go live before the rule needed the texture to agree)."""
    photo, seed = ATTACKS[0]
    material = materials[photo]
    ears = []
    for image in (material.open_bgr, material.closed_bgr):
        face = largest_face(vision_models, image)
        assert face is not None
        ears.append(np.mean(eye_aspect_ratios(np.asarray(face.mesh.points_xyz, np.float64))))
    assert ears[1] < 0.85 * ears[0]
    outcome = spoof_outcome(
        vision_models,
        empty_gallery(vision_models),
        pipeline_config,
        material,
        kind=SpoofKind.BLINK,
        photo=photo,
        seed=seed,
        fps=15.0,
        seconds=SECONDS,
    )
    assert outcome.blinks >= 1 and not outcome.passed
