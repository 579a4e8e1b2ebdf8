"""The chain's PostgreSQL schema (``fleet``), its functions and what a kiosk's role may do.

Change order: every write that kiosks pull (people, templates, consents, photos, tombstones,
products) first calls ``fleet.begin_push()``, which bumps the one-row ``fleet.clock`` and keeps
its row lock until commit, and a trigger stamps each row with that number (``seq``). Writers are
thus serialised, so ``seq`` order is commit order and a puller that saw ``seq = s`` has seen
every smaller one: a cursor per table never skips a row.

Least privilege: kiosks log in with their own role, a member of the chain's group role, which
may read what kiosks pull, insert (never delete) people data stamped with its own kiosk id, insert
its own events, and update only its own learner statistics (row-level security). Forget, the
heartbeat and purges run through SECURITY DEFINER functions. The admin (HQ) role owns it all.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

TABLES = """
CREATE SCHEMA IF NOT EXISTS fleet;
CREATE TABLE fleet.chain (
    id int PRIMARY KEY CHECK (id = 1),
    chain_id text NOT NULL,
    schema_version int NOT NULL,
    kdf_salt bytea NOT NULL, kdf_n int NOT NULL, kdf_r int NOT NULL, kdf_p int NOT NULL,
    wrapped_key bytea NOT NULL,
    key_check text NOT NULL,
    member_role text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE fleet.clock (id int PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL);
INSERT INTO fleet.clock VALUES (1, 0);
CREATE TABLE fleet.kiosks (
    kiosk_id text PRIMARY KEY,
    name text NOT NULL UNIQUE,
    store text NOT NULL,
    role_name text NOT NULL UNIQUE,
    joined_at timestamptz NOT NULL DEFAULT now(),
    last_sync_at timestamptz,
    pending bigint NOT NULL DEFAULT 0,
    people bigint NOT NULL DEFAULT 0
);
CREATE TABLE fleet.people (
    uid text PRIMARY KEY,
    seq bigint NOT NULL,
    sealed bytea NOT NULL,
    attrs_at text COLLATE "C" NOT NULL,
    attrs_by text COLLATE "C" NOT NULL,
    origin text NOT NULL
);
CREATE INDEX people_seq ON fleet.people (seq, uid);
CREATE TABLE fleet.templates (
    uid text PRIMARY KEY,
    person_uid text NOT NULL REFERENCES fleet.people (uid) ON DELETE CASCADE,
    seq bigint NOT NULL,
    model_key text NOT NULL,
    sealed bytea NOT NULL,
    origin text NOT NULL
);
CREATE INDEX templates_seq ON fleet.templates (seq, uid);
CREATE INDEX templates_person ON fleet.templates (person_uid);
CREATE TABLE fleet.consents (
    uid text PRIMARY KEY,
    person_uid text NOT NULL REFERENCES fleet.people (uid) ON DELETE CASCADE,
    seq bigint NOT NULL,
    sealed bytea NOT NULL,
    origin text NOT NULL
);
CREATE INDEX consents_seq ON fleet.consents (seq, uid);
CREATE INDEX consents_person ON fleet.consents (person_uid);
CREATE TABLE fleet.photos (
    uid text PRIMARY KEY,
    person_uid text NOT NULL REFERENCES fleet.people (uid) ON DELETE CASCADE,
    seq bigint NOT NULL,
    sealed bytea NOT NULL,
    origin text NOT NULL
);
CREATE INDEX photos_seq ON fleet.photos (seq, uid);
CREATE INDEX photos_person ON fleet.photos (person_uid);
CREATE TABLE fleet.tombstones (
    uid text PRIMARY KEY,
    seq bigint NOT NULL,
    forgotten_at timestamptz NOT NULL DEFAULT now(),
    origin text
);
CREATE INDEX tombstones_seq ON fleet.tombstones (seq, uid);
CREATE TABLE fleet.visits (
    uid text PRIMARY KEY,
    kiosk_id text NOT NULL,
    person_uid text,
    started_at text NOT NULL,
    ended_at text NOT NULL
);
CREATE INDEX visits_person ON fleet.visits (person_uid);
CREATE TABLE fleet.impressions (
    uid text PRIMARY KEY,
    kiosk_id text NOT NULL,
    person_uid text,
    visit_uid text,
    at text NOT NULL,
    sku text NOT NULL,
    position int NOT NULL,
    policy text NOT NULL,
    propensity double precision NOT NULL CHECK (propensity > 0 AND propensity <= 1),
    context text NOT NULL
);
CREATE INDEX impressions_person ON fleet.impressions (person_uid);
CREATE TABLE fleet.rewards (
    uid text PRIMARY KEY,
    kiosk_id text NOT NULL,
    impression_uid text NOT NULL,
    person_uid text,
    at text NOT NULL,
    kind text NOT NULL,
    value double precision NOT NULL
);
CREATE INDEX rewards_person ON fleet.rewards (person_uid);
CREATE TABLE fleet.learner_stats (
    kiosk_id text PRIMARY KEY,
    state bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE fleet.products (
    sku text PRIMARY KEY,
    seq bigint NOT NULL,
    name text NOT NULL,
    description text NOT NULL,
    category text NOT NULL,
    category_display text NOT NULL,
    price_cents int NOT NULL CHECK (price_cents >= 0),
    tags text NOT NULL,
    image bytea NOT NULL,
    image_name text NOT NULL,
    active boolean NOT NULL,
    stores text[]
);
CREATE INDEX products_seq ON fleet.products (seq, sku);
"""

FUNCTIONS = """
CREATE FUNCTION fleet.my_kiosk() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = fleet, pg_temp AS $$
    SELECT kiosk_id FROM fleet.kiosks WHERE role_name = session_user
$$;
CREATE FUNCTION fleet.begin_push() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = fleet, pg_temp AS $$
DECLARE s bigint;
BEGIN
    UPDATE fleet.clock SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO s;
    PERFORM set_config('fleet.seq', s::text, true);
    RETURN s;
END $$;
CREATE FUNCTION fleet.stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = fleet, pg_temp AS $$
DECLARE s text := current_setting('fleet.seq', true);
BEGIN
    IF s IS NULL OR s = '' THEN
        RAISE EXCEPTION 'fleet: call fleet.begin_push() before writing %', TG_TABLE_NAME;
    END IF;
    NEW.seq := s::bigint;
    RETURN NEW;
END $$;
CREATE FUNCTION fleet.not_forgotten() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = fleet, pg_temp AS $$
DECLARE who text;
BEGIN
    IF TG_TABLE_NAME = 'people' THEN who := NEW.uid; ELSE who := NEW.person_uid; END IF;
    IF who IS NOT NULL AND EXISTS (SELECT 1 FROM fleet.tombstones t WHERE t.uid = who) THEN
        RETURN NULL;  -- forgotten: silently dropped, the kiosk learns of the tombstone
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION fleet.forget(p_uid text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = fleet, pg_temp AS $$
BEGIN
    PERFORM fleet.begin_push();
    INSERT INTO fleet.tombstones (uid, seq, origin) VALUES (p_uid, 0, fleet.my_kiosk())
        ON CONFLICT (uid) DO NOTHING;
    DELETE FROM fleet.people WHERE uid = p_uid;
    DELETE FROM fleet.visits WHERE person_uid = p_uid;
    DELETE FROM fleet.impressions WHERE person_uid = p_uid;
    DELETE FROM fleet.rewards WHERE person_uid = p_uid;
END $$;
CREATE FUNCTION fleet.heartbeat(p_pending bigint, p_people bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = fleet, pg_temp AS $$
    UPDATE fleet.kiosks SET last_sync_at = now(), pending = p_pending, people = p_people
    WHERE role_name = session_user
$$;
CREATE FUNCTION fleet.purge_unknown(p_days int) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = fleet, pg_temp AS $$
DECLARE cutoff text := to_char((now() - make_interval(days => p_days)) AT TIME ZONE 'UTC',
                               'YYYY-MM-DD"T"HH24:MI:SS');
BEGIN
    WITH gone AS (
        DELETE FROM fleet.visits WHERE person_uid IS NULL AND ended_at < cutoff
            AND kiosk_id = fleet.my_kiosk() RETURNING uid
    ), shown AS (
        DELETE FROM fleet.impressions WHERE visit_uid IN (SELECT uid FROM gone) RETURNING uid
    )
    DELETE FROM fleet.rewards WHERE impression_uid IN (SELECT uid FROM shown);
END $$;
"""

TRIGGERS = """
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON fleet.people
    FOR EACH ROW EXECUTE FUNCTION fleet.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON fleet.templates
    FOR EACH ROW EXECUTE FUNCTION fleet.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON fleet.consents
    FOR EACH ROW EXECUTE FUNCTION fleet.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON fleet.photos
    FOR EACH ROW EXECUTE FUNCTION fleet.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON fleet.tombstones
    FOR EACH ROW EXECUTE FUNCTION fleet.stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON fleet.products
    FOR EACH ROW EXECUTE FUNCTION fleet.stamp();
CREATE TRIGGER alive BEFORE INSERT ON fleet.people
    FOR EACH ROW EXECUTE FUNCTION fleet.not_forgotten();
CREATE TRIGGER alive BEFORE INSERT ON fleet.templates
    FOR EACH ROW EXECUTE FUNCTION fleet.not_forgotten();
CREATE TRIGGER alive BEFORE INSERT ON fleet.consents
    FOR EACH ROW EXECUTE FUNCTION fleet.not_forgotten();
CREATE TRIGGER alive BEFORE INSERT ON fleet.photos
    FOR EACH ROW EXECUTE FUNCTION fleet.not_forgotten();
CREATE TRIGGER alive BEFORE INSERT OR UPDATE ON fleet.visits
    FOR EACH ROW EXECUTE FUNCTION fleet.not_forgotten();
CREATE TRIGGER alive BEFORE INSERT ON fleet.impressions
    FOR EACH ROW EXECUTE FUNCTION fleet.not_forgotten();
CREATE TRIGGER alive BEFORE INSERT ON fleet.rewards
    FOR EACH ROW EXECUTE FUNCTION fleet.not_forgotten();
"""

# {group} is the chain's member role (an identifier quoted by the caller).
GRANTS = """
REVOKE ALL ON SCHEMA fleet FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA fleet FROM PUBLIC;
GRANT USAGE ON SCHEMA fleet TO {group};
GRANT SELECT ON fleet.chain, fleet.kiosks, fleet.people, fleet.templates, fleet.consents,
    fleet.photos, fleet.tombstones, fleet.products, fleet.learner_stats TO {group};
GRANT INSERT ON fleet.people, fleet.templates, fleet.consents, fleet.photos TO {group};
GRANT UPDATE (sealed, attrs_at, attrs_by, seq, origin) ON fleet.people TO {group};
GRANT INSERT ON fleet.visits, fleet.impressions, fleet.rewards TO {group};
GRANT SELECT ON fleet.visits, fleet.impressions, fleet.rewards TO {group};  -- own rows (RLS)
GRANT UPDATE (person_uid, ended_at) ON fleet.visits TO {group};
GRANT INSERT, UPDATE ON fleet.learner_stats TO {group};
GRANT EXECUTE ON FUNCTION fleet.my_kiosk(), fleet.begin_push(), fleet.forget(text),
    fleet.heartbeat(bigint, bigint), fleet.purge_unknown(int) TO {group};
ALTER TABLE fleet.people ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON fleet.people FOR SELECT TO {group} USING (true);
CREATE POLICY push ON fleet.people FOR INSERT TO {group} WITH CHECK (origin = fleet.my_kiosk());
CREATE POLICY edit ON fleet.people FOR UPDATE TO {group} USING (true)
    WITH CHECK (origin = fleet.my_kiosk());
"""

# Per table: kiosks see, add and change only their own rows.
OWN_ROWS = ("templates", "consents", "photos", "visits", "impressions", "rewards", "learner_stats")


def own_row_policies(group: str) -> str:
    """Row-level security for the tables whose rows belong to one kiosk."""
    out = []
    for table in OWN_ROWS:
        column = "origin" if table in {"templates", "consents", "photos"} else "kiosk_id"
        mine = f"{column} = fleet.my_kiosk()"
        out.append(f"ALTER TABLE fleet.{table} ENABLE ROW LEVEL SECURITY;")
        seen = "true" if table in {"templates", "consents", "photos", "learner_stats"} else mine
        out.append(f"CREATE POLICY read ON fleet.{table} FOR SELECT TO {group} USING ({seen});")
        out.append(
            f"CREATE POLICY push ON fleet.{table} FOR INSERT TO {group} WITH CHECK ({mine});"
        )
        out.append(
            f"CREATE POLICY edit ON fleet.{table} FOR UPDATE TO {group} USING ({mine}) "
            f"WITH CHECK ({mine});"
        )
    return "\n".join(out)


def split_statements(script: str) -> list[str]:
    """Statements of a script whose statements end with ';' at the end of a line.

    A ';' inside a dollar-quoted function body does not end a statement.
    """
    out: list[str] = []
    pending: list[str] = []
    quoted = False
    for line in script.splitlines():
        if not pending and not line.strip():
            continue
        pending.append(line)
        quoted ^= line.count("$$") % 2 == 1
        if not quoted and line.rstrip().endswith(";"):
            out.append("\n".join(pending))
            pending = []
    if pending and "".join(pending).strip():
        out.append("\n".join(pending))
    return out
