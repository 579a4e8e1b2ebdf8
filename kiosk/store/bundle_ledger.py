"""What this kiosk remembers about bundles: its export counter, and who must stay forgotten.

``<data dir>/bundle_ledger.json`` (0600, replaced atomically) holds

- ``counter``: the last export's counter; every export takes the next one, so a receiver can
  refuse a bundle older than one it already has (rollback);
- ``exported``: the stable ids (people.uid) of everyone ever exported;
- ``forgotten``: tombstones, ids that must never come back: exported people no longer here
  (forgotten, or gone from this kiosk), plus the tombstones of every bundle imported here;
- ``seen``: per signer fingerprint, the highest counter imported here.

The file lives beside the database, not in it, so restoring an old database copy never lowers the
counter or drops a tombstone. It holds opaque random ids only: no names, no biometric data.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from kiosk.errors import StoreError

LEDGER_NAME = "bundle_ledger.json"


@dataclass(frozen=True, slots=True)
class Ledger:
    """The ledger's content (see the module docstring)."""

    counter: int = 0
    exported: frozenset[str] = frozenset()
    forgotten: frozenset[str] = frozenset()
    seen: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def to_json(self) -> bytes:
        """The file's bytes."""
        body = {
            "counter": self.counter,
            "exported": sorted(self.exported),
            "forgotten": sorted(self.forgotten),
            "seen": dict(sorted(self.seen.items())),
        }
        return json.dumps(body, indent=2).encode("utf-8")


def ledger_path(data_dir: Path) -> Path:
    """Where the ledger lives."""
    return data_dir / LEDGER_NAME


def load_ledger(data_dir: Path) -> Ledger:
    """The ledger, or an empty one when there is none yet.

    Raises:
        StoreError: the file exists but is unreadable or malformed.
    """
    path = ledger_path(data_dir)
    try:
        body = json.loads(path.read_bytes())
    except FileNotFoundError:
        return Ledger()
    except (OSError, ValueError) as exc:
        raise StoreError(f"bundle ledger {path} cannot be read: {exc}") from exc
    try:
        return Ledger(
            counter=int(body["counter"]),
            exported=frozenset(str(u) for u in body["exported"]),
            forgotten=frozenset(str(u) for u in body["forgotten"]),
            seen=MappingProxyType({str(k): int(v) for k, v in body["seen"].items()}),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StoreError(f"bundle ledger {path} is malformed: {exc}") from exc


def save_ledger(data_dir: Path, ledger: Ledger) -> None:
    """Replace the ledger atomically (owner-only permissions).

    Raises:
        StoreError: the file cannot be written.
    """
    path = ledger_path(data_dir)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(ledger.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"bundle ledger {path} cannot be written: {exc.strerror or exc}") from exc


def take_counter(data_dir: Path) -> tuple[int, Ledger]:
    """Reserve the next export counter (saved before the bundle is written, so never reused)."""
    ledger = load_ledger(data_dir)
    taken = Ledger(ledger.counter + 1, ledger.exported, ledger.forgotten, ledger.seen)
    save_ledger(data_dir, taken)
    return taken.counter, taken


def tombstones(ledger: Ledger, present: Iterable[str]) -> frozenset[str]:
    """Ids a new export must carry as forgotten: every tombstone, and every id exported before
    that is not among `present` any more."""
    here = frozenset(present)
    return (ledger.forgotten | ledger.exported) - here


def record_export(data_dir: Path, exported: Iterable[str], forgotten: Iterable[str]) -> None:
    """Remember the ids an export carried (so their absence later becomes a tombstone)."""
    ledger = load_ledger(data_dir)
    save_ledger(
        data_dir,
        Ledger(
            ledger.counter,
            ledger.exported | frozenset(exported),
            ledger.forgotten | frozenset(forgotten),
            ledger.seen,
        ),
    )


def record_import(data_dir: Path, signer: str, counter: int, forgotten: Iterable[str]) -> None:
    """Remember an imported bundle's counter (per signer) and its tombstones."""
    ledger = load_ledger(data_dir)
    seen = dict(ledger.seen)
    seen[signer] = max(counter, seen.get(signer, 0))
    save_ledger(
        data_dir,
        Ledger(
            ledger.counter,
            ledger.exported,
            ledger.forgotten | frozenset(forgotten),
            MappingProxyType(seen),
        ),
    )
