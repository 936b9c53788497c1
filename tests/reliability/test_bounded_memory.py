"""What a long-running service keeps in memory is bounded (the soak's memory part)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from fleet.core.credentials import hash_secret
from fleet.service.slow_hash import check_secret, on_hash_thread, secret_hash
from maps import matrix
from maps.matrix import TravelTimes
from tests.maps.handmade_buildings import clinic


def test_travel_matrices_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every re-plan names new nodes: only the most recently used matrices stay."""
    monkeypatch.setattr(matrix, "MATRICES_KEPT", 3)
    travel = TravelTimes(clinic())
    places = ["pharmacy", "ward_1", "station_1", "g_a"]
    two, three = travel.matrix(places[:2]), travel.matrix(places[:3])
    travel.matrix(places)
    assert travel.matrix(places[:2]) is two  # used again: the most recent now
    travel.matrix(places[1:])
    travel.matrix(places[2:])
    assert len(travel._cache) == 3
    assert travel.matrix(places[:2]) is two
    assert travel.matrix(places[:3]) is not three  # least recently used: dropped


def test_slow_hashes_share_one_thread() -> None:
    """scrypt's 16 MiB buffer stays in the arena of each thread that ever hashed:
    PIN and token hashes all run on one thread, so at most one is kept."""

    async def hash_at_once() -> set[str]:
        names = await asyncio.gather(
            *(
                on_hash_thread(lambda: threading.current_thread().name)
                for _ in range(4)
            ),
            on_hash_thread(hash_secret, "2468"),
        )
        return set(names[:4])

    (name,) = asyncio.run(hash_at_once())
    assert name.startswith("porter-scrypt")


def test_pin_hashes_made_off_the_loop_still_check() -> None:
    """A PIN hashed on the hashing thread checks there; a wrong one fails."""

    async def round_trip() -> tuple[bool, bool]:
        hashed = await secret_hash("2468")
        return await check_secret("2468", hashed), await check_secret("1357", hashed)

    assert asyncio.run(round_trip()) == (True, False)
