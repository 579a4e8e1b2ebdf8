"""A new kiosk's first sync and gallery build, alone in a process (for `kiosk bench fleet`).

Prints one JSON object: seconds of the sync, seconds of the gallery build, peak memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from kiosk.config import PathsConfig
from kiosk.fleet.sync import ChainSync
from kiosk.store.people import open_people


def main() -> None:
    """Arguments: DATA_DIR DSN MODEL_KEY."""
    paths = PathsConfig(data_dir=Path(sys.argv[1]))
    dsn, model = sys.argv[2], sys.argv[3]
    start = time.perf_counter()
    sync = ChainSync(paths, dsn, model, batch=2_000)
    try:
        report = sync.run_once()
    finally:
        sync.close()
    sync_s = time.perf_counter() - start
    start = time.perf_counter()
    people = open_people(paths, retention_days=None)
    try:
        gallery = people.gallery(model)
    finally:
        people.close()
    result = {
        "sync_s": sync_s,
        "gallery_s": time.perf_counter() - start,
        "people": report.people_in,
        "templates": report.templates_in,
        "gallery_templates": gallery.size,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
