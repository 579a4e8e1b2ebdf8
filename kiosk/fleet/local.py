"""This kiosk as the chain sync sees it: its database, its keys, its membership."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.config import PathsConfig
from kiosk.errors import ChainError, CryptoError
from kiosk.fleet.keys import ChainSealer
from kiosk.store.chain import ChainOutbox
from kiosk.store.chain_apply import ChainInbox
from kiosk.store.chain_records import Membership
from kiosk.store.crypto import load_or_create_key, write_key_file
from kiosk.store.people import PeopleStore, open_people

CHAIN_KEY_FILE = "chain.key"


def chain_key_path(paths: PathsConfig) -> Path:
    """Where this kiosk keeps its unwrapped copy of the chain key (0600)."""
    return paths.data_dir / CHAIN_KEY_FILE


def save_chain_key(paths: PathsConfig, key: bytes) -> None:
    """Write the chain key file (owner-only); refuses to replace another key."""
    path = chain_key_path(paths)
    if path.exists():
        if load_or_create_key(path, create=False) == key:
            return
        raise ChainError(f"{path} holds another chain's key: this kiosk is in another chain")
    write_key_file(path, key)


@dataclass(slots=True)
class LocalKiosk:
    """The open kiosk database with its outbox and inbox, and the chain sealer."""

    people: PeopleStore
    outbox: ChainOutbox
    inbox: ChainInbox
    member: Membership
    sealer: ChainSealer
    key: bytes

    @classmethod
    def open(cls, paths: PathsConfig) -> LocalKiosk:
        """Open the database of a kiosk that joined a chain.

        Raises:
            ChainError: the kiosk has not joined a chain, or its chain key file is missing.
        """
        people = open_people(paths, retention_days=None)
        try:
            outbox = ChainOutbox(people.store, people.vault)
            member = outbox.membership()
            if member is None:
                raise ChainError(
                    "this kiosk has not joined a chain: run `kiosk fleet join --name NAME "
                    "--passphrase-file FILE` first"
                )
            try:
                key = load_or_create_key(chain_key_path(paths), create=False)
            except CryptoError as exc:
                raise ChainError(f"this kiosk's chain key is unusable: {exc}") from exc
            sealer = ChainSealer(key, member.chain_id)
            return cls(people, outbox, ChainInbox(people, outbox), member, sealer, key)
        except BaseException:
            people.close()
            raise

    def close(self) -> None:
        """Close the database."""
        self.people.close()
