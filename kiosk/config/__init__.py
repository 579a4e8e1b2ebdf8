"""Deployment settings: one frozen dataclass per `kiosk.toml` section, and `KioskConfig` of all.

Each section validates its own values; reading them from `kiosk.toml` and `KIOSK_<SECTION>_<KEY>`
environment variables (and writing one back) is `kiosk.config.loading`. Loaded once in
`kiosk.cli` and passed explicitly; no other module reads the environment.
Model properties (input sizes, labels, thresholds) are not here: they live in
`models/manifest.toml` next to the model files.

Example `kiosk.toml`::

    [paths]
    data_dir = "/var/lib/iface-kiosk"

    [vision]
    threads = 2

    [camera]
    source = "0"          # webcam index, device path, video file or image folder

    [fleet]
    dsn = "postgresql://kiosk_door@hq.example/chain?sslmode=verify-full"   # or KIOSK_FLEET_DSN
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import ConfigError
from kiosk.paths import default_data_dir, default_models_dir


@dataclass(frozen=True, slots=True)
class PathsConfig:
    """Where mutable data and the model files live."""

    data_dir: Path = field(default_factory=default_data_dir)
    models_dir: Path = field(default_factory=default_models_dir)
    key_file: Path = Path()  # empty: <data_dir>/kiosk.key
    pin_file: Path = Path()  # empty: <data_dir>/staff_pin.json

    @property
    def key_path(self) -> Path:
        """The encryption key file (outside the database)."""
        return self.key_file if str(self.key_file) not in {"", "."} else self.data_dir / "kiosk.key"

    @property
    def pin_path(self) -> Path:
        """The staff PIN file (hash and lock-out state; outside the database and kiosk.toml)."""
        if str(self.pin_file) not in {"", "."}:
            return self.pin_file
        return self.data_dir / "staff_pin.json"


@dataclass(frozen=True, slots=True)
class VisionConfig:
    """Model runtime settings.

    Attributes:
        threads: onnxruntime intra-op threads per session (set explicitly: several sessions with
            the default of one thread per core oversubscribe a 2-core PC).
    """

    threads: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.threads <= 64:
            raise ConfigError(f"vision.threads must be between 1 and 64, got {self.threads}")


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Per-frame work and identity rules.

    Attributes:
        detector: comma-separated manifest keys of the face detectors, run on every frame and
            merged: "face_detector_short" finds faces that fill the frame, "face_detector"
            (full range) small and far ones.
        min_face_px: faces narrower than this are tracked but not recognised.
        embed_burst_ms: interval between embeddings until a new track has `min_votes`.
        embed_interval_ms: interval between identity re-checks after that.
        emotion_interval_ms: interval between emotion readings per track.
        mask_interval_ms: interval between mask readings per track.
        track_gap_ms: how long a track survives without a detection.
        max_distance: embedding distance threshold; 0 means the model's calibrated default.
        min_votes: agreeing embeddings needed before a person is named.
        flip_tta: also embed the mirrored face and average.
    """

    detector: str = "face_detector_short,face_detector"
    min_face_px: int = 40
    embed_burst_ms: int = 150
    embed_interval_ms: int = 1000
    emotion_interval_ms: int = 100
    mask_interval_ms: int = 1000
    track_gap_ms: int = 600
    max_distance: float = 0.0
    min_votes: int = 2
    flip_tta: bool = False


@dataclass(frozen=True, slots=True)
class CameraConfig:
    """The frame source: a webcam index ("0"), a device path, a video file or an image folder."""

    source: str = "0"
    width: int = 640
    height: int = 480


@dataclass(frozen=True, slots=True)
class PrivacyConfig:
    """What the kiosk keeps, and for how long.

    Attributes:
        retention_days: unknown visitors' visits and events older than this are purged
            (at start-up, then hourly while the kiosk runs).
    """

    retention_days: int = 7


@dataclass(frozen=True, slots=True)
class EnrolmentConfig:
    """Quality gates and size of an enrolment.

    Attributes:
        captures: accepted captures that complete an enrolment.
        min_face_px: smallest face width accepted.
        min_sharpness: smallest Laplacian variance accepted (see core.quality.sharpness).
        max_yaw_deg, max_pitch_deg, max_roll_deg: largest head turn accepted.
        min_change: smallest embedding change from the previous capture (no duplicate frames).
        flip: also store a template of the mirrored face.
    """

    captures: int = 20
    min_face_px: int = 80
    min_sharpness: float = 40.0
    max_yaw_deg: float = 25.0
    max_pitch_deg: float = 25.0
    max_roll_deg: float = 20.0
    min_change: float = 0.02
    flip: bool = False


