"""The command box: followers' commands to the dispatching leader.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Spelled out here, not imported from ``fleet.store.commands`` (a migration keeps
building the schema of its day).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "commands",
        sa.Column("seq", _SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.JSON()),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("answered_at", sa.Float()),
        sa.PrimaryKeyConstraint("seq", name="pk_commands"),
        sa.UniqueConstraint("id", name="uq_commands_id"),
    )
    op.create_index("ix_commands_status", "commands", ["status", "seq"])


def downgrade() -> None:
    op.drop_index("ix_commands_status", "commands")
    op.drop_table("commands")
