"""Reading one mapping of a fleet file, with errors that say where and which field.

Every error reads ``fleet.yaml: robot 'porter-2': field 'profile': 'ros3' is not
one of nav2, move_base``, so a site engineer finds the line at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["Fields", "FleetConfigError"]


class FleetConfigError(ValueError):
    """A fleet file that cannot be used; the message names the element and field."""


class Fields:
    """Typed reads of one mapping; unknown keys are refused."""

    def __init__(self, source: str, where: str, data: Any, allowed: set[str]) -> None:
        self.source, self.where = source, where
        if not isinstance(data, Mapping):
            raise self.error(None, f"must be a mapping, not {type(data).__name__}")
        self.data = data
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            raise self.error(
                unknown[0], f"unknown field (known: {', '.join(sorted(allowed))})"
            )

    def error(self, field: str | None, why: str) -> FleetConfigError:
        at = f"{self.source}: {self.where}"
        return FleetConfigError(
            f"{at}: field {field!r}: {why}" if field else f"{at}: {why}"
        )

    def text(self, field: str, default: str | None = None) -> str:
        value = self.data.get(field, default)
        if value is None:
            raise self.error(field, "is required")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.error(field, f"must be text, not {type(value).__name__}")
        return str(value)

    def choice(self, field: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(field, default)
        if value not in choices:
            raise self.error(field, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def number(
        self, field: str, default: float, *, minimum: float | None = None
    ) -> float:
        value = self.data.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(field, f"must be a number, not {value!r}")
        if not math.isfinite(value):
            raise self.error(field, f"must be finite, not {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(field, f"is {value}; must be >= {minimum}")
        return float(value)

    def whole(self, field: str, default: int, *, minimum: int = 0) -> int:
        value = self.data.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field, f"must be a whole number, not {value!r}")
        if value < minimum:
            raise self.error(field, f"is {value}; must be >= {minimum}")
        return value

    def texts(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(field, f"must be a list of text, not {value!r}")
        return tuple(value)

    def mapping(self, field: str) -> Mapping[str, Any]:
        value = self.data.get(field, {})
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.error(field, f"must be a mapping, not {type(value).__name__}")
        return {str(k): v for k, v in value.items()}

    def url(self, field: str, default: str | None) -> str:
        value = self.text(field, default)
        if not value.startswith(("ws://", "wss://")):
            raise self.error(field, f"{value!r} is not a ws:// or wss:// URL")
        return value
