"""Persistence behind the job-store port (SQLAlchemy)."""
