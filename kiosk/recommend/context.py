"""Context features for suggestions, and a known shopper's personal preference state.

A context has shared features (what the camera sees, the time of day) and, for every category
(the bandit's arms), per-arm features (does this shopper like it, was it already shown). The
vector for arm `c` is ``base + arm[c]``, length `DIM`. Nothing here is a name, an image or an
embedding: a context is safe to log.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kiosk.core.vocabulary import Valence

VALENCES = tuple(Valence)
VALENCE_SCORE = {Valence.POSITIVE: 1.0, Valence.NEUTRAL: 0.0, Valence.NEGATIVE: -1.0}
BASE_FEATURES = (
    "bias",
    "valence_positive",
    "valence_neutral",
    "valence_negative",
    "valence_change",
    "mask",
    "known",
    "hour_sin",
    "hour_cos",
)
ARM_FEATURES = ("declared_pref", "learned_pref", "already_shown")
FEATURES = BASE_FEATURES + ARM_FEATURES
DIM = len(FEATURES)


def valence_change(previous: Valence | None, current: Valence | None) -> float:
    """Change of valence score (positive 1, neutral 0, negative -1), halved into [-1, 1]."""
    if previous is None or current is None:
        return 0.0
    return (VALENCE_SCORE[current] - VALENCE_SCORE[previous]) / 2.0


@dataclass(frozen=True, slots=True)
class Context:
    """The features of one decision.

    Attributes:
        base: shared features, in `BASE_FEATURES` order.
        arms: per category, its features in `ARM_FEATURES` order.
        shown_skus: products already shown in this visit (not eligible again until all were).
    """

    base: tuple[float, ...]
    arms: Mapping[str, tuple[float, ...]]
    shown_skus: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.base) != len(BASE_FEATURES):
            raise ValueError(
                f"Context.base needs {len(BASE_FEATURES)} values, got {len(self.base)}"
            )
        for name, values in self.arms.items():
            if len(values) != len(ARM_FEATURES):
                raise ValueError(f"arm {name} needs {len(ARM_FEATURES)} values, got {len(values)}")

    def feature(self, name: str) -> float:
        """One shared feature by name."""
        return self.base[BASE_FEATURES.index(name)]

    def arm_feature(self, category: str, name: str) -> float:
        """One per-arm feature of `category` (0 for a category the context does not know)."""
        values = self.arms.get(category)
        return 0.0 if values is None else values[ARM_FEATURES.index(name)]

    @property
    def valence(self) -> str | None:
        """The valence the one-hot encodes, or None."""
        for name in VALENCES:
            if self.feature(f"valence_{name}") > 0.5:
                return name
        return None

    def vector(self, category: str) -> npt.NDArray[np.float64]:
        """float64 (DIM,) features of arm `category`."""
        arm = self.arms.get(category, (0.0,) * len(ARM_FEATURES))
        return np.array((*self.base, *arm), dtype=np.float64)

    def to_json(
        self, slate_id: str = "", slot_propensity: Mapping[str, float] | None = None
    ) -> str:
        """The context as JSON (what the impressions table keeps), tagged with its slate and
        the slot propensity of each product shown in it (see `logged_slot_propensity`)."""
        return json.dumps(
            {
                "slate": slate_id,
                "slot_propensity": dict(slot_propensity or {}),
                "features": dict(zip(BASE_FEATURES, self.base, strict=True)),
                "arms": {c: dict(zip(ARM_FEATURES, v, strict=True)) for c, v in self.arms.items()},
                "shown": sorted(self.shown_skus),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Context:
        """Inverse of `to_json` (ignores extra keys such as a slate id).

        Raises:
            ValueError: not a logged context.
        """
        try:
            data = json.loads(text)
            base = tuple(float(data["features"][n]) for n in BASE_FEATURES)
            arms = {
                str(c): tuple(float(v[n]) for n in ARM_FEATURES) for c, v in data["arms"].items()
            }
            return cls(base, arms, frozenset(data.get("shown", ())))
        except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a logged context: {exc}") from exc


def logged_slot_propensity(text: str, sku: str) -> float | None:
    """The slot propensity of `sku` logged in a context's JSON (None if not logged)."""
    try:
        value = json.loads(text)["slot_propensity"][sku]
        probability = float(value)
    except (KeyError, TypeError, ValueError, json.JSONDecodeError):
        return None
    return probability if 0.0 < probability <= 1.0 else None


