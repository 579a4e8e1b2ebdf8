"""A kiosk syncing in its own process, printing each batch (the SIGKILL test kills it)."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.config import PathsConfig
from kiosk.fleet.sync import ChainSync


def main() -> None:
    data_dir, dsn, model = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    sync = ChainSync(PathsConfig(data_dir=data_dir), dsn, model, batch=10)

    def report(stage: str, count: int) -> None:
        print(f"{stage} {count}", flush=True)

    sync.run_once(report)
    sync.close()


if __name__ == "__main__":
    main()
