"""Setting a chain up: `init` at HQ, `join` on each kiosk, and what HQ can see and do.

`init` (HQ's admin role) creates the ``fleet`` schema, the chain's group role and the chain key,
stored only wrapped by the passphrase. `join` (run once per kiosk, with HQ's admin connection)
unwraps the key with the passphrase, creates the kiosk's own login role (a member of the group,
so allowed only what a kiosk needs), registers the kiosk, and only then writes anything locally:
the chain key file (0600), the membership row, and a libpq password file (0600) for the role.
A wrong passphrase, or a kiosk already in another chain, is refused before anything is written.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kiosk.config import PathsConfig
from kiosk.errors import ChainError, InputError
from kiosk.fleet import central, schema
from kiosk.fleet.central import ChainRow, Row
from kiosk.fleet.keys import key_check, new_chain_key, unwrap_key
from kiosk.fleet.local import chain_key_path, save_chain_key
from kiosk.store.chain import ChainOutbox
from kiosk.store.chain_records import Membership
from kiosk.store.db import utc_now
from kiosk.store.people import open_people

PGPASS_FILE = "fleet.pgpass"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")


@dataclass(frozen=True, slots=True)
class ChainInfo:
    """A chain: its id and whether `init` created it now."""

    chain_id: str
    created: bool


@dataclass(frozen=True, slots=True)
class Joined:
    """A kiosk in a chain: its ids, its role and the DSN it now syncs with."""

    chain_id: str
    kiosk_id: str
    role: str
    dsn: str
    already: bool


def _run(conn: psycopg.Connection[Row], script: str) -> None:
    for statement in schema.split_statements(script):
        conn.execute(statement.encode())


def init_chain(admin_dsn: str, passphrase: str, timeout_s: int = 5) -> ChainInfo:
    """Create the chain's schema, roles and key; on an existing chain, check the passphrase.

    Raises:
        InputError: the passphrase is too weak.
        ChainError: the passphrase does not open an existing chain, or the role may not
            create schemas and roles.
    """
    with central.connect(admin_dsn, timeout_s) as conn:
        existing = central.read_chain(conn)
        if existing is not None:
            unwrap_key(existing.wrapped, passphrase, existing.chain_id)
            return ChainInfo(existing.chain_id, False)
        chain_id = uuid.uuid4().hex
        key, wrapped = new_chain_key(passphrase, chain_id)
        group = f"fleet_{chain_id[:12]}_kiosks"
        with central.translated(), conn.transaction():
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
            _run(conn, schema.TABLES + schema.FUNCTIONS + schema.TRIGGERS)
            quoted = sql.Identifier(group).as_string(conn)
            _run(conn, schema.GRANTS.format(group=quoted) + schema.own_row_policies(quoted))
            conn.execute(
                "INSERT INTO fleet.chain (id, chain_id, schema_version, kdf_salt, kdf_n, kdf_r, "
                "kdf_p, wrapped_key, key_check, member_role) "
                "VALUES (1, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    chain_id,
                    schema.SCHEMA_VERSION,
                    wrapped.salt,
                    wrapped.n,
                    wrapped.r,
                    wrapped.p,
                    wrapped.blob,
                    key_check(key, chain_id),
                    group,
                ],
            )
    return ChainInfo(chain_id, True)


def join_chain(
    admin_dsn: str,
    paths: PathsConfig,
    name: str,
    *,
    store: str,
    passphrase: str,
    timeout_s: int = 5,
) -> Joined:
    """Register this kiosk in the chain at `admin_dsn` (see the module docstring).

    Raises:
        InputError: the kiosk or store name is not a short lowercase slug.
        ChainError: wrong passphrase, no chain there, the kiosk is in another chain, or the
            name is taken; nothing was written in any of these cases.
    """
    if not _NAME.match(name) or not _NAME.match(store):
        raise InputError(
            f"kiosk and store names are 1-31 lowercase letters, digits, '-' or '_'; got "
            f"{name!r} and {store!r}"
        )
    member = _membership(paths)
    with central.connect(admin_dsn, timeout_s) as conn:
        chain = central.read_chain(conn)
        if chain is None:
            raise ChainError("there is no chain at that DSN: run `kiosk fleet init` at HQ first")
        if member is not None:
            return _already(member, chain, name, admin_dsn, paths)
        key = unwrap_key(chain.wrapped, passphrase, chain.chain_id)
        if chain_key_path(paths).exists():
            save_chain_key(paths, key)  # refuses another chain's key before anything is written
        kiosk_id, password = uuid.uuid4().hex, secrets.token_urlsafe(24)
        role = f"k_{chain.chain_id[:12]}_{name}"
        with central.translated(), conn.transaction():
            taken = conn.execute("SELECT 1 FROM fleet.kiosks WHERE name = %s", [name]).fetchone()
            if taken:
                raise ChainError(f"the chain already has a kiosk named {name!r}")
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                    sql.Identifier(role), sql.Literal(password), sql.Identifier(chain.member_role)
                )
            )
            conn.execute(
                "INSERT INTO fleet.kiosks (kiosk_id, name, store, role_name) "
                "VALUES (%s, %s, %s, %s)",
                [kiosk_id, name, store, role],
            )
    save_chain_key(paths, key)
    _write_membership(paths, Membership(chain.chain_id, kiosk_id, name, store, utc_now()))
    dsn = kiosk_dsn(admin_dsn, role, password, paths.data_dir)
    return Joined(chain.chain_id, kiosk_id, role, dsn, False)


def _membership(paths: PathsConfig) -> Membership | None:
    people = open_people(paths, retention_days=None)
    try:
        return ChainOutbox(people.store, people.vault).membership()
    finally:
        people.close()


def _write_membership(paths: PathsConfig, member: Membership) -> None:
    people = open_people(paths, retention_days=None)
    try:
        ChainOutbox(people.store, people.vault).set_membership(member)
    finally:
        people.close()


def _already(
    member: Membership, chain: ChainRow, name: str, dsn: str, paths: PathsConfig
) -> Joined:
    if member.chain_id != chain.chain_id:
        raise ChainError(
            f"this kiosk belongs to chain {member.chain_id}; the server holds chain "
            f"{chain.chain_id}: refused, nothing written"
        )
    if member.kiosk_name != name:
        raise ChainError(f"this kiosk joined the chain as {member.kiosk_name!r}, not {name!r}")
    role = f"k_{chain.chain_id[:12]}_{name}"
    return Joined(
        chain.chain_id, member.kiosk_id, role, kiosk_dsn(dsn, role, None, paths.data_dir), True
    )


def kiosk_dsn(admin_dsn: str, role: str, password: str | None, data_dir: Path) -> str:
    """The admin DSN with this kiosk's role, its password in a 0600 libpq password file."""
    params = {k: v for k, v in conninfo_to_dict(admin_dsn).items() if k != "password"}
    passfile = data_dir / PGPASS_FILE
    if password is not None:
        passfile.parent.mkdir(parents=True, exist_ok=True)
        passfile.unlink(missing_ok=True)
        passfile.touch(mode=0o600)
        passfile.write_text(f"*:*:*:{role}:{password}\n", encoding="utf-8")
    params.update(user=role, passfile=str(passfile))
    return make_conninfo(**{k: str(v) for k, v in params.items() if v is not None})
