"""Typed reading of YAML mappings that records problems instead of stopping.

A map file written by hand has typos in several places at once; the engineer should
see all of them in one go. :class:`Fields` reads one mapping (a level, a lane, a
lift...) with typed getters that note a :class:`MapProblem` and return a harmless
placeholder when a value is missing or of the wrong type, so parsing carries on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from maps.errors import MapProblem

#: Marks a field without a default: it must be present.
REQUIRED: object = object()


class ProblemLog:
    """The problems found in one file so far."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[MapProblem] = []

    def add(self, level: str, element: str, message: str) -> None:
        self.problems.append(MapProblem(self.source, level, element, message))


def show(value: object) -> str:
    """A short rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def as_number(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` if it is not a plain number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def as_ident(value: object) -> str | None:
    """An id written as text (or a whole number, as YAML reads ``id: 3``)."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


class Fields:
    """Typed access to one YAML mapping of a map file.

    ``level`` and ``element`` name where the mapping sits, for error messages;
    ``element`` may be reassigned once the element's id is known.
    """

    def __init__(self, log: ProblemLog, raw: object, level: str, element: str) -> None:
        self.log = log
        self.level = level
        self.element = element
        self._seen: set[str] = set()
        if isinstance(raw, dict):
            self._raw: dict[object, object] = raw
        else:
            self.problem(f"expected a mapping of fields, got {show(raw)}")
            self._raw = {}

    def problem(self, message: str) -> None:
        self.log.add(self.level, self.element, message)

    def _get(self, key: str) -> object:
        self._seen.add(key)
        return self._raw.get(key)

    def _missing(self, key: str, default: object, what: str) -> object:
        if default is REQUIRED:
            self.problem(f"missing '{key}' ({what})")
        return default

    def ident(self, key: str, what: str) -> str:
        """A required id or reference to one; ``""`` when bad."""
        value = self._get(key)
        if value is None:
            self.problem(f"missing '{key}' ({what})")
            return ""
        ident = as_ident(value)
        if ident is None:
            self.problem(f"'{key}' must be an id (text), got {show(value)}")
            return ""
        return ident

    def optional_ident(self, key: str) -> str | None:
        value = self._get(key)
        if value is None:
            return None
        ident = as_ident(value)
        if ident is None:
            self.problem(f"'{key}' must be an id (text), got {show(value)}")
        return ident

    def text(self, key: str, default: str = "") -> str:
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        self.problem(f"'{key}' must be text, got {show(value)}")
        return default

    def number(self, key: str, default: object, what: str = "a number") -> float:
        value = self._get(key)
        if value is None:
            missing = self._missing(key, default, what)
            return 0.0 if missing is REQUIRED else float(missing)  # type: ignore[arg-type]
        number = as_number(value)
        if number is None:
            self.problem(f"'{key}' must be a finite number, got {show(value)}")
            return 0.0
        return number

    def optional_number(self, key: str) -> float | None:
        value = self._get(key)
        if value is None:
            return None
        number = as_number(value)
        if number is None:
            self.problem(f"'{key}' must be a finite number, got {show(value)}")
        return number

    def integer(self, key: str, default: int) -> int:
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"'{key}' must be a whole number, got {show(value)}")
            return default
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(f"'{key}' must be true or false, got {show(value)}")
            return default
        return value

    def items(self, key: str) -> list[object]:
        """A YAML list (``[]`` when absent)."""
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"'{key}' must be a list, got {show(value)}")
            return []
        return value

    def mapping(self, key: str) -> dict[object, object]:
        """A YAML mapping (``{}`` when absent)."""
        value = self._get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(f"'{key}' must be a mapping, got {show(value)}")
            return {}
        return value

    def idents(self, key: str) -> tuple[str, ...]:
        """A list of ids (``()`` when absent); bad entries are reported and dropped."""
        found: list[str] = []
        for value in self.items(key):
            ident = as_ident(value)
            if ident is None:
                self.problem(f"'{key}' entries must be ids (text), got {show(value)}")
            else:
                found.append(ident)
        return tuple(found)

    def finish(self, also_allowed: Iterable[str] = ()) -> None:
        """Report keys that no getter asked for: usually a typo."""
        known = self._seen | set(also_allowed)
        for key in self._raw:
            if key not in known:
                expected = ", ".join(sorted(known))
                self.problem(f"unknown field {show(key)} (expected one of: {expected})")
