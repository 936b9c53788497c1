"""Frozen dataclass values built fast: :func:`planners.values.positional`, here
for the core's own values (robot copies, decisions, poses)."""

from __future__ import annotations

from planners.values import positional

__all__ = ["positional"]
