"""Alembic's environment: the connection ``application.migrations.upgrade`` opened (in
its transaction, holding the lock), and the event store's schema for the version table."""

from alembic import context

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=None,
    version_table_schema=config.attributes.get("schema"),
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
