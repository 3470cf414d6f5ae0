"""The tables beside the events as the release before migrations made them.

A store made by an earlier release has some or all of them already (each was created when
first used): every statement here is idempotent, so this revision adopts such a store and
creates on a fresh one what is missing.

Revision ID: 0001
Revises:
"""

from application.migrations import run

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# the access log: who read which case's fields, when (append-only)
_PG_0 = (
    "CREATE TABLE IF NOT EXISTS {s}.access_log (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ "
    "NOT NULL, principal_id TEXT NOT NULL, role TEXT NOT NULL, partnership TEXT NOT NULL,"
    " case_id TEXT NOT NULL, reference TEXT NOT NULL, fields TEXT NOT NULL, request_id "
    "TEXT NOT NULL, operation TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS access_log_case ON {s}.access_log (case_id, id)",
    "CREATE OR REPLACE FUNCTION {s}.access_log_is_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS access_log_append_only ON {s}.access_log",
    "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON {s}.access_log FOR "
    "EACH ROW EXECUTE FUNCTION {s}.access_log_is_append_only()",
    "DROP TRIGGER IF EXISTS access_log_no_truncate ON {s}.access_log",
    "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON {s}.access_log FOR EACH "
    "STATEMENT EXECUTE FUNCTION {s}.access_log_is_append_only()",
)
_SQLITE_0 = (
    "CREATE TABLE IF NOT EXISTS access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT"
    " NOT NULL, principal_id TEXT NOT NULL, role TEXT NOT NULL, partnership TEXT NOT "
    "NULL, case_id TEXT NOT NULL, reference TEXT NOT NULL, fields TEXT NOT NULL, "
    "request_id TEXT NOT NULL, operation TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS access_log_case ON access_log (case_id, id)",
    "CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log BEGIN "
    "SELECT RAISE(ABORT, 'the access log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log BEGIN "
    "SELECT RAISE(ABORT, 'the access log is append-only'); END",
)

# the verifiable log: leaves, kept subtrees, signed checkpoints (leaves and checkpoints append-only)
_PG_1 = (
    "CREATE TABLE IF NOT EXISTS {s}.log_leaves (position BIGINT PRIMARY KEY, kind TEXT "
    "NOT NULL, source BIGINT NOT NULL, hash BYTEA NOT NULL, UNIQUE (kind, source))",
    "CREATE TABLE IF NOT EXISTS {s}.log_checkpoints (id BIGSERIAL PRIMARY KEY, size "
    "BIGINT NOT NULL, root BYTEA NOT NULL, at TIMESTAMPTZ NOT NULL, key_id TEXT NOT NULL,"
    " frontier BYTEA NOT NULL, note TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {s}.log_nodes (level INTEGER NOT NULL, idx BIGINT NOT "
    "NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx))",
    "CREATE OR REPLACE FUNCTION {s}.log_is_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'the verifiable log is append-only'; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS log_leaves_append_only ON {s}.log_leaves",
    "CREATE TRIGGER log_leaves_append_only BEFORE UPDATE OR DELETE ON {s}.log_leaves FOR "
    "EACH ROW EXECUTE FUNCTION {s}.log_is_append_only()",
    "DROP TRIGGER IF EXISTS log_checkpoints_append_only ON {s}.log_checkpoints",
    "CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON "
    "{s}.log_checkpoints FOR EACH ROW EXECUTE FUNCTION {s}.log_is_append_only()",
)
_SQLITE_1 = (
    "CREATE TABLE IF NOT EXISTS log_leaves (position INTEGER PRIMARY KEY, kind TEXT NOT "
    "NULL, source INTEGER NOT NULL, hash BLOB NOT NULL, UNIQUE (kind, source))",
    "CREATE TABLE IF NOT EXISTS log_checkpoints (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "size INTEGER NOT NULL, root BLOB NOT NULL, at TEXT NOT NULL, key_id TEXT NOT NULL, "
    "frontier BLOB NOT NULL, note TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS log_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, "
    "hash BLOB NOT NULL, PRIMARY KEY (level, idx))",
    "CREATE TRIGGER IF NOT EXISTS log_leaves_no_update BEFORE UPDATE ON log_leaves BEGIN "
    "SELECT RAISE(ABORT, 'the verifiable log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS log_leaves_no_delete BEFORE DELETE ON log_leaves BEGIN "
    "SELECT RAISE(ABORT, 'the verifiable log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS log_checkpoints_no_update BEFORE UPDATE ON "
    "log_checkpoints BEGIN SELECT RAISE(ABORT, 'the verifiable log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS log_checkpoints_no_delete BEFORE DELETE ON "
    "log_checkpoints BEGIN SELECT RAISE(ABORT, 'the verifiable log is append-only'); END",
)

