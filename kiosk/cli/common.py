"""What every command group shares: handler type, stderr console, progress bars, options."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kiosk.config import KioskConfig

Handler = Callable[[argparse.Namespace, KioskConfig, Console], int]
if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction

err = Console(stderr=True, highlight=False)


def progress() -> Progress:
    """A progress bar on stderr that disappears when done (stdout stays machine-readable)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def add_json(parser: argparse.ArgumentParser) -> None:
    """The `--json` flag: one JSON object on stdout instead of text."""
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def with_threads(config: KioskConfig, threads: int | None) -> KioskConfig:
    """The config with `vision.threads` replaced when `threads` is given."""
    if threads is None:
        return config
    return dataclasses.replace(config, vision=dataclasses.replace(config.vision, threads=threads))
