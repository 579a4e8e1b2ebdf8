"""MediaPipe Tasks parity runs alone (its own venv); MediaPipe's native logger: errors only."""

from __future__ import annotations

import os

os.environ.setdefault("GLOG_minloglevel", "2")
