"""The shop's recognition rules as a bundle carries them, and the catalog as the iPad reads it.

The iPad follows the PC's rules rather than its own copies: the identity vote, the tracker, the
per-track schedule (embedding burst and re-check, emotion ~10 Hz, mask ~1 Hz, smallest face
recognised), the emotion smoothing and every liveness threshold come from the exporting kiosk's
configuration and from the same dataclasses the PC pipeline uses. A retuned threshold on the PC
therefore reaches the iPad with the next bundle, and the shared test vectors
(ios_companion/make_vectors.py) change with it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kiosk.config import PipelineConfig
from kiosk.core.emotion import EmotionSmoother
from kiosk.core.identity import VoteSettings
from kiosk.core.liveness import LivenessSettings
from kiosk.core.tracking import TrackerSettings
from kiosk.store.bundle import BundleExtras
from kiosk.store.catalog import Catalog

MAX_IMAGE_BYTES = 2 << 20
_IMAGE_SUFFIXES = {".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png"}


def bundle_rules(pipeline: PipelineConfig, max_distance: float) -> dict[str, Any]:
    """The rules object of a bundle's manifest (sections of numbers; BUNDLE_FORMAT.md)."""
    vote = VoteSettings(max_distance=max_distance, min_votes=pipeline.min_votes)
    tracking = TrackerSettings(max_gap_ms=pipeline.track_gap_ms)
    schedule = {
        "min_face_px": pipeline.min_face_px,
        "embed_burst_ms": pipeline.embed_burst_ms,
        "embed_interval_ms": pipeline.embed_interval_ms,
        "emotion_interval_ms": pipeline.emotion_interval_ms,
        "mask_interval_ms": pipeline.mask_interval_ms,
    }
    return {
        "vote": dataclasses.asdict(vote),
        "tracking": dataclasses.asdict(tracking),
        "schedule": schedule,
        "emotion": {"half_life_ms": EmotionSmoother().half_life_ms},
        "liveness": dataclasses.asdict(LivenessSettings()),
    }


def _image(path_text: str) -> tuple[str, bytes] | None:
    path = Path(path_text)
    suffix = _IMAGE_SUFFIXES.get(path.suffix.lower())
    try:
        if suffix is None or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return f"{hashlib.sha256(data).hexdigest()}{suffix}", data


def catalog_extras(
    catalog: Catalog,
    *,
    cheer_up: Iterable[str],
    treats: Iterable[str],
    currency: str = "EUR",
) -> BundleExtras:
    """catalog.json and product images for a bundle (active products, in catalog order).

    `cheer_up` and `treats` are the PC rules' categories for an unhappy and a happy shopper
    (kiosk.recommend.policies): the iPad ranks by them as the PC's rules policy does. Prices go
    out as integer minor units (`price_minor`, cents). An image that is missing, not JPEG/PNG or
    over 2 MiB is left out (the product still is exported).
    """
    cheer, treat = sorted(set(cheer_up)), sorted(set(treats))
    images: dict[str, bytes] = {}
    products = []
    for product in catalog.products(active_only=True):
        found = _image(product.image_path) if product.image_path else None
        record: dict[str, Any] = {
            "id": product.sku,
            "name": product.name,
            "category": product.category,
            "price_minor": product.price_cents,
            "tags": list(product.tags),
        }
        if found is not None:
            images[found[0]] = found[1]
            record["image"] = f"images/{found[0]}"
        products.append(record)
    body = {
        "currency": currency,
        "categories": [{"id": c.name, "name": c.display_name} for c in catalog.categories()],
        "rules": {"cheer_up": cheer, "treats": treat},
        "products": products,
    }
    data = json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")
    return BundleExtras(catalog_json=data, images=images, products=len(products))