# the outbox: where collection has reached, and each message to send
_PG_2 = (
    "CREATE TABLE IF NOT EXISTS {s}.outbox_tracking (name TEXT PRIMARY KEY, position "
    "BIGINT NOT NULL)",
    "INSERT INTO {s}.outbox_tracking (name, position) VALUES ('events', 0) ON CONFLICT DO NOTHING",
    "CREATE TABLE IF NOT EXISTS {s}.outbox_deliveries (id BIGSERIAL PRIMARY KEY, "
    "message_id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, channel TEXT NOT NULL, "
    "address TEXT NOT NULL, recipient TEXT NOT NULL, partnership TEXT NOT NULL, kind TEXT"
    " NOT NULL, reference TEXT NOT NULL, stream_id TEXT NOT NULL, version INTEGER NOT "
    "NULL, position BIGINT NOT NULL, subscription_id BIGINT, payload TEXT NOT NULL, "
    "status TEXT NOT NULL, attempts INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL, "
    "next_attempt_at TIMESTAMPTZ NOT NULL, claim TEXT, claimed_until TIMESTAMPTZ, "
    "last_attempt_at TIMESTAMPTZ, first_failed_at TIMESTAMPTZ, sent_at TIMESTAMPTZ, "
    "last_error TEXT NOT NULL, UNIQUE (source, channel, address))",
    "DROP INDEX IF EXISTS {s}.outbox_deliveries_due",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_claimable ON {s}.outbox_deliveries (id)"
    " WHERE status IN ('pending', 'sending')",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_partnership ON {s}.outbox_deliveries "
    "(partnership, id)",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_subscription ON {s}.outbox_deliveries "
    "(subscription_id, position, id)",
)
_SQLITE_2 = (
    "CREATE TABLE IF NOT EXISTS outbox_tracking (name TEXT PRIMARY KEY, position INTEGER NOT NULL)",
    "INSERT INTO outbox_tracking (name, position) VALUES ('events', 0) ON CONFLICT DO NOTHING",
    "CREATE TABLE IF NOT EXISTS outbox_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "message_id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, channel TEXT NOT NULL, "
    "address TEXT NOT NULL, recipient TEXT NOT NULL, partnership TEXT NOT NULL, kind TEXT"
    " NOT NULL, reference TEXT NOT NULL, stream_id TEXT NOT NULL, version INTEGER NOT "
    "NULL, position INTEGER NOT NULL, subscription_id INTEGER, payload TEXT NOT NULL, "
    "status TEXT NOT NULL, attempts INTEGER NOT NULL, created_at TEXT NOT NULL, "
    "next_attempt_at TEXT NOT NULL, claim TEXT, claimed_until TEXT, last_attempt_at TEXT,"
    " first_failed_at TEXT, sent_at TEXT, last_error TEXT NOT NULL, UNIQUE (source, "
    "channel, address))",
    "DROP INDEX IF EXISTS outbox_deliveries_due",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_claimable ON outbox_deliveries (id) "
    "WHERE status IN ('pending', 'sending')",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_partnership ON outbox_deliveries "
    "(partnership, id)",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_subscription ON outbox_deliveries "
    "(subscription_id, position, id)",
)

# webhook subscriptions (the event_types and from_position filters came later: 0002)
_PG_3 = (
    "CREATE TABLE IF NOT EXISTS {s}.webhook_subscriptions (id BIGSERIAL PRIMARY KEY, "
    "partnership TEXT NOT NULL, agency TEXT NOT NULL, url TEXT NOT NULL, secret TEXT NOT "
    "NULL, created_at TIMESTAMPTZ NOT NULL, created_by TEXT NOT NULL, idempotency_key "
    "TEXT, fingerprint TEXT NOT NULL, revoked_at TIMESTAMPTZ, revoked_by TEXT NOT NULL "
    "DEFAULT '', UNIQUE (created_by, idempotency_key))",
    "CREATE INDEX IF NOT EXISTS webhook_subscriptions_partnership ON "
    "{s}.webhook_subscriptions (partnership, id)",
)
_SQLITE_3 = (
    "CREATE TABLE IF NOT EXISTS webhook_subscriptions (id INTEGER PRIMARY KEY "
    "AUTOINCREMENT, partnership TEXT NOT NULL, agency TEXT NOT NULL, url TEXT NOT NULL, "
    "secret TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL, "
    "idempotency_key TEXT, fingerprint TEXT NOT NULL, revoked_at TEXT, revoked_by TEXT "
    "NOT NULL DEFAULT '', UNIQUE (created_by, idempotency_key))",
    "CREATE INDEX IF NOT EXISTS webhook_subscriptions_partnership ON "
    "webhook_subscriptions (partnership, id)",
)

# the web tracker's sessions
_PG_4 = (
    "CREATE TABLE IF NOT EXISTS {s}.web_sessions (token_sha256 TEXT PRIMARY KEY, key_id "
    "TEXT NOT NULL, csrf TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, seen_at "
    "TIMESTAMPTZ NOT NULL)",
    "CREATE INDEX IF NOT EXISTS web_sessions_seen ON {s}.web_sessions (seen_at)",
)
_SQLITE_4 = (
    "CREATE TABLE IF NOT EXISTS web_sessions (token_sha256 TEXT PRIMARY KEY, key_id TEXT "
    "NOT NULL, csrf TEXT NOT NULL, created_at TEXT NOT NULL, seen_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS web_sessions_seen ON web_sessions (seen_at)",
)


def upgrade() -> None:
    for postgres, sqlite in (
        (_PG_0, _SQLITE_0),
        (_PG_1, _SQLITE_1),
        (_PG_2, _SQLITE_2),
        (_PG_3, _SQLITE_3),
        (_PG_4, _SQLITE_4),
    ):
        run(postgres, sqlite)


def downgrade() -> None:
    raise NotImplementedError(
        "0001 is not reversed: the access log and the verifiable log are append-only records"
    )
