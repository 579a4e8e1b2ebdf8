"""What every command group shares: handler type, stderr console, progress, options, output.

A CLI module parses its noun's arguments, makes ONE call into `kiosk.commands.<noun>` and
prints what comes back: text for people, one JSON object with `--json`. Work never happens here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from kiosk.config import KioskConfig
from kiosk.core.untrusted import printable

Handler = Callable[[argparse.Namespace, KioskConfig, Console], int]
if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction

err = Console(stderr=True, highlight=False)


class _RichProgress:
    """`kiosk.commands.progress.Progress` shown as a rich bar on stderr."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def start(self, description: str, total: int | None) -> None:
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, steps)

    def note(self, message: str) -> None:
        self._bar.console.print(escape(message))


@contextmanager
def progress() -> Iterator[_RichProgress]:
    """A progress bar on stderr that disappears when done (stdout stays machine-readable)."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with bar:
        yield _RichProgress(bar)


def add_json(parser: argparse.ArgumentParser) -> None:
    """The `--json` flag: one JSON object on stdout instead of text."""
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_threads(parser: argparse.ArgumentParser) -> None:
    """`--threads`, for commands that run the models."""
    parser.add_argument(
        "--threads", type=int, help="onnxruntime threads per model (default: vision.threads)"
    )


def add_enroll(parser: argparse.ArgumentParser) -> None:
    """`--enroll DIR`, for commands that recognise people."""
    parser.add_argument(
        "--enroll",
        type=Path,
        metavar="DIR",
        help="recognise the people in DIR/<name>/<photos> (in memory only; default: the "
        "people enrolled in the database, if there is one)",
    )


def add_staff(parser: argparse.ArgumentParser) -> None:
    """`--staff NAME`, for commands that write and are audited."""
    parser.add_argument(
        "--staff", required=True, metavar="NAME", help="staff member doing this (audit log)"
    )


def with_threads(config: KioskConfig, threads: int | None) -> KioskConfig:
    """The config with `vision.threads` replaced when `threads` is given."""
    if threads is None:
        return config
    return dataclasses.replace(config, vision=dataclasses.replace(config.vision, threads=threads))


def _plain(data: Any) -> Any:
    """Dataclasses (also nested in dicts, lists and tuples) as dicts, for `json.dumps`."""
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return dataclasses.asdict(data)
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(value) for value in data]
    return data


def to_json(data: Any) -> str:
    """Dataclasses, paths and datetimes as indented JSON (NaN is an error, not invalid JSON)."""
    return json.dumps(_plain(data), indent=2, default=str, allow_nan=False)


def safe(text: str) -> str:
    """Text from a person or a file, fit for a rich console: markup escaped (a name `[/red]`
    is not a closing tag) and control characters shown as escapes (no terminal tricks)."""
    return escape(printable(text))


def emit(console: Console, as_json: bool, data: Any, text: str) -> None:
    """`data` as JSON on stdout with `--json`, else `text` (rich markup allowed) for people."""
    if as_json:
        print(to_json(data))
    else:
        console.print(text)
