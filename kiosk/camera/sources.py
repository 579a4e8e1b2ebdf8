"""Frame sources behind one protocol: a webcam, a video file, an image folder, one image.

Every source yields `Frame`s with BGR uint8 pixels and a timestamp in milliseconds (video:
position in the file; webcam: monotonic clock). Unreadable input raises `InputError` naming the
file; a camera that cannot be opened raises `CameraError`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.camera.image_header import declared_size, is_known_format
from kiosk.core.types import Frame
from kiosk.errors import CameraError, InputError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v"})
MAX_PIXELS = 50_000_000  # larger images are refused before decoding (a 50 MP BGR image: 150 MB)
MAX_FILE_BYTES = 256 * 2**20


class FrameSource(Protocol):
    """Anything that yields frames and can be closed."""

    @property
    def name(self) -> str:
        """What the source reads, for messages."""
        ...

    def frames(self) -> Iterator[Frame]:
        """Frames in order until the source ends (a webcam never ends by itself)."""
        ...

    def close(self) -> None:
        """Release the device or file."""
        ...


def read_image(path: Path) -> npt.NDArray[np.uint8]:
    """Decode an image file to BGR uint8 (grey, 16-bit and alpha images are converted).

    Raises:
        InputError: the file is missing, empty, larger than MAX_FILE_BYTES, declares more than
            MAX_PIXELS pixels, or is not a decodable image.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"image {path} is {size / 2**20:.0f} MiB, over the limit of "
                f"{MAX_FILE_BYTES / 2**20:.0f} MiB"
            )
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise InputError(f"cannot read image {path}: {exc.strerror or exc}") from exc
    if data.size == 0:
        raise InputError(f"image {path} is empty (0 bytes)")
    raw = data.tobytes()
    if not is_known_format(raw[:16]):
        raise InputError(f"{path} is not a readable image: not a PNG, JPEG, BMP, WebP or TIFF file")
    declared = declared_size(raw)
    if declared is None:
        raise InputError(f"{path} is not a readable image: its header does not say its size")
    _check_pixels(path, declared)
    try:
        image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    except cv2.error as exc:
        raise InputError(f"{path} is not a readable image ({exc.err or 'decoder error'})") from exc
    if image is None:
        raise InputError(f"{path} is not a readable image (corrupt or unsupported format)")
    _check_pixels(path, (image.shape[1], image.shape[0]))
    return to_bgr8(image, str(path))


def _check_pixels(path: Path, size: tuple[int, int] | None) -> None:
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise InputError(
            f"image {path} is {size[0]} x {size[1]} pixels, over the limit of "
            f"{MAX_PIXELS // 1_000_000} megapixels; resize it first"
        )


def to_bgr8(image: npt.NDArray[np.generic], name: str) -> npt.NDArray[np.uint8]:
    """Convert a decoded image of any common mode (grey, BGRA, 16-bit) to BGR uint8."""
    if image.dtype == np.uint16:
        pixels = (np.asarray(image, np.uint16) // 257).astype(np.uint8)
    elif image.dtype == np.uint8:
        pixels = np.asarray(image, np.uint8)
    else:
        raise InputError(f"{name}: unsupported pixel type {image.dtype}")
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    if pixels.ndim == 2:
        return np.asarray(cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR), np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        return np.asarray(cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR), np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 3:
        return np.ascontiguousarray(pixels)
    raise InputError(f"{name}: unsupported image shape {image.shape}")


class ImageFileSource:
    """One image as a one-frame source."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)

    def frames(self) -> Iterator[Frame]:
        yield Frame(read_image(self.path), 0.0, 0)

    def close(self) -> None:
        return None


class ImageFolderSource:
    """The images of a folder in name order, one frame each, `interval_ms` apart."""

    def __init__(self, folder: Path, interval_ms: float = 1000.0) -> None:
        if not folder.is_dir():
            raise InputError(f"{folder} is not a folder")
        self.paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self.paths:
            raise InputError(f"{folder} has no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        self.name = str(folder)
        self.interval_ms = interval_ms

    def frames(self) -> Iterator[Frame]:
        for index, path in enumerate(self.paths):
            yield Frame(read_image(path), index * self.interval_ms, index)

    def close(self) -> None:
        return None


class VideoFileSource:
    """A video file; `loop` restarts it at the end (demo mode), timestamps keep increasing."""

    def __init__(self, path: Path, loop: bool = False) -> None:
        if not path.is_file():
            raise InputError(f"video {path} does not exist")
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            raise InputError(f"{path} is not a readable video (corrupt or unsupported codec)")
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self.frame_count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.name = str(path)
        self.loop = loop

    def frames(self) -> Iterator[Frame]:
        index = 0
        while True:
            ok, image = self._capture.read()
            if not ok or image is None:
                if not self.loop or index == 0:
                    return
                self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                continue
            yield Frame(to_bgr8(image, self.name), index * 1000.0 / self.fps, index)
            index += 1

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> VideoFileSource:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class WebcamSource:
    """A webcam by index ("0") or device path, at the requested resolution if it offers it."""

    def __init__(self, device: str, width: int = 640, height: int = 480) -> None:
        target: int | str = int(device) if device.isdigit() else device
        self._capture = cv2.VideoCapture(target)
        if not self._capture.isOpened():
            raise CameraError(f"camera {device!r} cannot be opened (unplugged or in use?)")
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self.name = f"camera {device}"

    def frames(self) -> Iterator[Frame]:
        start = time.monotonic()
        index = 0
        while True:
            ok, image = self._capture.read()
            if not ok or image is None:
                raise CameraError(f"{self.name} stopped delivering frames")
            yield Frame(to_bgr8(image, self.name), (time.monotonic() - start) * 1000.0, index)
            index += 1

    def close(self) -> None:
        self._capture.release()


def open_source(spec: str, loop: bool = False) -> FrameSource:
    """A source from a config string: webcam index or /dev path, video file, image or folder."""
    if spec.isdigit() or spec.startswith("/dev/"):
        return WebcamSource(spec)
    path = Path(spec)
    if path.is_dir():
        return ImageFolderSource(path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageFileSource(path)
    return VideoFileSource(path, loop=loop)
