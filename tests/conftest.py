"""Fixtures shared across the test packages."""

from __future__ import annotations

from tests.fixtures.postgres import database_url, empty_database_url, postgres_server

__all__ = ["database_url", "empty_database_url", "postgres_server"]
