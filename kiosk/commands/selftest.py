"""`kiosk --self-test`: does this installation work, end to end, without a camera or a display?

Runs from a source checkout and inside the PyInstaller bundle alike, on the resources that ship
with the kiosk (`kiosk.paths.resource_root()`): every model in the manifest is verified (sha256)
and run once; the demo people are enrolled in memory; the demo clip goes through the whole
pipeline and each demo person must be named; the demo catalog is imported into a temporary
database and suggestions are drawn from it; the shopper view runs offscreen for a moment.
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

from kiosk.commands import session
from kiosk.commands.analyze import run_analyze
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.core.types import FrameResult
from kiosk.errors import KioskError
from kiosk.paths import resource_root
from kiosk.services.suggestions import ShopperView, SuggestionService
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store
from kiosk.vision.manifest import load_manifest
from kiosk.vision.models import VisionModels, check_model

DEMO_PEOPLE = Path("assets") / "demo" / "people"
DEMO_CATALOG = Path("catalog") / "demo_catalog.csv"  # as `kiosk catalog demo` imports it
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
        _timed("demo catalog and suggestions", lambda: _check_suggestions(config, root)),
    ]
    names = ("enrol demo people", "demo clip: people named", "GUI offscreen")
    if checks[1].ok:
        models = session.load_models(config)
        try:
            checks += _check_with_models(config, models, root, gui)
        finally:
            models.close()
    else:
        checks += [_skipped(n) for n in names]
    if not gui:
        checks = [c for c in checks if c.name != names[2]]
    return SelfTestReport(str(root), str(config.paths.data_dir), tuple(checks))


def _check_with_models(
    config: KioskConfig, models: VisionModels, root: Path, gui: bool
) -> list[SelfTestCheck]:
    enrolled: list[Gallery] = []

    def enrol() -> _Outcome:
        report = session.gallery_from_folder(models, root / DEMO_PEOPLE)
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
    """Every enrolled demo person is named on at least MIN_NAMED_FRAMES frames of the clip."""
    from kiosk.ui.app import demo_clip  # the one place that knows where the clip lives

    named: Counter[str] = Counter()

    def on_frame(result: FrameResult) -> None:
        named.update({f.identity.name for f in result.faces if f.identity.known})

    summary = run_analyze(
        config, models, gallery, demo_clip(), emit=lambda _row: None, on_frame=on_frame
    )
    people = sorted(set(gallery.names.values()))
    missing = [p for p in people if named[p] < MIN_NAMED_FRAMES]
    counts = ", ".join(f"{p} on {named[p]}" for p in people)
    strangers = sorted(set(named) - set(people))
    ok = not missing and not strangers and summary.frames > 0
    detail = f"{summary.frames} frames, {summary.tracks} tracks; {counts} frames"
    if missing:
        detail += f"; named on fewer than {MIN_NAMED_FRAMES} frames: {missing}"
    return _Outcome(ok, detail)


def _check_suggestions(config: KioskConfig, root: Path) -> _Outcome:
    """Import the demo catalog into a temporary database and draw suggestions from it."""
    path = root / DEMO_CATALOG
    if not path.is_file():
        return _Outcome(False, f"the demo catalog {path} is missing")
    with tempfile.TemporaryDirectory(prefix="kiosk-selftest-") as tmp:
        store = Store(Path(tmp) / "selftest.db")
        try:
            report = Catalog(store).import_file(path)
            if not report.ok:
                return _Outcome(False, f"{path.name}: {report.errors[0]}")
            service = SuggestionService(store, config.recommend, seed=0)
            later_ms = config.recommend.min_dwell_ms + 1.0  # the first slate has had its time
            slates = [
                service.suggest(ShopperView(None, "positive"), now_ms=0.0).suggestions,
                service.suggest(ShopperView(None, "negative"), now_ms=later_ms).suggestions,
            ]
            service.end_visit()
        finally:
            store.close()
    shown = [s for slate in slates for s in slate]
    no_image = [s.sku for s in shown if s.image_path and not Path(s.image_path).is_file()]
    ok = all(slates) and not no_image
    detail = f"{path.name}: {report.rows} products; suggested {', '.join(s.sku for s in shown)}"
    if no_image:
        detail += f"; images missing for {no_image}"
    return _Outcome(ok, detail)


def _check_gui(config: KioskConfig, models: VisionModels, gallery: Gallery) -> _Outcome:
    """The shopper view starts offscreen and draws analysed frames of the demo clip."""
    from kiosk.ui.app import qt_application
    from kiosk.ui.bench import run_gui_bench

    qt_application(["kiosk", "-platform", "offscreen"])  # no window on the shop's screen
    report = run_gui_bench(config, models, gallery, GUI_SECONDS)
    ok = report.frames_shown > 0
    return _Outcome(ok, f"{report.frames_shown} frames drawn in {report.seconds:.1f} s")
