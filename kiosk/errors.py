"""The one error hierarchy of the kiosk. Messages say what was expected and what arrived."""

from __future__ import annotations


class KioskError(Exception):
    """Base of every error the kiosk raises on purpose; `kiosk` exits with `exit_code`."""

    exit_code = 1


class ConfigError(KioskError):
    """kiosk.toml or a KIOSK_* variable is malformed or names something that does not exist."""

    exit_code = 2


class ModelError(KioskError):
    """A model file is missing, corrupt, has the wrong sha256, or does not load."""

    exit_code = 3


class InputError(KioskError):
    """An image, video or data file given to the kiosk cannot be read as what it should be."""

    exit_code = 4


class CameraError(KioskError):
    """A frame source cannot be opened or stopped delivering frames."""

    exit_code = 5


class StoreError(KioskError):
    """The database is corrupt, locked, read-only or on a full disk; nothing was written."""

    exit_code = 6


class CryptoError(KioskError):
    """The encryption key is missing, unreadable or does not open the stored data."""

    exit_code = 7


class ModelMismatchError(ModelError):
    """Templates or a bundle were made by another embedding model than the one loaded."""


class UnknownPersonError(InputError):
    """No enrolled person has the id given."""


class ChainError(KioskError):
    """The chain (PostgreSQL) refused this kiosk, answered wrongly, or cannot be reached."""

    exit_code = 8


class ChainOfflineError(ChainError):
    """The chain's server cannot be reached (down, unreachable, or it went away mid-sync)."""