@dataclass(frozen=True, slots=True)
class Shopper:
    """What the kiosk knows about the shopper in front of it when it chooses.

    Attributes:
        known: an enrolled person (False for an unknown visitor).
        valence: "positive", "neutral", "negative", or None before the first reading.
        valence_change: recent change from `valence_change()`, in [-1, 1].
        masked: wears a mask.
        hour: local time of day in hours [0, 24).
        declared: categories the person said they like (empty when unknown).
        learned: learned affinity per category in [0, 1] (empty when unknown).
        shown_skus: products already shown in this visit.
        shown_categories: categories already shown in this visit.
    """

    known: bool
    valence: Valence | None
    valence_change: float
    masked: bool
    hour: float
    declared: frozenset[str] = frozenset()
    learned: Mapping[str, float] = field(default_factory=dict)
    shown_skus: frozenset[str] = frozenset()
    shown_categories: frozenset[str] = frozenset()


def build_context(shopper: Shopper, categories: Iterable[str]) -> Context:
    """The features of `shopper` for arms `categories`."""
    angle = 2.0 * math.pi * (shopper.hour % 24.0) / 24.0
    onehot = tuple(1.0 if shopper.valence == v else 0.0 for v in VALENCES)
    base = (
        1.0,
        *onehot,
        max(-1.0, min(1.0, shopper.valence_change)),
        1.0 if shopper.masked else 0.0,
        1.0 if shopper.known else 0.0,
        math.sin(angle),
        math.cos(angle),
    )
    arms = {
        c: (
            1.0 if shopper.known and c in shopper.declared else 0.0,
            float(shopper.learned.get(c, 0.0)) if shopper.known else 0.0,
            1.0 if c in shopper.shown_categories else 0.0,
        )
        for c in categories
    }
    return Context(base, arms, shopper.shown_skus)


@dataclass(slots=True)
class PersonalState:
    """A known person's own history: per category, impressions and summed reward.

    Mutable; owned by one service or simulator. Unknown visitors never get one.
    """

    shown: dict[str, int] = field(default_factory=dict)
    reward: dict[str, float] = field(default_factory=dict)
    last_liked: dict[str, str] = field(default_factory=dict)
    prior: float = 2.0

    def update(self, category: str, sku: str, reward: float) -> None:
        """Count one impression of `sku` in `category` with its reward."""
        self.shown[category] = self.shown.get(category, 0) + 1
        self.reward[category] = self.reward.get(category, 0.0) + reward
        if reward >= 0.5:
            self.last_liked[category] = sku

    def affinity(self) -> dict[str, float]:
        """Smoothed reward rate per category, ``reward / (shown + prior)``, in [0, 1]."""
        return {
            c: min(1.0, self.reward.get(c, 0.0) / (n + self.prior)) for c, n in self.shown.items()
        }

    def to_bytes(self) -> bytes:
        """Serialised state (JSON: category slugs, counts and SKUs only)."""
        data = {"shown": self.shown, "reward": self.reward, "last_liked": self.last_liked}
        return json.dumps(data, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, blob: bytes) -> PersonalState:
        """Inverse of `to_bytes`; an unreadable blob gives an empty state."""
        try:
            data = json.loads(blob)
            return cls(
                {str(k): int(v) for k, v in data["shown"].items()},
                {str(k): float(v) for k, v in data["reward"].items()},
                {str(k): str(v) for k, v in data["last_liked"].items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls()
