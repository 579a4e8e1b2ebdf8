"""iFace Kiosk: an offline, CPU-only, face-aware retail kiosk."""

__version__ = "0.1.0"
