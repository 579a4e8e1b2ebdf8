"""A one-slot mailbox between the camera thread and the pipeline thread.

The camera overwrites the slot; the pipeline takes the newest frame. Old frames are dropped,
never queued, so a slow pipeline analyses fresh frames instead of falling behind.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class LatestSlot(Generic[T]):
    """Holds at most one item; `put` replaces it, `take` waits for a new one."""

    _item: T | None = None
    _dropped: int = 0
    _closed: bool = False
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def put(self, item: T) -> None:
        """Offer an item; an item nobody took yet is dropped."""
        with self._cond:
            if self._item is not None:
                self._dropped += 1
            self._item = item
            self._cond.notify_all()

    def take(self, timeout_s: float) -> T | None:
        """The newest item, waiting up to `timeout_s`; None on timeout or after `close`."""
        with self._cond:
            if self._item is None and not self._closed:
                self._cond.wait(timeout_s)
            item, self._item = self._item, None
            return item

    def close(self) -> None:
        """Wake every waiter; later `take`s return what is left, then None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def dropped(self) -> int:
        """How many items were overwritten before anyone took them."""
        with self._cond:
            return self._dropped
