"""`kiosk analyze PATH`: run the pipeline over an image, a video or a folder of images."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2

from kiosk.camera.sources import (
    IMAGE_SUFFIXES,
    VIDEO_SUFFIXES,
    ImageFileSource,
    ImageFolderSource,
    VideoFileSource,
)
from kiosk.commands.loaders import load_models, recognition_gallery
from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.core.report import frame_json
from kiosk.core.types import Frame, FrameResult
from kiosk.errors import InputError
from kiosk.vision.annotate import annotate
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline

Emit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class AnalyzeSummary:
    """What `kiosk analyze` saw.

    Attributes:
        frames: frames or images analysed.
        frames_with_faces: of those, how many had at least one face.
        tracks: distinct track ids.
        identified: names recognised at least once, sorted.
        annotated: where the annotated output went, or None.
    """

    frames: int
    frames_with_faces: int
    tracks: int
    identified: tuple[str, ...]
    annotated: str | None


class _Writer:
    """Annotated output: one image, a folder of images, or a video."""

    def __init__(self, out: Path, kind: str, fps: float) -> None:
        self.out, self.kind, self.fps = out, kind, fps
        self._video: cv2.VideoWriter | None = None
        if kind == "folder":
            out.mkdir(parents=True, exist_ok=True)

    def write(self, image: Any, name: str) -> None:
        if self.kind == "image":
            self._imwrite(self.out, image)
        elif self.kind == "folder":
            self._imwrite(self.out / f"{Path(name).stem}.jpg", image)
        else:
            if self._video is None:
                codec = "MJPG" if self.out.suffix.lower() == ".avi" else "mp4v"
                fourcc = cv2.VideoWriter.fourcc(*codec)
                size = (image.shape[1], image.shape[0])
                self._video = cv2.VideoWriter(str(self.out), fourcc, self.fps, size)
                if not self._video.isOpened():
                    raise InputError(f"cannot write video {self.out} (use .avi or .mp4)")
            self._video.write(image)

    @staticmethod
    def _imwrite(path: Path, image: Any) -> None:
        if not cv2.imwrite(str(path), image):
            raise InputError(f"cannot write image {path} (unknown extension or no space?)")

    def close(self) -> None:
        if self._video is not None:
            self._video.release()


def _open(path: Path) -> tuple[ImageFileSource | ImageFolderSource | VideoFileSource, str]:
    if path.is_dir():
        return ImageFolderSource(path), "folder"
    if not path.exists():
        raise InputError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return ImageFileSource(path), "image"
    if suffix in VIDEO_SUFFIXES:
        return VideoFileSource(path), "video"
    raise InputError(
        f"{path}: expected an image ({', '.join(sorted(IMAGE_SUFFIXES))}), a video "
        f"({', '.join(sorted(VIDEO_SUFFIXES))}) or a folder"
    )


def frame_total(path: Path) -> int | None:
    """How many frames `analyze` will read from `path`, if known (for progress bars)."""
    source, _ = _open(path)
    try:
        if isinstance(source, VideoFileSource):
            return source.frame_count or None
        if isinstance(source, ImageFolderSource):
            return len(source.paths)
        return 1
    finally:
        source.close()


def analyze(
    config: KioskConfig,
    path: Path,
    *,
    enroll: Path | None,
    emit: Emit,
    annotate_to: Path | None = None,
    progress: Progress = SILENT,
) -> AnalyzeSummary:
    """Load the models and the people to recognise, then `run_analyze`.

    Raises:
        InputError: `path` or `enroll` cannot be read.
        ModelError: a model file is missing or broken.
    """
    total = frame_total(path)
    with load_models(config) as models:
        progress.start("enrolling", None)
        loaded = recognition_gallery(config, models, enroll, lambda _: progress.advance())
        progress.note(loaded.description)
        progress.start("analysing", total)
        return run_analyze(
            config,
            models,
            loaded.gallery,
            path,
            emit=emit,
            annotate_to=annotate_to,
            on_frame=lambda _: progress.advance(),
        )


def run_analyze(
    config: KioskConfig,
    models: VisionModels,
    gallery: Gallery,
    path: Path,
    *,
    emit: Emit,
    annotate_to: Path | None = None,
    on_frame: Callable[[FrameResult], None] | None = None,
) -> AnalyzeSummary:
    """Analyse every frame of `path`, emitting one JSON-ready object per frame.

    Images of a folder are independent shoppers, so tracks restart for each image; a video is
    one stream with tracks across frames.
    """
    source, kind = _open(path)
    display = models.emotion.spec.display
    fps = source.fps if isinstance(source, VideoFileSource) else 1.0
    writer = None if annotate_to is None else _Writer(annotate_to, kind, fps)
    settings = config.pipeline
    if kind != "video":  # one look at each face: a single embedding decides
        settings = replace(settings, min_votes=1)
    still = kind != "video"  # photos: pad and enlarge before giving up; every reading at once
    pipeline = Pipeline(models, gallery, settings, still=still)
    frames = with_faces = 0
    tracks: set[tuple[int, int]] = set()
    names: set[str] = set()
    try:
        for index, read in enumerate(source.frames()):
            frame = read
            if kind == "folder":
                pipeline = Pipeline(models, gallery, settings, still=still)
                frame = Frame(read.image_bgr, 0.0, index)
            result = pipeline.process(frame)
            name = str(source.paths[index]) if isinstance(source, ImageFolderSource) else str(path)
            emit(frame_json(result, name, display))
            frames += 1
            with_faces += bool(result.faces)
            image_key = index if kind == "folder" else 0
            tracks.update((image_key, f.track_id) for f in result.faces)
            names.update(f.identity.name for f in result.faces if f.identity.known)
            if writer is not None:
                writer.write(annotate(frame.image_bgr, result, display), name)
            if on_frame is not None:
                on_frame(result)
    finally:
        source.close()
        if writer is not None:
            writer.close()
    out = None if annotate_to is None else str(annotate_to)
    return AnalyzeSummary(frames, with_faces, len(tracks), tuple(sorted(names)), out)
