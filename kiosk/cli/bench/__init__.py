"""`kiosk bench <verb>`: benchmarks that print numbers and assert nothing (one module a verb)."""

from __future__ import annotations

from kiosk.cli.bench import fleet, gallery, gui, liveness, pipeline, soak
from kiosk.cli.common import Subparsers

VERBS = (pipeline, gallery, soak, gui, fleet, liveness)


def register(nouns: Subparsers) -> None:
    """Add `kiosk bench` and its verbs."""
    cmd = nouns.add_parser(
        "bench", help="measure speed", description="Benchmarks print numbers; they assert nothing."
    )
    verbs = cmd.add_subparsers(title="benchmarks", metavar="VERB", required=True)
    for verb in VERBS:
        verb.register(verbs)
