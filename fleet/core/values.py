"""Frozen dataclass values built fast: :func:`planners.values.positional`, here
for the core's own values (robot copies, decisions, poses), and :func:`replacer`
for the copies the lifecycles make on every transition."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar

from planners.values import positional

__all__ = ["positional", "replacer"]

T = TypeVar("T")


def replacer(cls: type[T]) -> Callable[..., T]:
    """``dataclasses.replace`` for ``cls`` (a slotted dataclass :func:`positional`
    accepts), without its per-call walk over the fields: the values are read in
    one C call and the copy built slot by slot. An unknown field is a
    ``TypeError``, as ``dataclasses.replace`` makes it."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    position = {name: i for i, name in enumerate(names)}
    values_of = operator.attrgetter(*names)
    build = positional(cls)

    def replace(value: T, /, **changes: Any) -> T:
        values = list(values_of(value))
        for name, changed in changes.items():
            if name not in position:
                raise TypeError(f"{cls.__name__} has no field {name!r}")
            values[position[name]] = changed
        return build(values)

    return replace
