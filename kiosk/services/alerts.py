"""Staff alerts: a shopper tapped "I'm interested" or asked for help (no Qt).

The list lives in memory only, newest first, and is shown in staff mode (behind the PIN). A
shopper's name is on an alert only when the kiosk recognised them and the liveness check had
passed (`FaceResult.personal`); it is never logged or written anywhere.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

MAX_ALERTS = 50


class AlertKind(StrEnum):
    """What the shopper asked for."""

    INTERESTED = "interested"  # tapped "I'm interested" on a product
    HELP = "help"  # tapped "Need help? Tap to call staff"


@dataclass(frozen=True, slots=True)
class StaffAlert:
    """One request for staff.

    Attributes:
        at: local time of the tap.
        kind: interested in a product, or asking for help.
        sku, product: the product (both "" for a help request).
        shopper: the shopper's name when recognised and live, else "".
    """

    at: datetime
    kind: AlertKind
    sku: str = ""
    product: str = ""
    shopper: str = ""


@dataclass(slots=True)
class AlertBoard:
    """The most recent alerts (at most `MAX_ALERTS`), and how many staff have not seen yet."""

    clock: Callable[[], datetime] = field(default=datetime.now)
    _alerts: deque[StaffAlert] = field(default_factory=lambda: deque(maxlen=MAX_ALERTS))
    unseen: int = 0

    def add(
        self, kind: AlertKind, sku: str = "", product: str = "", shopper: str = ""
    ) -> StaffAlert:
        """Record a new alert (time from `clock`) and return it."""
        alert = StaffAlert(self.clock(), kind, sku, product, shopper)
        self._alerts.appendleft(alert)
        self.unseen = min(self.unseen + 1, MAX_ALERTS)
        return alert

    def recent(self) -> tuple[StaffAlert, ...]:
        """Newest first."""
        return tuple(self._alerts)

    def mark_seen(self) -> None:
        """Staff looked at the list."""
        self.unseen = 0

    def clear(self) -> None:
        """Staff dealt with every alert."""
        self._alerts.clear()
        self.unseen = 0
