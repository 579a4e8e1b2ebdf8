"""Disjoint LinUCB (Li, Chu, Langford, Schapire 2010): one ridge regression per arm.

Per arm a: ``A = ridge * I + sum x x^T``, ``b = sum r x``, ``theta = A^-1 b``, and the score of a
context vector x is ``theta . x + alpha * sqrt(x^T A^-1 x)``. The inverse is kept up to date by
the Sherman-Morrison formula (O(d^2) per update) and recomputed from A with `numpy.linalg.solve`
every `REFRESH` updates, so rounding errors cannot accumulate; A itself is the saved state.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.recommend.context import DIM, FEATURES

Vector = npt.NDArray[np.float64]
REFRESH = 64


@dataclass(slots=True)
class _Arm:
    a: Vector  # (d, d)
    a_inv: Vector  # (d, d)
    b: Vector  # (d,)
    n: int = 0
    theta: Vector | None = None  # cache of a_inv @ b, cleared by an update


class LinUCB:
    """The learner behind `LinUCBPolicy`: arms created on first use, keyed by name."""

    def __init__(
        self,
        alpha: float = 0.5,
        ridge: float = 1.0,
        dim: int = DIM,
        features: tuple[str, ...] = FEATURES,
    ) -> None:
        """Args:
        alpha: exploration strength (0: greedy ridge regression).
        ridge: the prior precision; A starts as ``ridge * I``.
        dim: length of a context vector.
        features: names of the context features (saved, checked on load).
        """
        if alpha < 0 or ridge <= 0:
            raise ValueError(f"need alpha >= 0 and ridge > 0, got alpha={alpha}, ridge={ridge}")
        self.alpha = alpha
        self.ridge = ridge
        self.dim = dim
        self.features = features
        self.arms: dict[str, _Arm] = {}

    def _arm(self, name: str) -> _Arm:
        arm = self.arms.get(name)
        if arm is None:
            eye = np.eye(self.dim)
            arm = _Arm(self.ridge * eye, eye / self.ridge, np.zeros(self.dim))
            self.arms[name] = arm
        return arm

    def _check(self, x: Vector) -> Vector:
        x = np.asarray(x, dtype=np.float64)
        if x.shape != (self.dim,) or not math.isfinite(float(x.sum())):
            raise ValueError(f"context vector must be finite ({self.dim},), got {x.shape}")
        return x

    def theta(self, name: str) -> Vector:
        """Ridge estimate ``A^-1 b`` of arm `name`, (d,)."""
        arm = self._arm(name)
        if arm.theta is None:
            arm.theta = np.asarray(arm.a_inv @ arm.b)
        return arm.theta

    def ucb(self, name: str, x: Vector) -> float:
        """Upper confidence bound of arm `name` for context vector `x` (d,)."""
        return self.ucb_many((name,), [x])[0]

    def ucb_many(self, names: Sequence[str], xs: Sequence[Vector]) -> tuple[float, ...]:
        """Upper confidence bounds of several arms, each with its own context vector."""
        scores = []
        for name, raw in zip(names, xs, strict=True):
            x = self._check(raw)
            width = float(x @ self._arm(name).a_inv @ x)
            scores.append(float(self.theta(name) @ x) + self.alpha * math.sqrt(max(width, 0.0)))
        return tuple(scores)

    def update(self, name: str, x: Vector, reward: float, weight: float = 1.0) -> None:
        """Add one observation (x, reward) to arm `name`.

        `weight` is the examination of the slot the item was shown in (position.py): the
        reward is regressed on ``z = weight * x`` (``A += z z^T``, ``b += reward * z``), so
        theta predicts the reward in a fully examined slot. 1 is the plain LinUCB update; the
        statistics stay sums either way.
        """
        x = self._check(x)
        if not np.isfinite(reward):
            raise ValueError(f"reward must be finite, got {reward}")
        if not (math.isfinite(weight) and weight > 0):
            raise ValueError(f"weight must be finite and > 0, got {weight}")
        arm = self._arm(name)
        x = weight * x
        arm.a += np.outer(x, x)
        arm.b += reward * x
        arm.n += 1
        arm.theta = None
        if arm.n % REFRESH == 0:
            arm.a_inv = np.asarray(np.linalg.solve(arm.a, np.eye(self.dim)), dtype=np.float64)
        else:
            ax = arm.a_inv @ x
            arm.a_inv -= np.outer(ax, ax) / (1.0 + float(x @ ax))
        arm.a_inv = (arm.a_inv + arm.a_inv.T) / 2.0

    def observations(self, name: str) -> int:
        """How many updates arm `name` has had."""
        arm = self.arms.get(name)
        return 0 if arm is None else arm.n

    def to_bytes(self) -> bytes:
        """Serialised state (JSON: feature names, A, b and counts per arm)."""
        data = {
            "alpha": self.alpha,
            "ridge": self.ridge,
            "features": list(self.features),
            "arms": {
                k: {"A": v.a.tolist(), "b": v.b.tolist(), "n": v.n} for k, v in self.arms.items()
            },
        }
        return json.dumps(data).encode()

    @classmethod
    def from_bytes(cls, blob: bytes, alpha: float | None = None) -> LinUCB:
        """Inverse of `to_bytes`; `alpha` overrides the saved one.

        Raises:
            ValueError: not a LinUCB state (compare `features` with the context's yourself).
        """
        try:
            data = json.loads(blob)
            features = tuple(str(f) for f in data["features"])
            model = cls(
                alpha if alpha is not None else float(data["alpha"]),
                float(data["ridge"]),
                len(features),
                features,
            )
            for name, arm in data["arms"].items():
                a = np.array(arm["A"], dtype=np.float64)
                b = np.array(arm["b"], dtype=np.float64)
                inverse = np.asarray(np.linalg.solve(a, np.eye(len(b))), dtype=np.float64)
                model.arms[str(name)] = _Arm(a, inverse, b, int(arm["n"]))
        except (
            KeyError,
            TypeError,
            ValueError,
            json.JSONDecodeError,
            np.linalg.LinAlgError,
        ) as exc:
            raise ValueError(f"not a LinUCB state: {exc}") from exc
        return model
