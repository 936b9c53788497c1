"""The tables: jobs, robots, the append-only audit trail, API tokens.

SQLAlchemy Core tables, used by the stores for queries and by the tests to check
that the migrations build exactly this. The migrations under
``fleet/store/migrations`` are the source of truth for a real database; a change
here goes with a new revision there.

Times are float epoch seconds (double precision on both SQLite and PostgreSQL);
enums are stored as their string values so the database reads well on its own.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: Constraints and indexes are named so migrations can refer to them.
metadata = MetaData(naming_convention={"pk": "pk_%(table_name)s"})

#: 64-bit ids on PostgreSQL, SQLite's rowid alias on SQLite (autoincrement there
#: only works on a column declared exactly INTEGER PRIMARY KEY).
EventSeq = BigInteger().with_variant(Integer(), "sqlite")

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("pickup", String(128), nullable=False),
    Column("dropoff", String(128), nullable=False),
    Column("category", String(32), nullable=False),
    Column("requested_by", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("compartments", Integer, nullable=False),
    Column("ready_at", Float),
    Column("due_at", Float),
    Column("ward", String(64)),
    Column("recipient", Text),
    Column("pin_hash", String(256)),
    Column("note", Text, nullable=False),
    Column("robot_id", String(64)),
    Column("eta_pickup", Float),
    Column("eta_dropoff", Float),
    Column("handoff_attempts", Integer, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("version", Integer, nullable=False),
    #: A client's Idempotency-Key: unique per requester (NULLs never clash).
    Column("idempotency_key", String(128)),
    UniqueConstraint("requested_by", "idempotency_key", name="uq_jobs_idempotency"),
    Index("ix_jobs_status", "status"),
    Index("ix_jobs_ward", "ward"),
    Index("ix_jobs_created_at", "created_at"),
    Index("ix_jobs_robot_id", "robot_id"),
)

robots = Table(
    "robots",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("model", String(128), nullable=False),
    #: Sorted list of capability names (JSON).
    Column("capabilities", JSON, nullable=False),
    Column("compartments", Integer, nullable=False),
    Column("level", String(64), nullable=False),
    Column("waypoint", String(128), nullable=False),
    Column("x", Float, nullable=False),
    Column("y", Float, nullable=False),
    Column("battery_soc", Float, nullable=False),
    Column("state", String(16), nullable=False),
    Column("mission_id", String(64)),
    Column("home_charger", String(128)),
    Column("speed_mps", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("version", Integer, nullable=False),
)

#: Append-only: the code has no update or delete path, and a trigger on each
#: database refuses both (see the first migration).
audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", EventSeq, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("subject", String(16), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("before", String(32)),
    Column("after", String(32)),
    Column("reason", Text, nullable=False),
    Column("data", JSON, nullable=False),
    Index("ix_audit_events_subject", "subject", "subject_id", "seq"),
)

#: API tokens: the id is public (it finds the row), the secret only as a hash.
tokens = Table(
    "tokens",
    metadata,
    Column("token_id", String(64), primary_key=True),
    Column("secret_hash", String(256), nullable=False),
    Column("role", String(32), nullable=False),
    Column("wards", JSON, nullable=False),
    Column("places", JSON, nullable=False),
    Column("robot_id", String(64)),
    Column("label", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)
