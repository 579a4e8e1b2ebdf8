"""The shopper session: what the kiosk shows for the faces in front of it (no Qt).

One object drives the shopper screen in every setting: the GUI (`kiosk run`), the self-test,
`kiosk bench soak` and `kiosk bench gui` all feed it `FrameResult`s and read back
`ScreenUpdate`s, so they measure the path the kiosk runs. It records visits, asks the
suggestion service for a slate, and turns suggestions into plain `Card`s for the screen.

The shopper nearest the screen (largest face) is the one served. Personalised content (their
name, their own picks) needs a recognised face that also passed the liveness check, so a
photo held up to the camera cannot pull a shopper's data; until then picks are generic.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kiosk.core.gallery import Gallery
from kiosk.core.types import FaceResult, FrameResult
from kiosk.core.vocabulary import RewardKind
from kiosk.services.suggestions import ShopperState, Suggestion, SuggestionService
from kiosk.services.visits import VisitRecorder

GREETING_NOBODY = "Step closer for picks made for you"
GREETING_GUEST = "Welcome!"
VALENCE_WINDOW_S = 4.0


def price_text(cents: int, currency: str = "€") -> str:
    """1250 -> '€12.50'."""
    return f"{currency}{cents // 100}.{cents % 100:02d}"


@dataclass(frozen=True, slots=True)
class Card:
    """One product card as the screen shows it (plain data; the GUI draws it)."""

    sku: str
    name: str
    price_text: str
    reason: str
    image_path: str


@dataclass(frozen=True, slots=True)
class ScreenUpdate:
    """New content for the suggestions panel."""

    greeting: str
    cards: tuple[Card, ...]


@dataclass(slots=True)
class ShopperSession:
    """The shopper screen's logic: visits, suggestions, greeting (call on one thread only).

    Attributes:
        suggestions: chooses and logs the products (writes to SQLite: GUI thread only).
        visits: records who stood in front of the kiosk.
        valence_weights: emotion label -> valence weight (model manifest).
        catalog_root: product image paths are relative to it.
        clock_hour: local time of day in hours (injectable).
    """

    suggestions: SuggestionService
    visits: VisitRecorder
    valence_weights: Mapping[str, float]
    catalog_root: Path
    clock_hour: Callable[[], float] = field(
        default=lambda: datetime.now().hour + datetime.now().minute / 60.0
    )
    _history: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=64))
    _track: int | None = None
    _last_face_s: float = -math.inf
    _greeting: str = ""
    _cards: tuple[Card, ...] = ()
    _enrolled: frozenset[int] | None = None

    def on_result(self, result: FrameResult, now_s: float) -> ScreenUpdate | None:
        """Update visits; return new panel content when the slate or the greeting changes."""
        self.visits.on_result(result, now_s)
        face = max(result.faces, key=lambda f: f.box.width * f.box.height, default=None)
        if face is None:
            if now_s - self._last_face_s > self.visits.end_after_s and self._track is not None:
                self.suggestions.end_visit()
                self._track = None
                self._history.clear()
            if self._track is not None or self._greeting == GREETING_NOBODY:
                return None  # a short gap, or nothing new: keep the screen as it is
            # Nobody to see suggestions: keep the cards, log nothing (an empty room teaches
            # the learner nothing).
            self._greeting = GREETING_NOBODY
            return ScreenUpdate(GREETING_NOBODY, self._cards)
        self._last_face_s = now_s
        if face.track_id != self._track:
            self._track = face.track_id
            self._history.clear()
        return self._update(self._greet(face), face, now_s)

    def on_interested(self, sku: str, now_s: float) -> None:
        """A tap on "I'm interested": the strongest reward."""
        self.suggestions.record(sku, RewardKind.TAP)

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

    def _personal_id(self, face: FaceResult) -> int | None:
        return face.personal.person_id

    def _greet(self, face: FaceResult) -> str:
        person = face.personal
        if not person.known:
            return GREETING_GUEST
        return f"Welcome back, {person.name.title()}!"  # from the gallery snapshot

    def _update(self, greeting: str, face: FaceResult, now_s: float) -> ScreenUpdate | None:
        slate = self.suggestions.suggest(self._view(face, now_s), now_s * 1000.0)
        if not slate.changed and greeting == self._greeting:
            return None
        self._greeting = greeting
        if slate.changed:
            self._cards = tuple(self._card(s) for s in slate.suggestions)
        return ScreenUpdate(greeting, self._cards)

    def _view(self, face: FaceResult, now_s: float) -> ShopperState:
        score = self._valence_score(face)
        if score is not None:
            self._history.append((now_s, score))
        while self._history and now_s - self._history[0][0] > VALENCE_WINDOW_S:
            self._history.popleft()
        change = self._history[-1][1] - self._history[0][1] if len(self._history) > 1 else 0.0
        return ShopperState(
            person_id=self._personal_id(face),
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

    def _card(self, suggestion: Suggestion) -> Card:
        image = Path(suggestion.image_path)
        if not image.is_absolute():
            image = self.catalog_root / image
        return Card(
            suggestion.sku,
            suggestion.name,
            price_text(suggestion.price_cents),
            suggestion.reason,
            str(image),
        )
