"""Enrolment and bulk import through the real models, with public-domain photos.

A photo held to the camera is never enrolled (it never passes the liveness check). To test what
enrolment does with a live face, liveness is stubbed as passed, and photos of one person at
different head turns, with small shifts, stand in for a shopper following the instructions.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import EnrolmentConfig, PathsConfig, PipelineConfig
from kiosk.core.gallery import Gallery
from kiosk.core.types import Frame
from kiosk.errors import InputError
from kiosk.services.enrolment import Enrolment
from kiosk.services.people_import import import_annotations, import_folder, read_annotations
from kiosk.store.people import Consent, PeopleStore, open_people
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR
from kiosk.vision.still import largest_face
from tests.models.conftest import read_image

pytestmark = pytest.mark.models
REPO = Path(__file__).resolve().parents[2]
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


class _AlwaysLive:
    """Liveness taken as passed: it has its own tests (test_liveness*.py); these test what
    enrolment does with a live face. Photos of one person at different head turns stand in
    for a shopper following the instructions."""

    def __init__(self, *_args: object) -> None:
        pass

    live = True  # the pipeline reads only `.live` of what `update` returns

    def update(self, timestamp_ms: float, mesh: object, texture: object = None) -> _AlwaysLive:
        return self


@pytest.fixture
def always_live(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kiosk.vision.pipeline.LivenessTracker", _AlwaysLive)


def _enrolment(people: PeopleStore, models: VisionModels, captures: int, **kw: object) -> Enrolment:
    settings = EnrolmentConfig(captures=captures, flip=bool(kw.pop("flip", False)))
    return Enrolment(people, models, PipelineConfig(), settings, CONSENT, **kw)  # type: ignore[arg-type]


def _posed(faces_dir: Path) -> Iterator[Frame]:
    """Obama facing the camera (obama_1, yaw +3), turned one way (obama_5, +19) and the other
    (obama_2, -17), each with small shifts, 100 ms apart, as a 10 fps camera would give."""
    t = 0.0
    for name in ("obama_1.jpg", "obama_5.jpg", "obama_2.jpg"):
        image = read_image(faces_dir / "obama" / name)
        for i in range(12):
            yield Frame(moved(image, (i % 4) * 3.0, (i % 3) * 2.0, 1.0 - (i % 2) * 0.04), t, 0)
            t += 100.0


def test_a_printed_photo_is_never_enrolled(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path
) -> None:
    """Attack: hold a photo to the camera, moving it, for 20 s. It must never become a capture
    (enrolling a stranger from a picture took 2 s before), whatever the name typed."""
    session = _enrolment(people, vision_models, 6, name="Anyone At All")
    obama = read_image(faces_dir / "obama" / "obama_1.jpg")
    reasons = set()
    for i in range(200):
        frame = Frame(
            moved(obama, (i % 7) * 2.0, (i % 5) * 2.0, 1.0 - (i % 3) * 0.03), i * 100.0, i
        )
        reasons.add(session.feed(frame).reason)
    assert session.captures == 0
    assert "not_live" in reasons and "ok" not in reasons
    with pytest.raises(InputError, match="nothing to save"):
        session.save()
    assert not people.list_people()


def test_a_live_shopper_is_guided_through_poses_and_reviewed_before_saving(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path, always_live: None
) -> None:
    swapped: list[Gallery] = []
    session = _enrolment(
        people,
        vision_models,
        6,
        name="Barack",
        keep_photos=True,
        flip=True,
        on_saved=swapped.append,
    )
    feedback = [session.feed(frame) for frame in _posed(faces_dir)]
    accepted = [f for f in feedback if f.accepted]
    assert session.done and len(accepted) == 6
    steps = [c.step for c in session.review()]
    assert steps == ["straight"] * 2 + ["side"] * 2 + ["other_side"] * 2
    assert "off_pose" in {f.reason for f in feedback}  # it waited for the turns
    review = session.review()
    assert all(c.chip_rgb.shape == (150, 150, 3) for c in review)
    session.discard(0)
    assert session.captures == 5 and not session.done  # one more is asked for
    step = session.step()
    assert step is not None and step.key == "straight"
    for frame in list(_posed(faces_dir))[:12]:
        session.feed(Frame(frame.image_bgr, frame.timestamp_ms + 10_000, 0))
    assert session.done
    result = session.save()
    assert result.new_person and result.captures == 6 and result.templates == 12
    assert people.summary(result.person_id).templates == 13  # and one mean
    assert swapped == [result.gallery]
    photos = people.photos(result.person_id)
    assert len(photos) == 6 and all(p.startswith(b"\xff\xd8") for p in photos)
    probe = largest_face(vision_models, read_image(faces_dir / "obama" / "obama_4_small.jpg"))
    assert probe is not None
    match = result.gallery.nearest(probe.descriptor, k=1)[0]
    assert match.person_id == result.person_id and match.distance < 0.6


def test_an_enrolled_face_stops_a_second_enrolment_until_staff_decide(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path, always_live: None
) -> None:
    """Attack: enrol the same face again under another name. The kiosk recognises it, stops
    capturing and names the person; staff add to them (no second person) or cancel."""
    first = _enrolment(people, vision_models, 6, name="Barack")
    for frame in _posed(faces_dir):
        first.feed(frame)
    person = first.save().person_id

    second = _enrolment(people, vision_models, 6, name="Totally New Person")
    feedback = [second.feed(frame) for frame in _posed(faces_dir)]
    flagged = [f for f in feedback if f.duplicate is not None]
    assert flagged and flagged[-1].duplicate is not None
    assert flagged[-1].duplicate.person_id == person and flagged[-1].reason == "already_enrolled"
    with pytest.raises(InputError, match="already enrolled"):
        second.save()
    assert second.add_to_duplicate().person_id == person
    for frame in _posed(faces_dir):
        second.feed(Frame(frame.image_bgr, frame.timestamp_ms + 60_000, 0))
    result = second.save()
    assert not result.new_person and result.person_id == person
    assert [p.id for p in people.list_people()] == [person]


def test_gates_on_real_frames(
    people: PeopleStore, vision_models: VisionModels, faces_dir: Path, always_live: None
) -> None:
    session = _enrolment(people, vision_models, 20, name="X")
    together = read_image(faces_dir / "together" / "obama_and_biden_1.jpg")
    obama = read_image(faces_dir / "obama" / "obama_1.jpg")
    small = np.asarray(
        cv2.resize(obama, None, fx=0.2, fy=0.2, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    blurred = np.asarray(cv2.GaussianBlur(obama, (0, 0), 12), dtype=np.uint8)
    images = (together, np.zeros_like(obama), small, blurred)
    feedback = [session.feed(Frame(image, i * 5000.0, i)) for i, image in enumerate(images)]
    assert [(f.reason, f.message) for f in feedback] == [
        ("many_faces", "only one person please"),
        ("no_face", "look at the camera"),
        ("too_small", "move closer"),
        ("blurry", "hold still"),
    ]
    assert session.captures == 0 and not feedback[0].accepted
    first = session.feed(Frame(obama, 30_000.0, 9))
    again = session.feed(Frame(obama, 30_050.0, 10))  # a frozen camera repeats its frame
    later = session.feed(Frame(obama, 30_400.0, 11))
    assert (first.reason, again.reason, later.reason) == ("ok", "too_soon", "repeat")


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
