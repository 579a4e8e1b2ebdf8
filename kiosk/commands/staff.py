"""`kiosk staff set-pin`: the only way to set or change the staff PIN (from a terminal)."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.services.staff_access import StaffAccess
from kiosk.store.people import open_people
from kiosk.store.staff_pin import PinFile


def staff_access(config: KioskConfig) -> StaffAccess:
    """The PIN check of this installation (the same file in demo mode)."""
    return StaffAccess(PinFile(config.paths.pin_path), config.staff)


def set_pin(config: KioskConfig, pin: str, staff: str) -> Path:
    """Store the hash of `pin` and audit who set it; the PIN file written.

    Raises:
        InputError: the PIN breaks the policy (nothing changed).
        ConfigError: the PIN file cannot be written.
    """
    access = staff_access(config)
    changed = access.is_set()
    access.set_pin(pin)
    with open_people(config.paths, None) as people:
        people.audit(staff, "staff-pin", "changed" if changed else "set")
    return access.pin_file.path
