"""A chain of kiosks on one PostgreSQL database: the only package that imports psycopg.

Each kiosk keeps working on its own SQLite database (`kiosk.store`); this package syncs it with
the chain in the background: `sync` (one round), `worker` (the round every few seconds, off the
GUI thread), `admin` (init at HQ, join on a kiosk, status, HQ's forget and catalog), `schema`
(the central tables, functions and privileges), `keys` (the chain key and sealing).
"""
