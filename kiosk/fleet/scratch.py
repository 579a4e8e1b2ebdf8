"""A throw-away PostgreSQL cluster for the chain's tests and `kiosk bench fleet`.

Debian's server binaries (`/usr/lib/postgresql/<version>/bin`, installed by
packaging/system-deps.sh). `initdb` refuses to run as root, so as root the cluster is made and
run by the `postgres` user in a temporary directory it owns; it listens only on a Unix socket
there (no TCP), on a free port number, with the admin role `kiosk` and trust authentication.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

SERVER_GLOB = "/usr/lib/postgresql/*/bin"


def server_bin() -> Path | None:
    """The newest installed server's bin directory (Debian layout), or None."""
    found = sorted(Path("/").glob(SERVER_GLOB.lstrip("/")), key=lambda p: int(p.parent.name))
    return found[-1] if found and (found[-1] / "initdb").exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: socket directory, port, admin role `kiosk` (trust auth)."""

    bindir: Path
    base: Path
    port: int

    @property
    def data(self) -> Path:
        return self.base / "data"

    def _as_owner(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)

    def initdb(self) -> None:
        subprocess.run(
            self._as_owner(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "kiosk",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-k {self.base} -p {self.port} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            self._as_owner(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.base / "log"),
                "-w",
                "start",
            ),
            check=True,
            capture_output=True,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            self._as_owner(
                str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"
            ),
            check=False,
            capture_output=True,
        )

    def dsn(self, dbname: str = "postgres", user: str = "kiosk") -> str:
        return f"host={self.base} port={self.port} dbname={dbname} user={user}"

    def new_database(self) -> str:
        name = f"chain_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)


def start_cluster() -> Cluster | None:
    """Make and start a cluster, or None when no server is installed."""
    bindir = server_bin()
    if bindir is None:
        return None
    base = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    base.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    cluster = Cluster(bindir, base, _free_port())
    cluster.initdb()
    cluster.start()
    return cluster


def remove_cluster(cluster: Cluster) -> None:
    """Stop it and delete its files."""
    cluster.stop("immediate")
    shutil.rmtree(cluster.base, ignore_errors=True)