@dataclass(frozen=True, slots=True)
class RecommendConfig:
    """Suggestions.

    Attributes:
        policy: "bandit" (LinUCB), "rules", "popularity" or "random".
        k: products shown at once.
        min_dwell_ms: shortest time a set of suggestions stays on screen.
        valence_credit: reward for a positive valence change while a product is shown
            (an explicit tap is worth 1).
        alpha: LinUCB exploration strength.
    """

    policy: str = "bandit"
    k: int = 3
    min_dwell_ms: int = 6000
    valence_credit: float = 0.1
    alpha: float = 0.5


@dataclass(frozen=True, slots=True)
class StaffConfig:
    """Staff mode.

    Attributes:
        pin_hash: no longer used: the PIN lives in its own private file (`kiosk staff
            set-pin`); a value here is from an older kiosk and `kiosk doctor` says so.
        max_failures: wrong PINs in a row before a lock-out.
        lock_s: first lock-out; each further failure doubles it.
        idle_logout_s: staff mode returns to the shopper view after this long untouched.
    """

    pin_hash: str = ""
    max_failures: int = 5
    lock_s: float = 30.0
    idle_logout_s: int = 120


LANGUAGES = ("en", "de", "zh_CN")  # the kiosk's translations (kiosk/ui/i18n)
CAMERA_VIEWS = ("mirror", "large")


@dataclass(frozen=True, slots=True)
class DisplayConfig:
    """What the shopper view shows, in which language and currency.

    Attributes:
        show_names: names of recognised (and live) shoppers on their face box.
        show_emotion: the emotion badge (off by default: a public "sad" badge is unkind).
        show_mask: the mask badge.
        cursor_hide_s: hide the mouse cursor after this long without movement (full screen).
        language: "en", "de" or "zh_CN"; numbers and prices follow it too.
        currency: ISO 4217 code of the catalog's prices, e.g. "EUR", "USD", "CNY".
        camera_view: "mirror" (a small mirror above the suggestions) or "large" (the camera
            picture beside them).
        alert_sound: a short sound when a shopper calls staff or taps "I'm interested".
        help_after_s: seconds a live shopper looks confused before "Need help?" is offered.
        attract_slide_s: seconds each product stays on the attract screen.
    """

    show_names: bool = True
    show_emotion: bool = False
    show_mask: bool = True
    cursor_hide_s: int = 5
    language: str = "en"
    currency: str = "EUR"
    camera_view: str = "mirror"
    alert_sound: bool = False
    help_after_s: float = 3.0
    attract_slide_s: int = 6

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ConfigError(
                f"display.language must be one of {', '.join(LANGUAGES)}, got {self.language!r}"
            )
        if not (len(self.currency) == 3 and self.currency.isascii() and self.currency.isupper()):
            raise ConfigError(
                f"display.currency must be a 3-letter ISO 4217 code like EUR, got {self.currency!r}"
            )
        if self.camera_view not in CAMERA_VIEWS:
            raise ConfigError(
                f"display.camera_view must be one of {', '.join(CAMERA_VIEWS)}, got "
                f"{self.camera_view!r}"
            )
        if not 0.5 <= self.help_after_s <= 60.0:
            raise ConfigError(
                f"display.help_after_s must be between 0.5 and 60, got {self.help_after_s}"
            )
        if not 2 <= self.attract_slide_s <= 120:
            raise ConfigError(
                f"display.attract_slide_s must be between 2 and 120, got {self.attract_slide_s}"
            )


@dataclass(frozen=True, slots=True)
class FleetConfig:
    """A chain of kiosks sharing one PostgreSQL database (`kiosk fleet`).

    Attributes:
        dsn: libpq connection string or URL of the chain's database, this kiosk's own role
            (written by `kiosk fleet join`); TLS settings (sslmode, sslrootcert) pass through.
            Empty: a single kiosk, no chain.
        sync_interval_s: seconds between background syncs while the kiosk runs.
        connect_timeout_s: give up connecting after this long (then retry with back-off).
    """

    dsn: str = ""
    sync_interval_s: float = 5.0
    connect_timeout_s: int = 3

    def __post_init__(self) -> None:
        if not 0.5 <= self.sync_interval_s <= 3600:
            raise ConfigError(
                f"fleet.sync_interval_s must be between 0.5 and 3600, got {self.sync_interval_s}"
            )
        if not 1 <= self.connect_timeout_s <= 120:
            raise ConfigError(
                f"fleet.connect_timeout_s must be between 1 and 120, got {self.connect_timeout_s}"
            )


@dataclass(frozen=True, slots=True)
class KioskConfig:
    """All deployment settings, one frozen object."""

    paths: PathsConfig = field(default_factory=PathsConfig)
    vision: VisionConfig = field(default_factory=VisionConfig)
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    enrolment: EnrolmentConfig = field(default_factory=EnrolmentConfig)
    recommend: RecommendConfig = field(default_factory=RecommendConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    fleet: FleetConfig = field(default_factory=FleetConfig)
    source_file: Path | None = None

    @property
    def config_path(self) -> Path:
        """The kiosk.toml settings are read from and written to."""
        return self.source_file or self.paths.data_dir / "kiosk.toml"
