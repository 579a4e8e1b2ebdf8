"""A test clip with several faces in view at once, made from public-domain portraits.

`python -m kiosk.vision.crowd_clip OUT.avi --faces 4` tiles head-and-shoulders crops of the
public-domain photos (tests/fixtures/faces: White House and NASA portraits) into a 640x480
frame, each drifting slowly and changing brightness a little, for `kiosk bench pipeline`
("a family at the kiosk"). The same arguments make the same frames.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import cv2
import numpy as np

from kiosk.vision.runtime import ImageBGR

# Photo (relative to the faces folder) and a head-and-shoulders box in it (x1, y1, x2, y2).
PORTRAITS = (
    ("obama/obama_2.jpg", (130, 220, 560, 720)),
    ("biden/biden_2.jpg", (330, 200, 980, 950)),
    ("collins/collins_1.png", (150, 55, 300, 230)),
    ("obama/obama_1.jpg", (290, 80, 700, 560)),
)
SIZE = (640, 480)
CELL = (300, 220)
FPS = 15.0


def tiles(faces_dir: Path, count: int) -> list[ImageBGR]:
    """The first `count` portraits cut to their box and resized to fit a cell."""
    out = []
    for rel, (x1, y1, x2, y2) in PORTRAITS[:count]:
        image = cv2.imread(str(faces_dir / rel), cv2.IMREAD_COLOR)
        if image is None:
            raise FileNotFoundError(faces_dir / rel)
        crop = image[y1:y2, x1:x2]
        scale = min(CELL[0] / crop.shape[1], CELL[1] / crop.shape[0])
        out.append(np.asarray(cv2.resize(crop, None, fx=scale, fy=scale), np.uint8))
    return out


def frame(portraits: list[ImageBGR], index: int) -> ImageBGR:
    """Frame `index`: portraits in a 2x2 grid, drifting a few pixels, brightness varying."""
    canvas = np.full((SIZE[1], SIZE[0], 3), 60, np.uint8)
    for k, tile in enumerate(portraits):
        phase = index / FPS + k
        dx = round(8 * math.sin(phase * 0.9))
        dy = round(5 * math.cos(phase * 0.7))
        x0 = 15 + (k % 2) * 320 + dx + (CELL[0] - tile.shape[1]) // 2
        y0 = 15 + (k // 2) * 240 + dy + (CELL[1] - tile.shape[0]) // 2
        x0, y0 = max(0, x0), max(0, y0)
        h = min(tile.shape[0], SIZE[1] - y0)
        w = min(tile.shape[1], SIZE[0] - x0)
        gain = 1.0 + 0.06 * math.sin(phase * 1.3)
        canvas[y0 : y0 + h, x0 : x0 + w] = np.clip(tile[:h, :w] * gain, 0, 255).astype(np.uint8)
    return canvas


def write_clip(out: Path, faces_dir: Path, count: int, seconds: float) -> int:
    """Write the clip (MJPG .avi); returns the number of frames."""
    portraits = tiles(faces_dir, count)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    if not writer.isOpened():
        raise OSError(f"cannot write {out} (expected a writable .avi path)")
    frames = round(seconds * FPS)
    try:
        for index in range(frames):
            writer.write(frame(portraits, index))
    finally:
        writer.release()
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--faces", type=int, default=4, choices=range(1, len(PORTRAITS) + 1))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--faces-dir", type=Path, default=Path("tests/fixtures/faces"), help="portraits folder"
    )
    args = parser.parse_args()
    frames = write_clip(args.out, args.faces_dir, args.faces, args.seconds)
    print(f"wrote {args.out}: {frames} frames, {args.faces} face(s)")


if __name__ == "__main__":
    main()
