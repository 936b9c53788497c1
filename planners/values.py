"""Frozen dataclass values built fast, for the most frequent values of a day.

A frozen dataclass's ``__init__`` sets each field with ``object.__setattr__``,
looked up by name per field; a simulated hospital day builds ~100,000 robot
copies, decisions and robot reports that way. :func:`positional` makes a builder
that takes every field's value in order and sets each slot through its own
descriptor, about twice as fast, with the same value (frozen, equal, hashable).
:func:`by_fields` is the ``__reduce__`` that pickles such values through their
``__init__``, which works compiled too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["by_fields", "positional"]


def positional(cls: type[T]) -> Callable[[Sequence[Any]], T]:
    """``lambda values: cls(*values)`` for a slotted dataclass whose ``__init__``
    only stores its fields (no ``__post_init__``, no ``init=False`` field):
    ``values`` must hold every field, in declaration order."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: its __init__ does more than store fields")
    if "__mypyc_attrs__" in cls.__dict__:
        # Compiled by mypyc (porter_native): its native __init__ already stores
        # the fields without the interpreter, and it has no slot descriptors.
        return partial(_construct, cls)
    if "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__}: not a slotted dataclass")
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = ["def build(values):", "    value = new(cls)"]
    for i, f in enumerate(fields):
        scope[f"set_{i}"] = getattr(cls, f.name).__set__
        lines.append(f"    set_{i}(value, values[{i}])")
    lines.append("    return value")
    exec("\n".join(lines), scope)  # the source names only the class's own fields
    build: Callable[[Sequence[Any]], T] = scope["build"]
    return build


def _construct(cls: type[T], values: Sequence[Any]) -> T:
    return cls(*values)


def by_fields(value: Any) -> tuple[type, tuple[Any, ...]]:
    """A frozen dataclass's ``__reduce__``: pickled as its ``__init__`` arguments.

    Pickle's default sets the fields one by one after creating the object,
    which a frozen dataclass compiled by mypyc (porter_native) refuses; through
    ``__init__`` it is the same value either way, ``__post_init__`` included."""
    init = tuple(getattr(value, f.name) for f in dataclasses.fields(value) if f.init)
    return type(value), init
