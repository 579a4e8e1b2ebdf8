"""Run a multi-statement SQL script inside the caller's transaction."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from kiosk.errors import StoreError


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Execute SQL statements one by one, inside the caller's transaction.

    `executescript` would COMMIT the open transaction first, so a failed migration would leave
    half of itself behind; statements (triggers included) are split with
    `sqlite3.complete_statement` instead.

    Raises:
        StoreError: the script ends in an incomplete statement.
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                db.execute(pending)
            pending = ""
    if pending.strip():
        raise StoreError(f"incomplete SQL statement in a script: {pending.strip()[:60]}")
