"""The shopper session: what the kiosk shows for the faces in front of it (no Qt).

One object drives the shopper screen in every setting: the GUI (`kiosk run`), the self-test,
`kiosk bench soak` and `kiosk bench gui` all feed it `FrameResult`s and read back
`ScreenUpdate`s, so they measure the path the kiosk runs. It records visits, asks the
suggestion service for a slate, and turns suggestions into plain `Card`s for the screen.

The screen has three modes. With nobody in front of the kiosk it shows the attract loop
(featured products, nothing logged); a face switches to the shopper's picks once its track has
been detected in `confirm_frames` frames (a lone false detection, such as a letter of a poster
read as a face for one frame, must not end the loop, show picks to nobody or teach the learner
from a slate nobody saw); when the shopper has been gone for the visit's end time it returns to
the attract loop. A shopper may
pause face analysis: the session forgets the visit at once and shows the pause screen.

The shopper nearest the screen (largest face) is the one served. Personalised content (their
name, their own picks, their name on a staff alert) needs a recognised face that also passed the
liveness check, so a photo held up to the camera cannot pull a shopper's data; until then picks
are generic. The screen words everything itself (in the shopper's language) from the kinds
here: greetings and reasons are data, not English text.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from kiosk.core.gallery import Gallery
from kiosk.core.types import FaceResult, FrameResult
from kiosk.core.vocabulary import RewardKind
from kiosk.recommend.reasons import Reason
from kiosk.services.alerts import AlertBoard, AlertKind, StaffAlert
from kiosk.services.help_offer import HelpOffer, HelpState
from kiosk.services.showcase import Showcase
from kiosk.services.suggestion_records import ShopperState, Suggestion
from kiosk.services.suggestions import SuggestionService
from kiosk.services.visits import VisitRecorder
from kiosk.store.catalog import Product

VALENCE_WINDOW_S = 4.0


class ScreenMode(StrEnum):
    """What the shopper screen shows."""

    ATTRACT = "attract"  # nobody in front: the featured-products loop
    SHOPPER = "shopper"  # someone in front: greeting and picks
    PAUSED = "paused"  # a shopper paused face analysis


class GreetingKind(StrEnum):
    """The line above the picks."""

    NOBODY = "nobody"  # "Step closer for picks made for you"
    GUEST = "guest"  # "Welcome!"
    RETURNING = "returning"  # "Welcome back, <name>!" (recognised and live only)


@dataclass(frozen=True, slots=True)
class Greeting:
    """A greeting and the name it uses ("" unless `RETURNING`)."""

    kind: GreetingKind
    name: str = ""


GREETING_NOBODY = Greeting(GreetingKind.NOBODY)
GREETING_GUEST = Greeting(GreetingKind.GUEST)


@dataclass(frozen=True, slots=True)
class Card:
    """One product as the screen shows it (plain data; the screen formats and words it).

    Attributes:
        price_cents, was_price_cents: in the catalog's currency (`was` 0 when not on offer).
        image_path: absolute, or "" (the screen draws a placeholder).
    """

    sku: str
    name: str
    price_cents: int
    reason: Reason
    image_path: str
    was_price_cents: int = 0
    description: str = ""
    location: str = ""


@dataclass(frozen=True, slots=True)
class ScreenUpdate:
    """New content for the shopper screen."""

    mode: ScreenMode
    greeting: Greeting
    cards: tuple[Card, ...]
    help: HelpState = HelpState.NONE


@dataclass(slots=True)
class ShopperSession:
    """The shopper screen's logic: visits, suggestions, greeting, help, alerts (one thread).

    Attributes:
        suggestions: chooses and logs the products (writes to SQLite: GUI thread only).
        visits: records who stood in front of the kiosk.
        valence_weights: emotion label -> valence weight (model manifest).
        catalog_root: product image paths are relative to it.
        showcase: the attract loop's products (None: an empty loop).
        help: when to offer "Need help?".
        alerts: requests for staff (shown in staff mode).
        clock_hour: local time of day in hours (injectable).
        confirm_frames: a face counts once its track was detected in this many frames.
    """

    suggestions: SuggestionService
    visits: VisitRecorder
    valence_weights: Mapping[str, float]
    catalog_root: Path
    clock_hour: Callable[[], float] = field(
        default=lambda: datetime.now().hour + datetime.now().minute / 60.0
    )
    showcase: Showcase | None = None
    help: HelpOffer = field(default_factory=HelpOffer)
    alerts: AlertBoard = field(default_factory=AlertBoard)
    confirm_frames: int = 3
    mode: ScreenMode = ScreenMode.ATTRACT
    _seen: dict[int, tuple[int, float]] = field(default_factory=dict)  # track: frames, last s
    _history: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=64))
    _track: int | None = None
    _last_face_s: float = -math.inf
    _greeting: Greeting = GREETING_NOBODY
    _cards: tuple[Card, ...] = ()
    _enrolled: frozenset[int] | None = None
    _holding: bool = False

    def attract(self) -> ScreenUpdate:
        """The attract loop (at start, after a shopper left, after a pause)."""
        self.mode, self._greeting = ScreenMode.ATTRACT, GREETING_NOBODY
        featured = self.showcase.featured() if self.showcase is not None else ()
        cards = tuple(self._product_card(p, reason) for p, reason in featured)
        return ScreenUpdate(ScreenMode.ATTRACT, GREETING_NOBODY, cards)

    def images(self) -> tuple[str, ...]:
        """Every product picture the screen may show, as paths (prepared before it must)."""
        return tuple(self._image(path) for path in self.suggestions.images())

    def on_result(self, result: FrameResult, now_s: float) -> ScreenUpdate | None:
        """Update visits; return new screen content when anything on it changes."""
        if self.mode is ScreenMode.PAUSED:
            return None  # frames queued before the pause: nothing is analysed or recorded
        faces = self._confirmed(result.faces, now_s)
        self.visits.on_result(replace(result, faces=faces), now_s)  # no visit row for a false face
        face = max(faces, key=lambda f: f.box.width * f.box.height, default=None)
        if face is None:
            if self._track is not None and now_s - self._last_face_s > self.visits.end_after_s:
                self._end_visit()
                return self.attract()  # they left: back to the loop
            return None  # a short gap, or still nobody: keep the screen as it is
        self._last_face_s = now_s
        if face.track_id != self._track:
            self._track = face.track_id
            self._history.clear()
            self.help.reset()
        offered = self.help.on_face(face, now_s)
        return self._update(self._greet(face), face, now_s, offered)

    def _confirmed(self, faces: tuple[FaceResult, ...], now_s: float) -> tuple[FaceResult, ...]:
        """The faces whose track has been detected in at least `confirm_frames` frames."""
        for face in faces:
            count = self._seen.get(face.track_id, (0, now_s))[0]
            self._seen[face.track_id] = (count + 1, now_s)
        gone = [t for t, (_, last) in self._seen.items() if now_s - last > self.visits.end_after_s]
        for track_id in gone:
            del self._seen[track_id]
        return tuple(f for f in faces if self._seen[f.track_id][0] >= self.confirm_frames)

    def on_interested(self, sku: str, now_s: float) -> StaffAlert:
        """A tap on "I'm interested": the strongest reward (when the product is one of the
        picks on screen), and an alert for staff."""
        if self.suggestions.is_on_screen(sku):
            self.suggestions.record(sku, RewardKind.TAP)
        product = self.suggestions.product(sku)
        name = product.name if product is not None else sku
        return self.alerts.add(AlertKind.INTERESTED, sku, name, self._shopper_name())

    def call_staff(self, now_s: float) -> tuple[StaffAlert, ScreenUpdate]:
        """The shopper tapped "call staff": an alert, and the banner says staff are coming."""
        self.help.called()
        alert = self.alerts.add(AlertKind.HELP, shopper=self._shopper_name())
        return alert, ScreenUpdate(self.mode, self._greeting, self._cards, self.help.state)

    def decline_help(self) -> ScreenUpdate:
        """The shopper closed the help offer (not offered again in this visit)."""
        self.help.dismissed()
        return ScreenUpdate(self.mode, self._greeting, self._cards, self.help.state)

    def hold(self, holding: bool) -> None:
        """Keep the picks on screen while the shopper reads a product's details."""
        self._holding = holding

    def pause(self, now_s: float) -> ScreenUpdate:
        """A shopper opted out: end the visit now and clear everything personal."""
        self._end_visit()
        self.visits.close(now_s)
        self.mode, self._greeting, self._cards = ScreenMode.PAUSED, GREETING_NOBODY, ()
        return ScreenUpdate(ScreenMode.PAUSED, GREETING_NOBODY, ())

    def resume(self) -> ScreenUpdate:
        """Face analysis resumes: back to the attract loop."""
        return self.attract()

    def on_gallery(self, gallery: Gallery) -> None:
        """A new gallery snapshot: whoever left it was forgotten, so drop what the session
        holds about them (their learner state; a slate on screen for them)."""
        now = frozenset(gallery.names)
        for person_id in (self._enrolled or frozenset()) - now:
            self.suggestions.forget(person_id)
        self._enrolled = now

    def close(self, now_s: float) -> None:
        """The kiosk is closing: learn from the slate on screen, write open visits."""
        self.suggestions.end_visit()
        self.visits.close(now_s)

    def _end_visit(self) -> None:
        self.suggestions.end_visit()
        self._track, self._last_face_s, self._holding = None, -math.inf, False
        self._history.clear()
        self.help.reset()

    def _shopper_name(self) -> str:
        greeting = self._greeting
        return greeting.name if greeting.kind is GreetingKind.RETURNING else ""

    def _greet(self, face: FaceResult) -> Greeting:
        person = face.personal  # UNKNOWN until the face is live
        if not person.known:
            return GREETING_GUEST
        return Greeting(GreetingKind.RETURNING, person.name)  # from the gallery snapshot

    def _update(
        self, greeting: Greeting, face: FaceResult, now_s: float, force: bool
    ) -> ScreenUpdate | None:
        changed = force or greeting != self._greeting or self.mode is not ScreenMode.SHOPPER
        if not self._holding:
            slate = self.suggestions.suggest(self._view(face, now_s), now_s * 1000.0)
            if slate.changed:
                self._cards = tuple(self._card(s) for s in slate.suggestions)
                changed = True
        if not changed:
            return None
        self.mode, self._greeting = ScreenMode.SHOPPER, greeting
        return ScreenUpdate(ScreenMode.SHOPPER, greeting, self._cards, self.help.state)

    def _view(self, face: FaceResult, now_s: float) -> ShopperState:
        score = self._valence_score(face)
        if score is not None:
            self._history.append((now_s, score))
        while self._history and now_s - self._history[0][0] > VALENCE_WINDOW_S:
            self._history.popleft()
        change = self._history[-1][1] - self._history[0][1] if len(self._history) > 1 else 0.0
        return ShopperState(
            person_id=face.personal.person_id,
            valence=face.valence,
            valence_change=max(-1.0, min(1.0, change)),
            masked=face.masked,
            hour=self.clock_hour(),
            visit_id=self.visits.visit_of(face.track_id),
        )

    def _valence_score(self, face: FaceResult) -> float | None:
        if face.emotion is None:
            return None
        pairs = zip(face.emotion.labels, face.emotion.probs, strict=True)
        return sum(p * self.valence_weights.get(label, 0.0) for label, p in pairs)

    def _image(self, image_path: str) -> str:
        if not image_path:
            return ""
        image = Path(image_path)
        return str(image if image.is_absolute() else self.catalog_root / image)

    def _card(self, s: Suggestion) -> Card:
        return Card(
            s.sku,
            s.name,
            s.price_cents,
            s.reason,
            self._image(s.image_path),
            s.was_price_cents,
            s.description,
            s.location,
        )

    def _product_card(self, p: Product, reason: Reason) -> Card:
        return Card(
            p.sku,
            p.name,
            p.price_cents,
            reason,
            self._image(p.image_path),
            p.was_price_cents if p.on_offer else 0,
            p.description,
            p.location,
        )
