"""Test vectors for the iPad's ports of the kiosk's pure logic, computed by the kiosk's own code.

Each function returns a JSON-ready dict; make_vectors.py writes them to ios_companion/vectors/ and
IFaceCoreTests read the same files. Floats are rounded (`r`) so a last-bit difference between
two numpy builds cannot change the files; the Swift side compares with a tolerance.

Liveness meshes are not stored point by point (they would be megabytes): both sides generate
them from the parameters below with the same integer noise (splitmix64), see `synthetic_mesh` and
IFaceCoreTests/SyntheticMesh.swift.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from typing import Any

import numpy as np

from kiosk.config import PipelineConfig
from kiosk.core.emotion import EmotionSmoother, ValenceRule
from kiosk.core.gallery import Gallery
from kiosk.core.geometry import clip_int, expand, square
from kiosk.core.identity import TrackVote, VoteSettings
from kiosk.core.liveness import LivenessSettings, LivenessTracker
from kiosk.core.pin import hash_pin
from kiosk.core.tracking import FaceTracker, TrackerSettings
from kiosk.core.types import ClassScores, FaceBox, FaceMesh, readonly
from kiosk.store.bundle_rules import bundle_rules
from kiosk.vision.align import dlib_chip, five_points_from_mesh
from kiosk.vision.manifest import Manifest

GOLDEN_ANGLE = 2.399963229728653
EYES = {  # face-local (x, y) of the EAR points; z = 30 (the front of the head)
    33: (-45.0, -20.0), 133: (-15.0, -20.0), 160: (-35.0, -26.0), 158: (-25.0, -26.0),
    153: (-25.0, -14.0), 144: (-35.0, -14.0), 362: (15.0, -20.0), 263: (45.0, -20.0),
    385: (25.0, -26.0), 387: (35.0, -26.0), 373: (35.0, -14.0), 380: (25.0, -14.0),
}  # fmt: skip
UPPER_LIDS, LOWER_LIDS = (160, 158, 385, 387), (153, 144, 373, 380)
_MASK64 = (1 << 64) - 1


def r(value: float, digits: int = 9) -> float:
    """A float rounded for the files."""
    return float(round(float(value), digits))


def splitmix64(x: int) -> int:
    """One splitmix64 step (the noise generator both sides implement)."""
    z = (x + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def unit_noise(seed: int, frame: int, index: int) -> float:
    """Deterministic noise in [-1, 1): splitmix64 of seed * 1000003 + frame * 4096 + index."""
    bits = splitmix64((seed * 1_000_003 + frame * 4096 + index) & _MASK64)
    return (bits >> 11) * 2.0**-53 * 2.0 - 1.0


def base_point(i: int, closure: float) -> tuple[float, float, float]:
    """Point i of the synthetic head (an ellipsoid, eyes placed by EYES), face-local units."""
    if i in EYES:
        x, y = EYES[i]
        shift = 6.0 * closure if i in UPPER_LIDS else -6.0 * closure if i in LOWER_LIDS else 0.0
        return x, y + shift, 30.0
    z = 1.0 - 2.0 * (i + 0.5) / 468.0
    radius = math.sqrt(max(0.0, 1.0 - z * z))
    theta = i * GOLDEN_ANGLE
    return radius * math.cos(theta) * 60.0, radius * math.sin(theta) * 80.0, z * 40.0


def synthetic_mesh(p: dict[str, float], frame: int) -> np.ndarray[Any, Any]:
    """(468, 3) frame points: rotate (yaw about y, then pitch about x, then roll about z),
    scale, shear x by y, translate, add noise (amplitude `noise` px)."""
    yaw, pitch, roll = (math.radians(p[k]) for k in ("yaw", "pitch", "roll"))
    cy, sy, cp, sp, cr, sr = (f(a) for a in (yaw, pitch, roll) for f in (math.cos, math.sin))
    out = np.empty((468, 3))
    for i in range(468):
        x, y, z = base_point(i, p["closure"])
        x, z = cy * x + sy * z, -sy * x + cy * z
        y, z = cp * y - sp * z, sp * y + cp * z
        x, y = cr * x - sr * y, sr * x + cr * y
        x, y, z = p["scale"] * x, p["scale"] * y, p["scale"] * z
        x += p["shear"] * y
        out[i, 0] = x + p["tx"] + p["noise"] * unit_noise(int(p["seed"]), frame, 2 * i)
        out[i, 1] = y + p["ty"] + p["noise"] * unit_noise(int(p["seed"]), frame, 2 * i + 1)
        out[i, 2] = z
    return out


def _frames(kind: str, count: int) -> list[dict[str, float]]:
    frames = []
    for f in range(count):
        w = 2 * math.pi * f
        p = {"yaw": 0.0, "pitch": 0.0, "roll": 0.0, "scale": 2.0, "shear": 0.0, "closure": 0.0}
        p |= {"tx": 320.0, "ty": 240.0, "noise": 0.3, "seed": 7.0}
        if kind == "live_turn":
            p |= {"yaw": 20 * math.sin(w / 45), "pitch": 5 * math.sin(w / 60)}
        elif kind in {"photo_moving", "photo_blink_animation"}:
            p |= {"roll": 5 * math.sin(w / 50), "scale": 2.0 + 0.2 * math.sin(w / 70)}
            p |= {"tx": 320 + 15 * math.sin(w / 40), "ty": 240 + 8 * math.sin(w / 55)}
            p |= {"shear": 0.05 * math.sin(w / 65)}
            if kind == "photo_blink_animation" and f % 15 < 3:
                p["closure"] = 1.0
        frames.append({k: r(v, 6) for k, v in p.items()})  # the noise and seed stay as set
    return frames


FRAME_FIELDS = ("yaw", "pitch", "roll", "scale", "shear", "tx", "ty", "closure")
STEP_FIELDS = ("t_ms", *FRAME_FIELDS, "state", "reason", "blinks", "max_residual", "frames_seen")


def liveness_vectors() -> dict[str, Any]:
    """Per-frame verdicts of kiosk.core.liveness on synthetic sequences (30 fps).

    Each step is a row of STEP_FIELDS; the frame's noise amplitude and seed are per sequence.
    """
    settings = LivenessSettings()
    sequences = []
    for kind, count, gap_at in (
        ("live_turn", 150, None),
        ("photo_moving", 210, None),
        ("photo_blink_animation", 150, None),
        ("live_turn", 120, 60),
    ):
        tracker = LivenessTracker(settings)
        rows = []
        for f, params in enumerate(_frames(kind, count)):
            pause = 1000.0 if gap_at is not None and f >= gap_at else 0.0
            t_ms = r(f * 1000.0 / 30.0 + pause, 3)
            result = tracker.update(t_ms, FaceMesh(readonly(synthetic_mesh(params, f)), 1.0))
            frame = [params[k] for k in FRAME_FIELDS]
            verdict = [result.state.value, result.reason, result.blinks]
            rows.append([t_ms, *frame, *verdict, r(result.max_residual, 6), result.frames_seen])
        name = kind if gap_at is None else f"{kind}_then_gap"
        sequences.append({"name": name, "noise": 0.3, "seed": 7, "steps": rows})
    return {
        "settings": dataclasses.asdict(settings),
        "step_fields": list(STEP_FIELDS),
        "sequences": sequences,
    }


def vote_vectors() -> dict[str, Any]:
    """kiosk.core.identity TrackVote on a small gallery (dim 4), with the pipeline split rule."""
    rng = np.random.default_rng(11)
    centres = {1: rng.normal(0, 0.3, 4), 2: rng.normal(0, 0.3, 4) + 1.0}
    uids = {1: "a" * 32, 2: "b" * 32}
    rows = [(pid, c + rng.normal(0, 0.05, 4)) for pid, c in centres.items() for _ in range(3)]
    gallery = Gallery.build(
        [v for _, v in rows], [p for p, _ in rows], {1: "Ada", 2: "Bea"}, "x", 4
    )
    settings = VoteSettings(max_distance=0.6, min_votes=2, split_distance=0.75)
    script = [(1, 0.05, 1.0), (1, 0.05, 0.5), (None, 0.0, 1.0), (1, 0.1, 0.8), (2, 0.05, 1.0)]
    script.extend([(2, 0.05, 1.0), (2, 0.05, 0.3), (None, 0.0, 1.0), (None, 0.0, 1.0)])
    vote = TrackVote(settings)
    steps = []
    for person, spread, weight in script:
        descriptor = (centres[person] if person else rng.normal(0, 1.0, 4) + 3.0) + rng.normal(
            0, spread, 4
        )
        descriptor = np.round(descriptor.astype(np.float32), 6)
        split = vote.is_different_person(descriptor)
        if split:
            vote = TrackVote(settings)
        nearest = gallery.nearest(descriptor, k=1)
        vote.add(descriptor, nearest[0] if nearest else None, weight)
        identity = vote.decide()
        steps.append(
            {"descriptor": [r(v, 6) for v in descriptor], "weight": weight, "split": split}
            | {"person": uids.get(identity.person_id or 0), "votes": identity.votes}
            | {"distance": None if identity.distance is None else r(identity.distance, 6)}
        )
    return {
        "settings": dataclasses.asdict(settings),
        "dim": 4,
        "gallery": [
            {"person": uids[int(p)], "template": [r(v, 6) for v in t]}
            for p, t in zip(gallery.person_ids, gallery.templates, strict=True)
        ],
        "steps": steps,
    }


def valence_vectors(manifest: Manifest) -> dict[str, Any]:
    """EmotionSmoother (800 ms half-life, seeded by the first reading) + ValenceRule."""
    spec = manifest.get("emotion")
    rule = ValenceRule(spec.valence, spec.thresholds.get("valence", 0.25))
    smoother = EmotionSmoother()
    rng = np.random.default_rng(5)
    steps = []
    t_ms = 0.0
    for i in range(40):
        bias = np.zeros(len(spec.labels))
        bias[spec.labels.index("happy" if i < 15 else "sad" if i < 30 else "neutral")] = 3.0
        logits = rng.normal(0, 1, len(spec.labels)) + bias
        probs = tuple(r(p, 6) for p in np.exp(logits) / np.exp(logits).sum())
        t_ms += float(rng.choice([100.0, 100.0, 133.0, 400.0]))
        smoothed = smoother.update(ClassScores(spec.labels, probs), t_ms)
        steps.append(
            {"t_ms": t_ms, "probs": list(probs), "smoothed": [r(p) for p in smoothed.probs]}
            | {"score": r(rule.score(smoothed)), "valence": rule.classify(smoothed)}
        )
    return {
        "labels": list(spec.labels),
        "weights": dict(spec.valence),
        "threshold": rule.threshold,
        "half_life_ms": EmotionSmoother().half_life_ms,
        "steps": steps,
    }


def tracking_vectors() -> dict[str, Any]:
    """FaceTracker (IoU, centre-shift fallback, gap expiry, jump flag) on box sequences."""
    settings = TrackerSettings()
    tracker = FaceTracker(settings)
    script: list[tuple[float, list[tuple[float, float, float, float]]]] = [
        (0, [(100, 100, 200, 220)]),
        (33, [(104, 102, 204, 222), (400, 100, 480, 200)]),
        (66, [(110, 104, 210, 224), (402, 101, 482, 201)]),
        (99, [(160, 104, 260, 224)]),  # fast motion: centre-shift fallback, jump
        (800, [(420, 100, 500, 200)]),  # both tracks expired (> 600 ms): a new id
        (833, [(421, 100, 501, 200), (100, 100, 200, 220)]),
    ]
    steps = []
    for t_ms, boxes in script:
        tracked = tracker.update([FaceBox(b, 0.9) for b in boxes], t_ms)
        steps.append(
            {"t_ms": t_ms, "boxes": [list(b) for b in boxes]}
            | {"tracks": [[t.track_id, t.is_new, t.jumped] for t in tracked]}
        )
    return {"settings": dataclasses.asdict(settings), "steps": steps}


def crop_vectors(manifest: Manifest) -> dict[str, Any]:
    """The kiosk's crop geometry (geometry.expand/square, crop_face's floor/ceil canvas, mesh.py's
    mapping back from the floored origin) for the mesh, emotion and mask inputs."""
    cases = []
    boxes = [
        (101.3, 80.7, 251.9, 262.2),
        (-20.5, 10.0, 90.25, 140.75),
        (500.0, 300.0, 660.0, 500.0),
    ]
    for key in ("face_mesh", "emotion", "mask"):
        inp = manifest.get(key).input
        for box in boxes:
            region = expand(box, inp.crop_margin)
            region = square(region) if inp.crop_square else region
            canvas = (math.floor(region[0]), math.floor(region[1]))
            canvas += (math.ceil(region[2]), math.ceil(region[3]))
            sx = (canvas[2] - canvas[0]) / inp.width
            sy = (canvas[3] - canvas[1]) / inp.height
            probes = [(0.0, 0.0), (inp.width / 2, inp.height / 3), (inp.width, inp.height)]
            cases.append(
                {"model": key, "box": list(box), "frame": [640, 480]}
                | {"margin": inp.crop_margin, "square": inp.crop_square}
                | {"input": [inp.width, inp.height], "region": [r(v) for v in region]}
                | {"canvas": list(canvas), "inside": list(clip_int(region, 640, 480))}
                | {"map": [[u, v, r(canvas[0] + u * sx), r(canvas[1] + v * sy)] for u, v in probes]}
            )
    return {"cases": cases}


def _pattern(width: int, height: int) -> np.ndarray[Any, Any]:
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack(
        [(x * 7 + y * 3) % 256, (x * 2 + y * 5 + 50) % 256, (x * 3 + y * 11 + 100) % 256]
    )
    return np.ascontiguousarray(rgb.transpose(1, 2, 0).astype(np.uint8))


def alignment_vectors() -> dict[str, Any]:
    """align.dlib_chip on a test pattern (and tiled to 1920x1440: the pyramid path), and
    five_points_from_mesh. The pattern is RGB (x*7+y*3, x*2+y*5+50, x*3+y*11+100) mod 256."""
    chips = []
    for (w, h), points in (
        ((640, 480), [(400, 200), (360, 198), (260, 205), (300, 203), (330, 280)]),
        (
            (640, 480),
            [(380.5, 220.25), (350.0, 219.0), (280.75, 226.5), (310.0, 224.0), (330, 270)],
        ),
        ((1920, 1440), [(1400, 700), (1200, 690), (800, 720), (1000, 710), (1100, 1100)]),
    ):
        rgb = np.tile(_pattern(640, 480), (h // 480, w // 640, 1))
        chip = dlib_chip(np.ascontiguousarray(rgb[:, :, ::-1]), points)  # BGR in, RGB out
        chips.append(
            {"pattern": [w, h], "points": [list(p) for p in points]}
            | {"sha256": hashlib.sha256(chip.tobytes()).hexdigest(), "sum": int(chip.sum())}
            | {"first": chip[0, 0].tolist(), "middle": chip[75, 75].tolist()}
        )
    mesh = np.zeros((468, 2))
    for index, xy in {33: (150, 200), 133: (180, 202), 362: (220, 203), 263: (250, 201)}.items():
        mesh[index] = xy
    mesh[2] = (200, 260)
    five = five_points_from_mesh(mesh)
    return {
        "chips": chips,
        "mesh_points": {str(i): list(mesh[i]) for i in (2, 33, 133, 263, 362)},
        "five_points": [[r(x), r(y)] for x, y in five],
    }


def scrypt_vectors() -> dict[str, Any]:
    """hashlib.scrypt: RFC 7914's vectors 2 and 3, and the bundle's parameters (NFC)."""
    cases = [
        ("password", "NaCl", 1024, 8, 16, 64),
        ("pleaseletmein", "SodiumChloride", 16384, 8, 1, 64),
        ("caf\u00e9 passphrase", "0123456789abcdef", 2**15, 8, 1, 32),
    ]
    out = []
    for pw, salt, n, rr, p, length in cases:
        key = hashlib.scrypt(
            pw.encode(), salt=salt.encode(), n=n, r=rr, p=p, dklen=length, maxmem=256 << 20
        )
        row: dict[str, Any] = {"password": pw, "salt": salt, "N": n, "r": rr, "p": p}
        out.append(row | {"length": length, "key": key.hex()})
    out.append(out[-1] | {"password": "cafe\u0301 passphrase", "normalise": "NFC"})
    return {"cases": out}


def pin_vectors() -> dict[str, Any]:
    """kiosk.core.pin.hash_pin with a fixed salt: the iPad stores its staff PIN in this format."""
    return {"pin": "246813", "hash": hash_pin("246813", salt=bytes(range(16)))}


def rules_vectors() -> dict[str, Any]:
    """The rules object a bundle carries (default configuration, max_distance 0.6)."""
    return bundle_rules(PipelineConfig(), 0.6)
