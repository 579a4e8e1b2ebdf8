"""The Open Bandit Dataset's small sample, read from the sdist of PyPI `obp==0.5.7`.

The Open Bandit Dataset (Saito et al., 2021; ZOZO, Inc.; CC BY 4.0) logs fashion recommendations
on ZOZOTOWN: three slots per slate, one row per impression (item, slot, click, the logging
policy's probability of that item in that slot, hashed user features, user-item affinities).
Two logging policies ran side by side: uniform random and Bernoulli Thompson sampling (BTS).
The sample (10,000 impressions per policy and campaign) ships in obp's sdist, next to the
production BTS parameters (`obp/policy/conf/prior_bts.yaml`).

obp itself requires Python < 3.11, so it is never installed: `pip download --no-deps` fetches
the sdist into a cache folder, its sha256 is checked against `SDIST_SHA256`, and the CSV and
YAML files are read straight out of the archive (nothing is extracted, nothing executed).
"""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kiosk.core.vocabulary import ObdCampaign, ObdPolicy
from kiosk.errors import InputError

VERSION = "0.5.7"
SDIST = f"obp-{VERSION}.tar.gz"
SDIST_SHA256 = "3060d67fedfcfadf1e7a6f2608987f74412b5eb74d2c567edeb147595c68f2a0"
PRIOR_MEMBER = f"obp-{VERSION}/obp/policy/conf/prior_bts.yaml"
SLOTS = 3
USER_FEATURES = 4
ATTRIBUTION = (
    "Open Bandit Dataset (small sample), ZOZO, Inc., CC BY 4.0; Saito, Aihara, Matsutani, "
    "Narita: Open Bandit Dataset and Pipeline, NeurIPS Datasets and Benchmarks 2021; "
    f"read from the sdist of obp=={VERSION} on PyPI"
)


class ObdUnavailableError(InputError):
    """The obp sdist is not in the cache folder and pip could not download it."""


@dataclass(frozen=True, slots=True)
class ObdLog:
    """One logging policy's impressions in one campaign, in time order.

    Attributes:
        policy: the logging policy ("random" or "bts").
        campaign: "all", "men" or "women".
        n_items: items the campaign recommends (ids 0..n_items-1).
        item: int64 (n,) item shown.
        slot: int64 (n,) slot it was shown in, 0-based (the CSV's position minus 1).
        click: float64 (n,) 1.0 for a click, else 0.0.
        propensity: float64 (n,) the logging policy's probability of this item in this slot.
        user: int64 (n, 4) user features as category codes (0..levels-1 per column).
        affinity: float64 (n, n_items) user-item affinity of every item.
    """

    policy: ObdPolicy
    campaign: ObdCampaign
    n_items: int
    item: npt.NDArray[np.int64]
    slot: npt.NDArray[np.int64]
    click: npt.NDArray[np.float64]
    propensity: npt.NDArray[np.float64]
    user: npt.NDArray[np.int64]
    affinity: npt.NDArray[np.float64]

    @property
    def size(self) -> int:
        """Impressions in the log."""
        return int(self.item.shape[0])

    @property
    def clicks(self) -> int:
        """Clicks in the log."""
        return int(self.click.sum())


@dataclass(frozen=True, slots=True)
class BtsPrior:
    """The production BTS parameters of one campaign: Beta(alpha_i, beta_i) per item i."""

    campaign: ObdCampaign
    alpha: npt.NDArray[np.float64]
    beta: npt.NDArray[np.float64]


