"""JSON form of pipeline results (`kiosk analyze` prints one object per frame or image).

The shape is fixed by `kiosk/schemas/frame_result.schema.json`; the names are never logged
anywhere else (this output is what the user asked to see).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.core.types import ClassScores, FaceResult, FrameResult

JsonObject = dict[str, Any]


def _scores(
    scores: ClassScores | None, display: Mapping[str, str], shown: str | None = None
) -> JsonObject | None:
    if scores is None:
        return None
    return {
        "label": scores.top,
        "display": shown or display.get(scores.top, scores.top),
        "probs": {label: round(p, 4) for label, p in zip(scores.labels, scores.probs, strict=True)},
    }


def face_json(face: FaceResult, emotion_display: Mapping[str, str]) -> JsonObject:
    """One face as JSON-ready values."""
    quality = face.quality
    identity = face.identity
    return {
        "track_id": face.track_id,
        "box_xyxy": [round(v, 1) for v in face.box.xyxy],
        "score": round(face.box.score, 4),
        "identity": {
            "known": identity.known,
            "person_id": identity.person_id,
            "name": identity.name if identity.known else None,
            "distance": None if identity.distance is None else round(identity.distance, 4),
            "votes": identity.votes,
        },
        "emotion": _scores(face.emotion, emotion_display, face.expression),
        "valence": face.valence,
        "live": face.live,
        "mask": _scores(face.mask, {}),
        "quality": None
        if quality is None
        else {
            "size_px": round(quality.size_px, 1),
            "sharpness": round(quality.sharpness, 1),
            "yaw_deg": round(quality.yaw_deg, 1),
            "pitch_deg": round(quality.pitch_deg, 1),
            "roll_deg": round(quality.roll_deg, 1),
        },
    }


def frame_json(result: FrameResult, source: str, emotion_display: Mapping[str, str]) -> JsonObject:
    """One frame (or image) as JSON-ready values, as `kiosk analyze` prints it."""
    times = result.times
    return {
        "source": source,
        "frame": result.frame_index,
        "timestamp_ms": round(result.timestamp_ms, 1),
        "width": result.width,
        "height": result.height,
        "faces": [face_json(face, emotion_display) for face in result.faces],
        "times_ms": {
            "detect": round(times.detect_ms, 2),
            "landmarks": round(times.landmarks_ms, 2),
            "embed": round(times.embed_ms, 2),
            "emotion": round(times.emotion_ms, 2),
            "mask": round(times.mask_ms, 2),
            "total": round(times.total_ms, 2),
        },
    }
