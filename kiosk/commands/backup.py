"""`kiosk backup create|list|restore`: verified copies of the database in <data dir>/backups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.store.backup import (
    KEEP,
    BackupInfo,
    DatabaseCheck,
    check_database,
    create_backup,
    list_backups,
    prune_backups,
)
from kiosk.store.db import open_store
from kiosk.store.restore import RestoreReport, restore_backup

__all__ = ["KEEP", "BackupMade", "ListedBackup", "backup_now", "list_all", "restore"]


@dataclass(frozen=True, slots=True)
class BackupMade:
    """A backup just taken, and how many old ones were pruned."""

    backup: BackupInfo
    pruned: int


@dataclass(frozen=True, slots=True)
class ListedBackup:
    """One backup, with its integrity check when asked for."""

    backup: BackupInfo
    check: DatabaseCheck | None


def backup_now(config: KioskConfig) -> BackupMade:
    """Back up the database (online, verified) and keep only the newest KEEP.

    Raises:
        StoreError: the database cannot be read or the copy cannot be written.
    """
    data_dir = config.paths.data_dir
    with open_store(data_dir) as store:
        made = create_backup(store, data_dir, datetime.now(UTC))
    return BackupMade(made, len(prune_backups(data_dir, KEEP)))


def list_all(config: KioskConfig, check: bool) -> tuple[ListedBackup, ...]:
    """The backups, newest last, each integrity-checked when `check`."""
    return tuple(
        ListedBackup(b, check_database(b.path) if check else None)
        for b in list_backups(config.paths.data_dir)
    )


def restore(config: KioskConfig, file: Path, staff: str) -> RestoreReport:
    """Replace the database by a verified backup (the kiosk must be stopped).

    Raises:
        StoreError: the backup is damaged, from a newer kiosk, or cannot be swapped in.
    """
    return restore_backup(config.paths.data_dir, file, staff)
