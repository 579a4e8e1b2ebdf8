"""What HQ sees and does in the chain: status, chain-wide analytics, forget, the catalog.

Status works with any role of the chain (a kiosk's too). Analytics read every kiosk's events,
which row-level security shows only to HQ's admin role; the catalog and HQ's forget need it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.core.catalog_rows import validate_rows
from kiosk.errors import ChainError, InputError
from kiosk.fleet import central
from kiosk.store.catalog import read_raw_rows


@dataclass(frozen=True, slots=True)
class KioskInfo:
    """One kiosk of the chain as HQ sees it."""

    name: str
    store: str
    joined_at: str
    last_sync_at: str | None
    pending: int
    people: int


@dataclass(frozen=True, slots=True)
class ChainStatus:
    """The chain at a glance (counts only: names are sealed)."""

    chain_id: str
    kiosks: tuple[KioskInfo, ...]
    people: int
    templates: int
    tombstones: int
    products: int


@dataclass(frozen=True, slots=True)
class KioskActivity:
    """One kiosk's visits and suggestions over the report's period."""

    kiosk: str
    visits_known: int
    visits_unknown: int
    impressions: int
    explicit_rewards: int

    @property
    def tap_rate(self) -> float:
        """Explicit rewards (taps, scans, purchases) per impression."""
        return self.explicit_rewards / self.impressions if self.impressions else 0.0


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Chain-wide analytics since `since` (UTC)."""

    since: str
    kiosks: tuple[KioskActivity, ...]


def chain_status(dsn: str, timeout_s: int = 5) -> ChainStatus:
    """Kiosks, their last sync and pending rows, and the chain's counts."""
    with central.connect(dsn, timeout_s) as conn:
        chain = central.read_chain(conn)
        if chain is None:
            raise ChainError("there is no chain at that DSN (run `kiosk fleet init`)")
        with central.translated(), conn.transaction():
            rows = conn.execute(
                "SELECT name, store, joined_at, last_sync_at, pending, people FROM fleet.kiosks "
                "ORDER BY name"
            ).fetchall()
            counts = conn.execute(
                "SELECT (SELECT count(*) FROM fleet.people), (SELECT count(*) FROM "
                "fleet.templates), (SELECT count(*) FROM fleet.tombstones), "
                "(SELECT count(*) FROM fleet.products)"
            ).fetchone()
    if counts is None:
        raise ChainError("the chain's counts could not be read")
    kiosks = tuple(
        KioskInfo(r[0], r[1], _iso(r[2]) or "", _iso(r[3]), int(r[4]), int(r[5])) for r in rows
    )
    return ChainStatus(chain.chain_id, kiosks, *(int(c) for c in counts))


def _iso(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return None if value is None else str(value)


def chain_report(admin_dsn: str, days: int, timeout_s: int = 5) -> ChainReport:
    """Visits, impressions and explicit rewards per kiosk over the last `days` days."""
    since = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    with central.connect(admin_dsn, timeout_s) as conn, central.translated():
        rows = conn.execute(
            "SELECT k.name, "
            "(SELECT count(*) FROM fleet.visits v WHERE v.kiosk_id = k.kiosk_id "
            " AND v.person_uid IS NOT NULL AND v.started_at >= %(s)s), "
            "(SELECT count(*) FROM fleet.visits v WHERE v.kiosk_id = k.kiosk_id "
            " AND v.person_uid IS NULL AND v.started_at >= %(s)s), "
            "(SELECT count(*) FROM fleet.impressions i WHERE i.kiosk_id = k.kiosk_id "
            " AND i.at >= %(s)s), "
            "(SELECT count(*) FROM fleet.rewards r WHERE r.kiosk_id = k.kiosk_id "
            " AND r.kind IN ('tap', 'scan', 'purchase') AND r.at >= %(s)s) "
            "FROM fleet.kiosks k ORDER BY k.name",
            {"s": since},
        ).fetchall()
    return ChainReport(since, tuple(KioskActivity(r[0], *(int(v) for v in r[1:])) for r in rows))


def forget_everywhere(admin_dsn: str, uid: str, timeout_s: int = 5) -> None:
    """HQ's forget: tombstone and delete a person centrally; every kiosk follows at its sync."""
    if len(uid) != 32 or any(c not in "0123456789abcdef" for c in uid):
        raise InputError(f"a person's uid is 32 lowercase hex digits, got {uid!r}")
    with central.connect(admin_dsn, timeout_s) as conn, central.translated(), conn.transaction():
        conn.execute("SELECT fleet.forget(%s)", [uid])


def publish_catalog(
    admin_dsn: str, path: Path, stores: tuple[str, ...] | None, timeout_s: int = 5
) -> int:
    """Publish a catalog file (the import format) to every kiosk, or only to `stores`.

    Raises:
        InputError: the file has invalid rows (nothing published) or a missing image.
    """
    validation = validate_rows(read_raw_rows(path))
    if validation.errors:
        first = validation.errors[0]
        raise InputError(
            f"{path}: {len(validation.errors)} invalid rows, nothing published (first: line "
            f"{first.line}, {first.column}: {first.message})"
        )
    rows = []
    for r in validation.rows:
        image = b""
        if r.image:
            try:
                image = (path.parent / r.image).read_bytes()
            except OSError as exc:
                raise InputError(f"{path}: image {r.image} cannot be read: {exc}") from exc
        rows.append(
            (
                r.sku,
                r.name,
                r.description,
                r.category,
                r.category_display,
                r.price_cents,
                ";".join(r.tags),
                image,
                Path(r.image).name,
                r.active,
                list(stores) if stores else None,
            )
        )
    with central.connect(admin_dsn, timeout_s) as conn, central.translated(), conn.transaction():
        central.begin_push(conn)
        central.executemany(conn, _PRODUCT, rows)
    return len(rows)


_PRODUCT = (
    "INSERT INTO fleet.products (sku, seq, name, description, category, category_display, "
    "price_cents, tags, image, image_name, active, stores) "
    "VALUES (%s, 0, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (sku) DO UPDATE SET "
    "name = EXCLUDED.name, description = EXCLUDED.description, category = EXCLUDED.category, "
    "category_display = EXCLUDED.category_display, price_cents = EXCLUDED.price_cents, "
    "tags = EXCLUDED.tags, image = EXCLUDED.image, image_name = EXCLUDED.image_name, "
    "active = EXCLUDED.active, stores = EXCLUDED.stores"
)
