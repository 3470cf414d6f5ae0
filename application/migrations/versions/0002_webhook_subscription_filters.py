"""Webhook subscriptions choose their event types and the log position they start from.

A table made by a release before these filters lacks the two columns (such a release added
them when the table was next used); each gets a default, so every earlier subscription keeps
hearing of every event type, from wherever it had reached.

Revision ID: 0002
Revises: 0001
"""

from application.migrations import run, sqlite_columns

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("event_types", "TEXT NOT NULL DEFAULT ''"),
    ("from_position", "BIGINT NOT NULL DEFAULT 0"),
)


def upgrade() -> None:
    postgres = [
        f"ALTER TABLE {{s}}.webhook_subscriptions ADD COLUMN IF NOT EXISTS {name} {declaration}"
        for name, declaration in _COLUMNS
    ]
    have = sqlite_columns("webhook_subscriptions") if not postgres_bind() else set()
    sqlite = [
        f"ALTER TABLE webhook_subscriptions ADD COLUMN {name} {declaration}"
        for name, declaration in _COLUMNS
        if name not in have
    ]
    run(postgres, sqlite)


def postgres_bind() -> bool:
    from alembic import op

    return bool(op.get_bind().dialect.name == "postgresql")


def downgrade() -> None:
    run(
        [f"ALTER TABLE {{s}}.webhook_subscriptions DROP COLUMN {name}" for name, _ in _COLUMNS],
        [f"ALTER TABLE webhook_subscriptions DROP COLUMN {name}" for name, _ in _COLUMNS],
    )
