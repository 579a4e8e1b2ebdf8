"""The `kiosk` command: `kiosk <noun> <verb>`, `--help` everywhere, `--json` for machines.

Exit codes (`kiosk.errors`): 0 success; 1 a check failed or an unexpected error (traceback
logged); 2 bad configuration or usage; 3 model problem; 4 bad input; 5 camera problem;
6 database problem; 7 key or encryption problem; 8 the chain refused this kiosk or cannot
be reached; 130 interrupted.

One module per noun, `kiosk/cli/<noun>.py` (a package for `bench`, one module a verb), with a
`register(subparsers)` function; each handler parses, makes one call into the same-named
`kiosk/commands/<noun>` module, and prints what it returns.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from kiosk import __version__
from kiosk.cli import (
    analyze,
    backup,
    bench,
    catalog,
    doctor,
    fleet,
    people,
    recommend,
    run,
    screenshot,
    selftest,
    staff,
)
from kiosk.cli import (
    eval as eval_noun,
)
from kiosk.cli.common import Handler, err, safe
from kiosk.config.loading import load_config
from kiosk.errors import KioskError

log = logging.getLogger(__name__)

GROUPS = (
    run,
    screenshot,
    doctor,
    analyze,
    bench,
    eval_noun,
    people,
    catalog,
    recommend,
    backup,
    staff,
    fleet,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kiosk` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.self_test and getattr(args, "handler", None) is None:
        parser.error("a command is required (or --self-test)")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    console = Console(highlight=False)
    try:
        config = load_config(args.config, os.environ)
        handler: Handler = selftest.cmd_self_test if args.self_test else args.handler
        return handler(args, config, console)
    except KioskError as exc:
        err.print(f"[bold red]error:[/] {safe(str(exc))}")  # "[display]" is not markup
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:  # the one place that catches everything: log it and fail clearly
        log.exception("unexpected error")
        err.print("[bold red]error:[/] unexpected failure (traceback above)")
        return 1


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree."""
    parser = argparse.ArgumentParser(
        prog="kiosk", description="iFace Kiosk: offline face-aware retail kiosk."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        help="kiosk.toml to use (default: $KIOSK_CONFIG or <data dir>/kiosk.toml)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging to stderr")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end (models, demo clip, suggestions, GUI "
        "offscreen) instead of running a command; exits 0 when everything passed",
    )
    nouns = parser.add_subparsers(title="commands", metavar="COMMAND")
    for group in GROUPS:
        group.register(nouns)
    return parser


if __name__ == "__main__":
    sys.exit(main())
