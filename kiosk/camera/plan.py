"""Where the kiosk's frames come from: the configured camera, or the demo clip."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.camera.probe import probe_camera
from kiosk.camera.sources import FrameSource, VideoFileSource, open_source
from kiosk.config import KioskConfig
from kiosk.paths import demo_clip

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """Where frames come from: a callable that opens the source, and whether to pace it."""

    open: Callable[[], FrameSource]
    paced: bool
    description: str


def plan_source(config: KioskConfig, demo: bool) -> SourcePlan:
    """The demo clip (looping) when asked or when no camera answers; else the configured one."""
    source = config.camera.source
    if demo:
        clip = demo_clip()
        return SourcePlan(lambda: VideoFileSource(clip, loop=True), True, f"demo clip {clip.name}")
    is_file = Path(source).is_file()
    if not is_file and not probe_camera(source).available:
        log.warning("camera %r not available: starting in demo mode", source)
        clip = demo_clip()
        return SourcePlan(lambda: VideoFileSource(clip, loop=True), True, "demo (no camera)")
    return SourcePlan(lambda: open_source(source, loop=True), is_file, f"camera {source}")
