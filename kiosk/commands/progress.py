"""How a long command reports progress without knowing who shows it (a rich bar, a test, nobody)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Progress of a command with one or more phases."""

    def start(self, description: str, total: int | None) -> None:
        """A new phase of `total` steps (None: unknown) begins."""
        ...

    def advance(self, steps: int = 1) -> None:
        """`steps` more steps of the current phase are done."""
        ...

    def note(self, message: str) -> None:
        """A one-line status for the user (stderr; never on stdout)."""
        ...


class Silent:
    """Progress that goes nowhere (tests, embedding in other commands)."""

    def start(self, description: str, total: int | None) -> None:
        """Ignore."""

    def advance(self, steps: int = 1) -> None:
        """Ignore."""

    def note(self, message: str) -> None:
        """Ignore."""


SILENT = Silent()
