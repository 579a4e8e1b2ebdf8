"""`kiosk --self-test`: does this installation work, end to end, without a camera or a display?

Runs from a source checkout and inside the PyInstaller bundle alike, on the resources that ship
with the kiosk (`kiosk.paths.resource_root()`): every model in the manifest is verified (sha256)
and run once; the demo people are enrolled in memory; the demo clip goes through the whole
pipeline and the kiosk's shopper session (on a scratch database with the demo catalog), and
each demo person must be named and suggestions shown; the demo catalog's suggestions are drawn
for a happy and an unhappy shopper; the shopper screen runs offscreen for a moment.
Nothing is written to the per-user data directory except a probe that it is writable.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.camera.sources import VideoFileSource
from kiosk.commands.loaders import gallery_from_folder, load_models
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.core.vocabulary import Valence
from kiosk.errors import KioskError
from kiosk.paths import demo_catalog, demo_clip, demo_people_dir, resource_root
from kiosk.services.demo import scratch_kiosk
from kiosk.services.shopper_session import ScreenMode
from kiosk.services.suggestion_records import ShopperState
from kiosk.services.suggestions import SuggestionService
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store
from kiosk.vision.manifest import load_manifest
from kiosk.vision.models import VisionModels, check_model
from kiosk.vision.pipeline import Pipeline

MIN_NAMED_FRAMES = 5  # each demo person is on screen for 25+ frames of the clip
GUI_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class SelfTestCheck:
    """One step of the self-test.

    Attributes:
        name: what was checked.
        ok: True passed, False failed, None not run (a step it depends on failed).
        detail: what was found, or what went wrong.
        seconds: how long the step took.
    """

    name: str
    ok: bool | None
    detail: str
    seconds: float


@dataclass(frozen=True, slots=True)
class SelfTestReport:
    """Every step of the self-test, in order; `ok` when none failed or was skipped."""

    resource_root: str
    data_dir: str
    checks: tuple[SelfTestCheck, ...]

    @property
    def ok(self) -> bool:
        """All steps ran and passed."""
        return bool(self.checks) and all(c.ok is True for c in self.checks)


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    detail: str


def _timed(name: str, step: Callable[[], _Outcome]) -> SelfTestCheck:
    start = time.perf_counter()
    try:
        outcome = step()
    except KioskError as exc:
        outcome = _Outcome(False, str(exc))
    return SelfTestCheck(name, outcome.ok, outcome.detail, time.perf_counter() - start)


def _skipped(name: str) -> SelfTestCheck:
    return SelfTestCheck(name, None, "not run: an earlier step failed", 0.0)


def run_self_test(config: KioskConfig, gui: bool = True) -> SelfTestReport:
    """Run every step; never raises for a failed step (the report says what failed).

    Args:
        config: settings (models directory, data directory, threads, pipeline, suggestions).
        gui: also run the shopper view offscreen for a moment.
    """
    root = resource_root()
    checks = [
        _timed("data directory", lambda: _check_data_dir(config.paths.data_dir, root)),
        _timed("models (sha256, load, run)", lambda: _check_models(config)),
        _timed("demo catalog and suggestions", lambda: _check_suggestions(config)),
    ]
    names = ("enrol demo people", "demo clip: people named", "GUI offscreen")
    if checks[1].ok:
        with load_models(config) as models:
            checks += _check_with_models(config, models, gui)
    else:
        checks += [_skipped(n) for n in names]
    if not gui:
        checks = [c for c in checks if c.name != names[2]]
    return SelfTestReport(str(root), str(config.paths.data_dir), tuple(checks))


def _check_with_models(config: KioskConfig, models: VisionModels, gui: bool) -> list[SelfTestCheck]:
    enrolled: list[Gallery] = []

    def enrol() -> _Outcome:
        report = gallery_from_folder(models, demo_people_dir())
        enrolled.append(report.gallery)
        people = sorted(set(report.gallery.names.values()))
        ok = report.used > 0 and not report.no_face
        missed = f"; no face in {[p.name for p in report.no_face]}" if report.no_face else ""
        return _Outcome(ok, f"{len(people)} people from {report.used} photos{missed}")

    checks = [_timed("enrol demo people", enrol)]
    if not enrolled:
        return [*checks, _skipped("demo clip: people named"), _skipped("GUI offscreen")]
    gallery = enrolled[0]
    checks.append(_timed("demo clip: people named", lambda: _check_clip(config, models, gallery)))
    if gui:
        checks.append(_timed("GUI offscreen", lambda: _check_gui(config, models, gallery)))
    return checks


def _check_data_dir(data_dir: Path, root: Path) -> _Outcome:
    """The per-user data directory is writable and is not inside the shipped resources."""
    if getattr(sys, "frozen", False) and data_dir.resolve().is_relative_to(root.resolve()):
        return _Outcome(False, f"{data_dir} is inside the bundle {root}: data would be lost")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as exc:
        return _Outcome(False, f"{data_dir} is not writable: {exc.strerror or exc}")
    return _Outcome(True, f"{data_dir} writable")


def _check_models(config: KioskConfig) -> _Outcome:
    manifest = load_manifest(config.paths.models_dir)
    checks = [check_model(spec, config.vision.threads, runs=2) for spec in manifest.models.values()]
    failed = [f"{c.key}: {c.error}" for c in checks if not c.ok]
    if failed:
        return _Outcome(False, "; ".join(failed))
    return _Outcome(True, f"{len(checks)} models verified and run: {', '.join(manifest.models)}")


def _check_clip(config: KioskConfig, models: VisionModels, gallery: Gallery) -> _Outcome:
    """The demo clip through the pipeline and the kiosk's shopper session: every demo person
    is named on at least MIN_NAMED_FRAMES frames, nobody else is, and cards are shown."""
    named: Counter[str] = Counter()
    frames = slates = 0
    with (
        scratch_kiosk(config, models, gallery) as kiosk,
        VideoFileSource(demo_clip()) as source,
    ):
        pipeline = Pipeline(models, kiosk.gallery, config.pipeline)
        for frame in source.frames():
            result = pipeline.process(frame)
            named.update({f.identity.name for f in result.faces if f.identity.known})
            update = kiosk.session.on_result(result, frame.timestamp_ms / 1000.0)
            slates += (
                update is not None and update.mode is ScreenMode.SHOPPER and bool(update.cards)
            )
            frames += 1
        kiosk.session.close(frame.timestamp_ms / 1000.0 if frames else 0.0)
    people = sorted(set(gallery.names.values()))
    missing = [p for p in people if named[p] < MIN_NAMED_FRAMES]
    counts = ", ".join(f"{p} on {named[p]}" for p in people)
    strangers = sorted(set(named) - set(people))
    ok = not missing and not strangers and frames > 0 and slates > 0
    detail = f"{frames} frames, {slates} screen updates with cards; {counts} frames"
    if missing:
        detail += f"; named on fewer than {MIN_NAMED_FRAMES} frames: {missing}"
    if strangers:
        detail += f"; named people not enrolled: {strangers}"
    return _Outcome(ok, detail)


def _check_suggestions(config: KioskConfig) -> _Outcome:
    """Import the demo catalog into a temporary database and draw suggestions from it."""
    path = demo_catalog()
    if not path.is_file():
        return _Outcome(False, f"the demo catalog {path} is missing")
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-selftest-") as tmp,
        Store(Path(tmp) / "selftest.db") as store,
    ):
        report = Catalog(store).import_file(path)
        if not report.ok:
            return _Outcome(False, f"{path.name}: {report.errors[0]}")
        service = SuggestionService(store, config.recommend, seed=0)
        later_ms = config.recommend.min_dwell_ms + 1.0  # the first slate has had its time
        slates = [
            service.suggest(ShopperState(None, Valence.POSITIVE), now_ms=0.0).suggestions,
            service.suggest(ShopperState(None, Valence.NEGATIVE), now_ms=later_ms).suggestions,
        ]
        service.end_visit()
    shown = [s for slate in slates for s in slate]
    no_image = [s.sku for s in shown if not (resource_root() / s.image_path).is_file()]
    ok = all(slates) and not no_image
    detail = f"{path.name}: {report.rows} products; suggested {', '.join(s.sku for s in shown)}"
    if no_image:
        detail += f"; images missing for {no_image}"
    return _Outcome(ok, detail)


def _check_gui(config: KioskConfig, models: VisionModels, gallery: Gallery) -> _Outcome:
    """The shopper screen and session start offscreen and draw analysed frames of the clip."""
    from kiosk.ui.bench import run_gui_bench
    from kiosk.ui.launch import qt_application

    qt_application(["kiosk", "-platform", "offscreen"])  # no window on the shop's screen
    with scratch_kiosk(config, models, gallery) as kiosk:
        report = run_gui_bench(config, models, kiosk.gallery, GUI_SECONDS, kiosk.session)
    ok = report.frames_shown > 0
    return _Outcome(ok, f"{report.frames_shown} frames drawn in {report.seconds:.1f} s")
