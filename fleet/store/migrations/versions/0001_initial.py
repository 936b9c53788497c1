"""Jobs, robots, the append-only audit trail and API tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

The tables are spelled out here, not imported from ``fleet.store.schema``: a
migration must keep building the schema of its day when the code moves on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_EVENT_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_PG_APPEND_ONLY = """
CREATE FUNCTION porter_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on audit_events refused',
        TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION porter_audit_append_only();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION porter_audit_append_only();
"""

_SQLITE_APPEND_ONLY = [
    f"""CREATE TRIGGER audit_events_no_{verb.lower()}
    BEFORE {verb} ON audit_events
    BEGIN
        SELECT RAISE(ABORT,
            'the audit trail is append-only: {verb} on audit_events refused');
    END"""
    for verb in ("UPDATE", "DELETE")
]


def upgrade() -> None:
    _create_jobs()
    _create_robots()
    _create_audit_events()
    _create_tokens()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION porter_audit_append_only()")
    for table in ("tokens", "audit_events", "robots", "jobs"):
        op.drop_table(table)


def _create_jobs() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("pickup", sa.String(128), nullable=False),
        sa.Column("dropoff", sa.String(128), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("requested_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("compartments", sa.Integer(), nullable=False),
        sa.Column("ready_at", sa.Float()),
        sa.Column("due_at", sa.Float()),
        sa.Column("ward", sa.String(64)),
        sa.Column("recipient", sa.Text()),
        sa.Column("pin_hash", sa.String(256)),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("robot_id", sa.String(64)),
        sa.Column("eta_pickup", sa.Float()),
        sa.Column("eta_dropoff", sa.Float()),
        sa.Column("handoff_attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(128)),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.UniqueConstraint(
            "requested_by", "idempotency_key", name="uq_jobs_idempotency"
        ),
    )
    for column in ("status", "ward", "created_at", "robot_id"):
        op.create_index(f"ix_jobs_{column}", "jobs", [column])


def _create_robots() -> None:
    op.create_table(
        "robots",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        sa.Column("compartments", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(64), nullable=False),
        sa.Column("waypoint", sa.String(128), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("battery_soc", sa.Float(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("mission_id", sa.String(64)),
        sa.Column("home_charger", sa.String(128)),
        sa.Column("speed_mps", sa.Float(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_robots"),
    )


def _create_audit_events() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", _EVENT_SEQ, autoincrement=True, nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("before", sa.String(32)),
        sa.Column("after", sa.String(32)),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
    )
    op.create_index(
        "ix_audit_events_subject", "audit_events", ["subject", "subject_id", "seq"]
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_APPEND_ONLY)
    else:
        for statement in _SQLITE_APPEND_ONLY:
            op.execute(statement)


def _create_tokens() -> None:
    op.create_table(
        "tokens",
        sa.Column("token_id", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("wards", sa.JSON(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("robot_id", sa.String(64)),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("revoked_at", sa.Float()),
        sa.PrimaryKeyConstraint("token_id", name="pk_tokens"),
    )
