"""Enrolment and bulk import through the real models, with public-domain photos.

Distinct captures come from several photos of one person with small shifts and scales, as a
shopper moving slightly in front of the camera would give; a frame fed twice must be refused as a
repeat (the demo clip pans over its stills, so its consecutive frames are not identical).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.sources import VideoFileSource
from kiosk.config import EnrolmentConfig, PathsConfig
from kiosk.core.gallery import Gallery
from kiosk.services.enrolment import Enrolment
from kiosk.services.people_import import import_annotations, import_folder, read_annotations
from kiosk.store.people import Consent, PeopleStore, open_people
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR
from kiosk.vision.still import largest_face
from tests.models.conftest import read_image

pytestmark = pytest.mark.models
REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "assets" / "demo" / "pd_stills_clip.mp4"
OBAMA = ("obama_1.jpg", "obama_2.jpg", "obama_3.jpg", "obama_5.jpg")
CONSENT = Consent("staff-anna", "recognition")


@pytest.fixture
def people(tmp_path: Path) -> Iterator[PeopleStore]:
    store = open_people(PathsConfig(data_dir=tmp_path), retention_days=None)
    yield store
    store.close()


def moved(image: ImageBGR, dx: float, dy: float, scale: float) -> ImageBGR:
    h, w = image.shape[:2]
    matrix = np.array(
        [[scale, 0, dx + (1 - scale) * w / 2], [0, scale, dy + (1 - scale) * h / 2]], np.float32
    )
    warped = cv2.warpAffine(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(warped, dtype=np.uint8)


def frames(faces_dir: Path) -> Iterator[np.ndarray]:
    for name in OBAMA:
        image = read_image(faces_dir / "obama" / name)
        yield image
        yield image  # the same frame twice
        yield moved(image, 6, 4, 1.0)
        yield moved(image, 0, 0, 0.92)


def test_enrolment_keeps_distinct_good_captures_and_saves_once(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path
) -> None:
    swapped: list[Gallery] = []
    session = Enrolment(
        people,
        vision_models,
        EnrolmentConfig(captures=6, flip=True),
        CONSENT,
        name="Barack",
        keep_photos=True,
        on_saved=swapped.append,
    )
    reasons = [session.feed(frame).reason for frame in frames(faces_dir)]
    assert reasons[:8] == ["ok", "repeat", "ok", "ok"] * 2
    assert reasons[8:] == ["complete"] * 8
    assert session.done
    result = session.save()
    assert result.new_person and result.captures == 6
    assert result.templates == 12  # six captures and their mirror images
    assert people.summary(result.person_id).templates == 13  # and one mean
    assert swapped == [result.gallery]
    photos = people.photos(result.person_id)
    assert len(photos) == 6 and all(p.startswith(b"\xff\xd8") for p in photos)
    raw = people.store.path.read_bytes()
    assert photos[0][:200] not in raw
    probe = largest_face(vision_models, read_image(faces_dir / "obama" / "obama_4_small.jpg"))
    assert probe is not None
    match = result.gallery.nearest(probe.descriptor, k=1)[0]
    assert match.person_id == result.person_id and match.distance < 0.6


def test_re_enrolment_adds_captures_to_the_same_person(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path
) -> None:
    settings = EnrolmentConfig(captures=2)
    first = Enrolment(people, vision_models, settings, CONSENT, name="Barack")
    for frame in list(frames(faces_dir))[:4]:
        first.feed(frame)
    person = first.save().person_id
    again = Enrolment(people, vision_models, settings, CONSENT, person_id=person)
    for frame in list(frames(faces_dir))[4:8]:
        again.feed(frame)
    result = again.save()
    assert not result.new_person and result.person_id == person
    assert [p.id for p in people.list_people()] == [person]
    assert people.summary(person).templates == 4 + 1


def test_a_frozen_camera_frame_is_captured_once(
    people: PeopleStore, vision_models: VisionModels
) -> None:
    # The clip pans slowly over each still, so consecutive frames differ (embedding change
    # 0.05-0.12); a camera that delivers the same frame again must not add a capture.
    session = Enrolment(people, vision_models, EnrolmentConfig(captures=20), CONSENT, name="Barack")
    reasons = []
    with VideoFileSource(CLIP) as source:
        for frame in source.frames():
            if 20 <= frame.index < 26:  # the Obama still (ground truth frames 15-59)
                image = np.array(frame.image_bgr)
                reasons += [session.feed(image).reason, session.feed(image.copy()).reason]
            if frame.index >= 26:
                break
    assert reasons == ["ok", "repeat"] * 6
    assert session.captures == 6


def test_gates_on_real_frames(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path
) -> None:
    session = Enrolment(people, vision_models, EnrolmentConfig(), CONSENT, name="X")
    together = read_image(faces_dir / "together" / "obama_and_biden_1.jpg")
    obama = read_image(faces_dir / "obama" / "obama_1.jpg")
    small = np.asarray(
        cv2.resize(obama, None, fx=0.2, fy=0.2, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    blurred = np.asarray(cv2.GaussianBlur(obama, (0, 0), 12), dtype=np.uint8)
    feedback = [session.feed(image) for image in (together, np.zeros_like(obama), small, blurred)]
    assert [(f.reason, f.message) for f in feedback] == [
        ("many_faces", "only one person please"),
        ("no_face", "look at the camera"),
        ("too_small", "move closer"),
        ("blurry", "hold still"),
    ]
    assert session.captures == 0 and not feedback[0].accepted


def test_folder_import_skips_unreadable_images(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "import"
    for person, names in {"Obama": OBAMA[:2], "Biden": ("biden_1.jpg",)}.items():
        (root / person).mkdir(parents=True)
        for name in names:
            shutil.copy(faces_dir / person.lower() / name, root / person)
    (root / "Biden" / "broken.jpg").write_bytes(b"not a jpeg")
    swapped: list[Gallery] = []
    summary = import_folder(
        people, vision_models, root, Consent("staff-bob", method="import"), on_saved=swapped.append
    )
    assert (summary.people_added, summary.templates, summary.images) == (2, 3, 4)
    assert [s.where for s in summary.skipped] == [str(root / "Biden" / "broken.jpg")]
    assert sorted(summary.gallery.names.values()) == ["Biden", "Obama"]
    assert swapped == [summary.gallery]
    consent = people.detail(people.find_by_name("Obama")[0]).consents[0]
    assert (consent.staff, consent.method) == ("staff-bob", "import")
    before = {p.name: p.templates for p in people.list_people()}
    again = import_folder(people, vision_models, root, Consent("staff-bob", method="import"))
    assert (again.people_added, again.people_updated, again.templates) == (0, 0, 0)
    assert again.duplicates == 3  # the same photos: nothing stored twice
    assert {p.name: p.templates for p in people.list_people()} == before


def test_annotation_import_takes_the_face_in_the_box(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path, tmp_path: Path
) -> None:
    image_path = faces_dir / "together" / "obama_and_biden_1.jpg"
    image = read_image(image_path)
    boxes = sorted(vision_models.detector.detect(image), key=lambda b: b.xyxy[0])
    biden_ref = largest_face(vision_models, read_image(faces_dir / "biden" / "biden_1.jpg"))
    assert len(boxes) == 2 and biden_ref is not None
    entries: list[dict[str, object]] = []
    for box in boxes:  # annotate both faces with loose boxes, labels from the nearest reference
        x1, y1, x2, y2 = box.xyxy
        w, h = (x2 - x1) * 1.15, (y2 - y1) * 1.2
        coords = {"x": (x1 + x2) / 2 + 4, "y": (y1 + y2) / 2 - 3, "width": w, "height": h}
        entries.append({"label": f"face{len(entries)}", "coordinates": coords})
    text = json.dumps(
        [
            {"image": image_path.name, "annotations": entries},
            {"image": "missing.jpg", "annotations": [entries[0]]},
        ],
        indent=1,
    )
    annotation = tmp_path / "ann.json"
    annotation.write_text(text)
    parsed = read_annotations(annotation, "createml", image_path.parent)
    summary = import_annotations(
        people, vision_models, parsed, Consent("staff-bob", method="import")
    )
    assert (summary.people_added, summary.templates) == (2, 2)
    assert len(summary.skipped) == 1
    assert summary.skipped[0].where.startswith(f"{annotation}:")
    assert "missing.jpg" in summary.skipped[0].reason
    nearest = summary.gallery.nearest(biden_ref.descriptor, k=2)
    assert nearest[0].distance < 0.6 < nearest[1].distance  # one box is Biden, the other not
