"""Reading the fields of a scenario file, with errors that name the field."""

from __future__ import annotations

import math
from typing import Any


class ScenarioError(ValueError):
    """A scenario file is wrong: which file, which field, and why."""

    def __init__(self, source: str, where: str, why: str) -> None:
        self.source, self.where, self.why = source, where, why
        at = f" {where}" if where else ""
        super().__init__(f"{source}:{at}: {why}")


def mapping(raw: object, source: str, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ScenarioError(source, where, f"expected a mapping, got {raw!r}")
    return {str(k): v for k, v in raw.items()}


def number(
    raw: object,
    source: str,
    where: str,
    low: float | None = None,
    high: float | None = None,
) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ScenarioError(source, where, f"expected a number, got {raw!r}")
    value = float(raw)
    if not math.isfinite(value):
        raise ScenarioError(source, where, f"{raw!r} is not finite")
    if low is not None and value < low:
        raise ScenarioError(source, where, f"{raw!r} is below {low:g}")
    if high is not None and value > high:
        raise ScenarioError(source, where, f"{raw!r} is above {high:g}")
    return value


def places(raw: object, source: str, where: str) -> tuple[str, ...]:
    """One place id or a list of them (``kind:ward`` selects by kind)."""
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise ScenarioError(source, where, "expected a place id or a list of them")
    for item in items:
        if not isinstance(item, str):
            raise ScenarioError(source, where, f"expected a place id, got {item!r}")
    return tuple(items)


def profile(raw: object, source: str, where: str) -> tuple[float, ...]:
    """24 non-negative hourly weights, not all zero."""
    if not isinstance(raw, list) or len(raw) != 24:
        raise ScenarioError(source, where, "expected a list of 24 hourly weights")
    weights = tuple(
        number(v, source, f"{where}[{h}]", low=0) for h, v in enumerate(raw)
    )
    if not any(weights):
        raise ScenarioError(source, where, "every hourly weight is zero")
    return weights


def shares(
    raw: object, source: str, where: str, *, total: bool = True
) -> dict[str, float]:
    """Shares by name; with ``total`` they are normalised to sum to one."""
    items = mapping(raw, source, where)
    values = {k: number(v, source, f"{where}.{k}", low=0) for k, v in items.items()}
    sum_ = sum(values.values())
    if total:
        if not sum_ > 0:
            raise ScenarioError(source, where, "shares must not all be zero")
        return {k: v / sum_ for k, v in values.items()}
    if sum_ > 1 + 1e-9:
        raise ScenarioError(source, where, f"shares add up to {sum_:g} (> 1)")
    return values


def clock_time(raw: object, source: str, where: str) -> float:
    """``"07:30"`` (or ``"31:00"`` for the next day) as seconds after midnight.

    An unquoted ``07:30`` reaches us from YAML 1.1 as the sexagesimal integer 450
    (minutes); it is read as such.
    """
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw * 60.0
    text = str(raw) if raw is not None else ""
    parts = text.split(":")
    try:
        hours, minutes = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        hours = minutes = -1
    if len(parts) > 2 or hours < 0 or not 0 <= minutes < 60:
        raise ScenarioError(source, where, f"expected a time like 07:30, got {raw!r}")
    return hours * 3600.0 + minutes * 60.0
