"""Errors about building maps that name the file, the level and the element."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MapProblem:
    """One thing wrong with a map. ``level`` and ``element`` are ``""`` when moot."""

    source: str
    level: str
    element: str
    message: str

    def __str__(self) -> str:
        where = [self.source or "<building>"]
        if self.level:
            where.append(f"level {self.level}")
        if self.element:
            where.append(self.element)
        return f"{': '.join(where)}: {self.message}"


class MapError(ValueError):
    """A map that cannot be used. Carries every problem found, not just the first."""

    def __init__(self, problems: list[MapProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in map"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class NoRouteError(LookupError):
    """No legal route between two points; the message names the rule that blocks."""
