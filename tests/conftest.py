"""Fixtures shared across the test packages."""

from __future__ import annotations

import os

from hypothesis import settings

from tests.fixtures.postgres import database_url, empty_database_url, postgres_server

__all__ = ["database_url", "empty_database_url", "postgres_server"]

# CI (scripts/test passes --hypothesis-profile=ci; or CI set in the environment)
# explores the same examples on every run, so a red build is reproducible and is
# about the change, not the draw; a developer's own pytest keeps drawing new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
