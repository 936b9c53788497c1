"""Persistence behind the job-store and token-store ports (SQLAlchemy).

``open_store(url)`` is the one call the composition root needs: it opens the
database (SQLite file by default, PostgreSQL by URL or ``PORTER_DATABASE_URL``),
brings the schema to the newest migration, and hands back the job store, the
token store and the dispatcher's leader lock, all sharing one connection pool.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from fleet.store.commands import SqlCommandBox
from fleet.store.engine import database_url, open_engine
from fleet.store.jobs import SqlJobStore
from fleet.store.lock import LeaderLock
from fleet.store.migrate import migrate
from fleet.store.tokens import SqlTokenStore, TokenRecord

__all__ = [
    "LeaderLock",
    "SqlCommandBox",
    "SqlJobStore",
    "SqlTokenStore",
    "Store",
    "TokenRecord",
    "database_url",
    "migrate",
    "open_store",
]


@dataclass(frozen=True, slots=True)
class Store:
    """The stores of one database; ``close()`` when the service stops."""

    jobs: SqlJobStore
    tokens: SqlTokenStore
    leader: LeaderLock
    engine: Engine

    def close(self) -> None:
        """Release the leader lock and close every pooled connection."""
        self.leader.release()
        self.engine.dispose()

    def __iter__(self):  # type: ignore[no-untyped-def]
        """``jobs, tokens, leader = open_store(url)`` also works."""
        return iter((self.jobs, self.tokens, self.leader))


def open_store(url: str | URL | None = None, *, upgrade: bool = True) -> Store:
    """Open the database at ``url`` and migrate it to head (unless told not to).

    Raises :class:`fleet.core.errors.StoreUnavailable` if the database cannot
    be reached.
    """
    engine = open_engine(url)
    try:
        if upgrade:
            migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(
        jobs=SqlJobStore(engine),
        tokens=SqlTokenStore(engine),
        leader=LeaderLock(engine),
        engine=engine,
    )
