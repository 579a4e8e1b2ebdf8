"""`kiosk bench fleet`: a chain's sync lag and throughput, and a new kiosk's bring-up."""

from __future__ import annotations

from kiosk.commands.progress import SILENT, Progress
from kiosk.errors import InputError
from kiosk.fleet.bench import FleetBenchReport, run_fleet_bench


def bench_fleet(
    dsn: str | None,
    *,
    kiosks: int,
    seconds: float,
    rate: float,
    people: int,
    per_person: int,
    progress: Progress = SILENT,
) -> FleetBenchReport:
    """Run both parts (see `kiosk.fleet.bench`); `dsn` None starts a throw-away cluster.

    Raises:
        InputError: fewer than 2 kiosks, or a non-positive duration, rate or chain size.
    """
    if kiosks < 2 or seconds <= 0 or rate <= 0 or people < 1 or per_person < 1:
        raise InputError("need --kiosks >= 2 and positive --seconds, --rate and --people")
    return run_fleet_bench(
        dsn,
        kiosks=kiosks,
        seconds=seconds,
        rate=rate,
        chain_people=people,
        per_person=per_person,
        on_step=progress.note,
    )