def ensure_sdist(folder: Path) -> Path:
    """The checked obp sdist in `folder`, downloaded with pip when it is not there yet.

    Raises:
        ObdUnavailableError: pip could not download it (no network, no PyPI).
        InputError: the file there (or the download) has another sha256.
    """
    path = folder / SDIST
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        command += ["--ignore-requires-python", "--disable-pip-version-check", "--quiet"]
        command += ["--dest", str(folder), f"obp=={VERSION}"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not path.is_file():
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise ObdUnavailableError(
                f"expected pip to download obp=={VERSION} (the Open Bandit Dataset sample) "
                f"into {folder}; pip exited {done.returncode}: {tail}"
            )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        raise InputError(f"{path}: expected sha256 {SDIST_SHA256}, got {digest}")
    return path


def load_log(sdist: Path, policy: ObdPolicy, campaign: ObdCampaign) -> ObdLog:
    """One log of the sample, read from the sdist.

    Raises:
        InputError: the archive lacks the file or a row is malformed.
    """
    member = f"obp-{VERSION}/obp/dataset/obd/{policy}/{campaign}/{campaign}.csv"
    rows = list(csv.DictReader(io.StringIO(_read_member(sdist, member))))
    if not rows:
        raise InputError(f"{member}: expected impressions, got an empty table")
    try:
        item = np.array([int(r["item_id"]) for r in rows], dtype=np.int64)
        slot = np.array([int(r["position"]) - 1 for r in rows], dtype=np.int64)
        click = np.array([float(r["click"]) for r in rows], dtype=np.float64)
        propensity = np.array([float(r["propensity_score"]) for r in rows], dtype=np.float64)
        columns = [f"user_feature_{j}" for j in range(USER_FEATURES)]
        user = np.stack([_codes([r[c] for r in rows]) for c in columns], axis=1)
        names = sorted(
            (k for k in rows[0] if k.startswith("user-item_affinity_")),
            key=lambda k: int(k.rsplit("_", 1)[1]),
        )
        affinity = np.array([[float(r[k]) for k in names] for r in rows], dtype=np.float64)
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(f"{member}: expected Open Bandit Dataset rows, got {exc!r}") from exc
    n_items = len(names)
    _check(member, item=item, slot=slot, click=click, propensity=propensity, n_items=n_items)
    return ObdLog(policy, campaign, n_items, item, slot, click, propensity, user, affinity)


def load_prior(sdist: Path, campaign: ObdCampaign) -> BtsPrior:
    """The production BTS Beta parameters of `campaign` from `prior_bts.yaml`.

    The file is a two-level mapping of lists (campaign -> alpha|beta -> floats); it is parsed
    here line by line rather than with a YAML library the kiosk does not otherwise need.

    Raises:
        InputError: the file is not in that shape.
    """
    values: dict[str, dict[str, list[float]]] = {}
    section: dict[str, list[float]] | None = None
    current: list[float] | None = None
    try:
        for line in _read_member(sdist, PRIOR_MEMBER).splitlines():
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if not line.startswith(" "):
                section = values.setdefault(text.rstrip(":"), {})
            elif text.endswith(":") and section is not None:
                current = section.setdefault(text[:-1], [])
            elif text.startswith("- ") and current is not None:
                current.append(float(text[2:]))
            else:
                raise ValueError(f"unexpected line {line!r}")
        alpha = np.array(values[str(campaign)]["alpha"], dtype=np.float64)
        beta = np.array(values[str(campaign)]["beta"], dtype=np.float64)
    except (KeyError, ValueError) as exc:
        raise InputError(f"{PRIOR_MEMBER}: expected alpha and beta lists, got {exc}") from exc
    if alpha.shape != beta.shape or not (np.all(alpha > 0) and np.all(beta > 0)):
        raise InputError(f"{PRIOR_MEMBER}: expected positive alpha and beta of one length")
    return BtsPrior(campaign, alpha, beta)


def _read_member(sdist: Path, member: str) -> str:
    try:
        with tarfile.open(sdist, "r:gz") as archive:
            handle = archive.extractfile(member)
            if handle is None:
                raise KeyError(member)
            return handle.read().decode("utf-8")
    except (KeyError, tarfile.TarError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{sdist}: expected {member} in the archive, got {exc!r}") from exc


def _codes(values: list[str]) -> npt.NDArray[np.int64]:
    """Category codes of hashed feature values, in sorted order of the values."""
    levels = {v: j for j, v in enumerate(sorted(set(values)))}
    return np.array([levels[v] for v in values], dtype=np.int64)


def _check(
    member: str,
    *,
    item: npt.NDArray[np.int64],
    slot: npt.NDArray[np.int64],
    click: npt.NDArray[np.float64],
    propensity: npt.NDArray[np.float64],
    n_items: int,
) -> None:
    problems = []
    if item.min() < 0 or item.max() >= n_items:
        problems.append(f"item ids in [0, {n_items})")
    if slot.min() < 0 or slot.max() >= SLOTS:
        problems.append(f"positions 1..{SLOTS}")
    if not np.all((click == 0.0) | (click == 1.0)):
        problems.append("clicks 0 or 1")
    if not np.all((propensity > 0.0) & (propensity <= 1.0)):
        problems.append("propensities in (0, 1]")
    if problems:
        raise InputError(f"{member}: expected {', '.join(problems)}")
