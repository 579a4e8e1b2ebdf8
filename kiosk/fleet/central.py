"""The chain's PostgreSQL database, seen by a kiosk or by HQ (the only psycopg importer besides
`kiosk.fleet.admin`).

Errors become the kiosk's own: a server that cannot be reached or goes away mid-statement is a
`ChainOfflineError` (retry later, nothing is lost: the transaction rolled back), anything else
the server refuses is a `ChainError` saying what.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from kiosk.errors import ChainError, ChainOfflineError
from kiosk.fleet.keys import WrappedKey

log = logging.getLogger(__name__)

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class ChainRow:
    """The chain's identity as PostgreSQL stores it."""

    chain_id: str
    schema_version: int
    wrapped: WrappedKey
    key_check: str
    member_role: str


def connect(dsn: str, timeout_s: int, autocommit: bool = False) -> psycopg.Connection[Row]:
    """Open a connection; ChainOfflineError when the server cannot be reached.

    Raises:
        ChainOfflineError: no server answers (down, unreachable, refused).
        ChainError: the DSN is malformed or the server refused the login.
    """
    if not dsn.strip():
        raise ChainError("no chain configured: set [fleet] dsn in kiosk.toml or KIOSK_FLEET_DSN")
    try:
        return psycopg.connect(dsn, connect_timeout=timeout_s, autocommit=autocommit)
    except psycopg.ProgrammingError as exc:
        raise ChainError(f"the chain DSN is not valid: {exc}") from exc
    except psycopg.OperationalError as exc:
        text = " ".join(str(exc).split())
        if "authentication" in text or ("role" in text and "does not exist" in text):
            raise ChainError(f"the chain's server refused this login: {text}") from exc
        raise ChainOfflineError(f"the chain's server cannot be reached: {text}") from exc


@contextmanager
def translated() -> Iterator[None]:
    """Turn psycopg errors into ChainOfflineError / ChainError."""
    try:
        yield
    except psycopg.OperationalError as exc:
        raise ChainOfflineError(f"the chain's server went away: {_one_line(exc)}") from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ChainError(f"the chain refused this kiosk's role: {_one_line(exc)}") from exc
    except psycopg.Error as exc:
        raise ChainError(f"the chain's database refused a statement: {_one_line(exc)}") from exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def read_chain(conn: psycopg.Connection[Row]) -> ChainRow | None:
    """The chain row, or None when the database holds no chain (`kiosk fleet init` not run)."""
    with translated(), conn.transaction():
        found = conn.execute("SELECT to_regclass('fleet.chain') IS NOT NULL").fetchone()
        if not found or not found[0]:
            return None
        row = conn.execute(
            "SELECT chain_id, schema_version, kdf_salt, kdf_n, kdf_r, kdf_p, wrapped_key, "
            "key_check, member_role FROM fleet.chain WHERE id = 1"
        ).fetchone()
    if row is None:
        return None
    wrapped = WrappedKey(bytes(row[2]), int(row[3]), int(row[4]), int(row[5]), bytes(row[6]))
    return ChainRow(str(row[0]), int(row[1]), wrapped, str(row[7]), str(row[8]))


def my_kiosk(conn: psycopg.Connection[Row]) -> str | None:
    """The kiosk id registered for the role this connection logged in as."""
    with translated(), conn.transaction():
        row = conn.execute("SELECT fleet.my_kiosk()").fetchone()
    return None if row is None or row[0] is None else str(row[0])


def begin_push(conn: psycopg.Connection[Row]) -> int:
    """Take the chain's change clock for this transaction (serialises writers)."""
    row = conn.execute("SELECT fleet.begin_push()").fetchone()
    if row is None:
        raise ChainError("fleet.begin_push() returned nothing")
    return int(row[0])


def executemany(conn: psycopg.Connection[Row], query: str, rows: Sequence[Row]) -> None:
    """Run `query` for each row (pipelined)."""
    if rows:
        with conn.cursor() as cur:
            cur.executemany(query, rows)


def page(
    conn: psycopg.Connection[Row],
    table: str,
    columns: str,
    after: tuple[int, str],
    *,
    limit: int,
    key: str = "uid",
) -> list[Row]:
    """Rows of `table` after cursor (seq, key), in change order; the last two columns are
    seq and key."""
    query = sql.SQL(
        "SELECT {cols}, seq, {key} FROM {table} WHERE (seq, {key}) > (%s, %s) "
        "ORDER BY seq, {key} LIMIT %s"
    ).format(
        cols=sql.SQL(columns),
        key=sql.Identifier(key),
        table=sql.Identifier("fleet", table),
    )
    return conn.execute(query, [after[0], after[1], limit]).fetchall()
