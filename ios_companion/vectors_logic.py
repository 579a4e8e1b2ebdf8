"""Test vectors for the iPad's ports of the kiosk's pure logic, computed by the kiosk's own code.

Each function returns a JSON-ready dict; make_vectors.py writes them to ios_companion/vectors/ and
IFaceCoreTests read the same files. Floats are rounded (`r`) so a last-bit difference between
two numpy builds cannot change the files; the Swift side compares with a tolerance.

Liveness meshes and texture points are not stored point by point (they would be megabytes): both
sides generate them from the per-frame parameters below with the same integer noise (splitmix64),
see `synthetic_mesh`, `synthetic_texture` and IFaceCoreTests/SyntheticMesh.swift.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from typing import Any

import numpy as np

from kiosk.config import PipelineConfig
from kiosk.core.emotion import EmotionSmoother, ValenceRule
from kiosk.core.face_motion import LEFT_EYE, LIPS, NOSE_TIP, RIGHT_EYE, TexturePoints
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
_MASK64 = (1 << 64) - 1
# Where the synthetic head places the landmarks the liveness code looks at (index -> slot).
_EYE_SLOTS = {i: (-30.0, k) for k, i in enumerate(RIGHT_EYE)} | {
    i: (30.0, k) for k, i in enumerate(LEFT_EYE)
}
_NOSE_SLOTS = {i: k for k, i in enumerate(NOSE_TIP)}
_LIP_SLOTS = {i: k for k, i in enumerate(LIPS)}
_EYE_CORNERS = (33, 133, 362, 263)
TEXTURE_INDEX = 1000  # texture noise draws indices 1000 + 2i, 1001 + 2i (the mesh's: 2i, 2i + 1)


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


def base_point(i: int, closure: float, mouth: float) -> tuple[float, float, float]:
    """Point i of the synthetic head in face-local units (x right, y down, z towards the
    camera; inter-ocular distance 60). Each eye contour (RIGHT_EYE, LEFT_EYE order) lies on an
    ellipse 30 wide and 12 high around (-+30, -20) at depth 30, its lids closing onto the
    middle line with `closure`; the NOSE_TIP points on a circle of radius 4 around (0, 10), 35
    in front of the cheeks (depth 75); the LIPS on an ellipse 32 x 12 around (0, 35), depth 30,
    opened to 32 x 36 with `mouth` 1;
    every other point on a sunflower spiral over the front of an ellipsoid (60, 80, 40)."""
    if i in _EYE_SLOTS:
        cx, k = _EYE_SLOTS[i]
        a = math.pi * k / 8.0
        return cx - 15.0 * math.cos(a), -20.0 + 6.0 * math.sin(a) * (1.0 - closure), 30.0
    if i in _NOSE_SLOTS:
        a = 2.0 * math.pi * _NOSE_SLOTS[i] / 7.0
        return 4.0 * math.cos(a), 10.0 + 4.0 * math.sin(a), 75.0
    if i in _LIP_SLOTS:
        a = 2.0 * math.pi * _LIP_SLOTS[i] / 40.0
        return 16.0 * math.cos(a), 35.0 + 6.0 * math.sin(a) * (1.0 + 2.0 * mouth), 30.0
    rr = math.sqrt((i + 0.5) / 468.0)
    theta = i * GOLDEN_ANGLE
    z = 40.0 * math.sqrt(max(0.0, 1.0 - rr * rr))
    return rr * math.cos(theta) * 60.0, rr * math.sin(theta) * 80.0, z


def _project(p: dict[str, float], shift: tuple[float, float], noise: float, index: int) -> Any:
    """(468, 3) points of the head posed by `p`: the nose tip moved by `shift` (face units),
    rotated (yaw about y, then pitch about x, then roll about z), scaled, x sheared by y,
    translated, then x and y noised (amplitude `noise` px; noise indices index + 2i, + 2i + 1).
    z is the rotated, scaled depth (no noise)."""
    yaw, pitch, roll = (math.radians(p[k]) for k in ("yaw", "pitch", "roll"))
    cy, sy, cp, sp, cr, sr = (f(a) for a in (yaw, pitch, roll) for f in (math.cos, math.sin))
    seed, frame = int(p["seed"]), int(p["frame"])
    out = np.empty((468, 3))
    for i in range(468):
        x, y, z = base_point(i, p["closure"], p["mouth"])
        if i in _NOSE_SLOTS:
            x, y = x + shift[0], y + shift[1]
        x, z = cy * x + sy * z, -sy * x + cy * z
        y, z = cp * y - sp * z, sp * y + cp * z
        x, y = cr * x - sr * y, sr * x + cr * y
        x, y, z = p["scale"] * x, p["scale"] * y, p["scale"] * z
        x += p["shear"] * y
        out[i, 0] = x + p["tx"] + noise * unit_noise(seed, frame, index + 2 * i)
        out[i, 1] = y + p["ty"] + noise * unit_noise(seed, frame, index + 2 * i + 1)
        out[i, 2] = z
    return out


def synthetic_mesh(p: dict[str, float]) -> np.ndarray[Any, Any]:
    """(468, 3) mesh of frame `p`: the head with the nose drawn (nose_x, nose_y) off (what the
    mesh model hallucinates on a bent print), landmark noise `noise` px."""
    return _project(p, (p["nose_x"], p["nose_y"]), p["noise"], 0)


def synthetic_texture(p: dict[str, float]) -> TexturePoints | None:
    """Texture points of frame `p` (None when texture_seed is 0): the same head as the mesh,
    but the nose texture slipped (slip_x, slip_y) (what a screen's moire does to the flow), flow
    noise `texture_noise` px; followed (ok) where kiosk.vision.texture_motion follows: every
    other landmark, the nose tip and the eye corners, but not the right eye's outer corner (33)
    when `lost_corner` is 1 (its position is still the head's, not a stale one)."""
    if p["texture_seed"] == 0:
        return None
    xy = _project(p, (p["slip_x"], p["slip_y"]), p["texture_noise"], TEXTURE_INDEX)[:, :2]
    ok = np.array([i % 2 == 0 or i in _NOSE_SLOTS or i in _EYE_CORNERS for i in range(468)])
    ok[33] = ok[33] and p["lost_corner"] != 1
    xy.setflags(write=False)
    ok.setflags(write=False)
    return TexturePoints(int(p["texture_seed"]), xy, ok)


def _frames(kind: str, count: int, gap_at: int | None) -> list[dict[str, float]]:
    frames = []
    for f in range(count):
        w = 2 * math.pi * f
        p = {"yaw": 0.0, "pitch": 0.0, "roll": 0.0, "scale": 2.0, "shear": 0.0, "closure": 0.0}
        p |= {"mouth": 0.0}
        p |= {"tx": 320.0, "ty": 240.0, "nose_x": 0.0, "nose_y": 0.0, "slip_x": 0.0}
        p |= {"slip_y": 0.0, "texture_seed": 1.0, "lost_corner": 0.0}
        if kind.startswith("live_turn"):
            p |= {"yaw": 6 * math.sin(w / 45), "pitch": 2 * math.sin(w / 60)}
        else:  # a photo or a screen, moved around by hand
            p |= {"roll": 5 * math.sin(w / 50), "scale": 2.0 + 0.2 * math.sin(w / 70)}
            p |= {"tx": 320 + 15 * math.sin(w / 40), "ty": 240 + 8 * math.sin(w / 55)}
            p |= {"shear": 0.05 * math.sin(w / 65)}
        if kind == "photo_blink_animation" and f % 15 < 3:
            p["closure"] = 1.0
        if kind == "bent_print":  # the mesh model draws the nose as if the head turned
            p |= {"nose_x": 6 * math.sin(w / 45), "nose_y": 2 * math.sin(w / 60)}
        if kind in {"screen_moire", "talking_screen"}:  # the flow slips at the nose, the mesh
            p |= {"slip_x": 8 * math.sin(w / 20), "nose_y": 3 * math.sin(w / 25)}  # draws it aside
        if kind == "talking_screen":  # a replayed video: passes (README: what it cannot stop)
            p["mouth"] = 0.5 + 0.5 * math.sin(w / 12)
        if kind == "live_turn_without_texture":
            p["texture_seed"] = 0.0
        if kind == "live_turn_upside_down":  # the eye line's roll jitters across +-180
            p["roll"] = 180.0 + 0.5 * (-1) ** f
        if kind == "live_turn_lost_eye_corner":
            p["lost_corner"] = 1.0  # a lost corner keeps its position: still live (PC alike)
        if kind == "live_turn_degenerate_mesh" and f % 20 == 10:
            p["tx"] = math.nan  # a broken mesh (NaN eye distance): not used, not counted
        if gap_at is not None and f >= gap_at:
            p["texture_seed"] = 2.0  # the flow is seeded afresh after the gap
        frames.append({k: r(v, 6) for k, v in p.items()})
    return frames


FRAME_FIELDS = (
    "yaw", "pitch", "roll", "scale", "shear", "tx", "ty", "closure", "mouth",
    "nose_x", "nose_y", "slip_x", "slip_y", "texture_seed", "lost_corner",
)  # fmt: skip
VERDICT_FIELDS = (
    "state", "reason", "cues", "blinks", "max_parallax", "max_texture", "max_deformation",
    "frames_seen",
)  # fmt: skip
STEP_FIELDS = ("t_ms", *FRAME_FIELDS, *VERDICT_FIELDS)
LIVENESS_SEQUENCES = (  # (kind, frames, frame of a 1 s gap)
    ("live_turn", 150, None),
    ("photo_moving", 210, None),
    ("photo_blink_animation", 150, None),
    ("bent_print", 150, None),
    ("screen_moire", 150, None),
    ("talking_screen", 120, None),
    ("live_turn_without_texture", 90, None),
    ("live_turn", 120, 60),
    ("live_turn_upside_down", 90, None),
    ("live_turn_lost_eye_corner", 90, None),
    ("live_turn_broken_clock", 90, None),
    ("live_turn_degenerate_mesh", 60, None),
)
BROKEN_CLOCK_AT = 45  # live_turn_broken_clock: this frame's time is NaN (null in the file)


def _time_ms(kind: str, f: int, gap_at: int | None) -> float:
    """Frame f's time at 30 fps, 1 s later after a gap; NaN at the broken clock's frame."""
    if kind == "live_turn_broken_clock" and f == BROKEN_CLOCK_AT:
        return math.nan
    pause = 1000.0 if gap_at is not None and f >= gap_at else 0.0
    return r(f * 1000.0 / 30.0 + pause, 3)


def _finite(value: Any) -> Any:
    """A number for the file: null where it is NaN or infinite (JSON has no NaN; the Swift side
    reads null as NaN)."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def liveness_vectors() -> dict[str, Any]:
    """Per-frame verdicts of kiosk.core.liveness on synthetic sequences (30 fps).

    Each step is a row of STEP_FIELDS (`cues` joined with "+"); the mesh and texture noise
    amplitudes and the noise seed are per sequence. The mesh goes in as float32 (FaceMesh);
    the texture points as float64. NaN (a broken clock's t_ms, a broken mesh's tx) is null.
    """
    settings = LivenessSettings()
    sequences = []
    noise = {"noise": 0.3, "texture_noise": 0.05, "seed": 7}
    for kind, count, gap_at in LIVENESS_SEQUENCES:
        tracker = LivenessTracker(settings)
        rows = []
        for f, params in enumerate(_frames(kind, count, gap_at)):
            t_ms = _time_ms(kind, f, gap_at)
            p = params | noise | {"frame": f}
            mesh = FaceMesh(readonly(synthetic_mesh(p)), 1.0)
            v = tracker.update(t_ms, mesh, synthetic_texture(p))
            frame = [params[k] for k in FRAME_FIELDS]
            verdict = [v.state.value, v.reason, "+".join(v.cues), v.blinks]
            values = [r(v.max_parallax, 6), r(v.max_texture, 6), r(v.max_deformation, 6)]
            rows.append([_finite(x) for x in (t_ms, *frame, *verdict, *values, v.frames_seen)])
        name = kind if gap_at is None else f"{kind}_then_gap"
        sequences.append({"name": name} | noise | {"steps": rows})
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
