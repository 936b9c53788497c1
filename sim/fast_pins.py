"""Cheap PIN hashes while a simulation runs.

The core hashes each secure item's PIN with scrypt at a cost (``n = 2**14``)
meant to slow an attacker holding the database down: about 0.1 s per hash and
again per check, which would spend most of a simulated day's wall time on
hashing. A simulation has no attacker, so for its duration the scrypt cost is
lowered to ``n = 2**4`` (the stored hash records its own parameters, so checks
follow). The PIN is still hashed and checked by the core's own code: a wrong PIN
is still refused. The service never enters this context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fleet.core import credentials

SIMULATION_COST = 2**4


@contextmanager
def quick_pin_hashes() -> Iterator[None]:
    saved = credentials._N
    credentials._N = SIMULATION_COST
    try:
        yield
    finally:
        credentials._N = saved
