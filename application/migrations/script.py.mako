"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Created: ${create_date}
"""

from application.migrations import run

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None

_POSTGRES: tuple[str, ...] = ()
_SQLITE: tuple[str, ...] = ()


def upgrade() -> None:
    run(_POSTGRES, _SQLITE)


def downgrade() -> None:
    raise NotImplementedError("${up_revision} is not reversed")
