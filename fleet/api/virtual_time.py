"""What the core must know of a virtual world that runs faster than life.

``porter serve`` runs its virtual robots, lifts and doors ``speed`` times faster
than real ones (ten by default), while the core keeps the wall clock: requests,
the audit trail and the pages' "arrives in 4 min" are all in real time. To that
clock the sped-up building simply *is* a faster building: every drive, lift ride
and door takes ``1/speed`` of its time, every hand-off is quicker, every charge
``speed`` times faster. Told anything else, the planner promised ETAs ``speed``
times too late and weighed a docked robot against an idle one on different
clocks (a docked robot looked free too late, or, with only charging sped up, too
soon). Distances and battery per metre do not change with the clock.

People's patience (``handoff_wait_s``) and the network's (the offline timeout)
are not sped up: the nurse and the Wi-Fi live in real time. The times of the
building come from ``maps.matrix.TravelTimes(building, speedup=speed)``.
"""

from __future__ import annotations

from dataclasses import replace

from fleet.core.config import CoreConfig

__all__ = ["sped_up_core"]


def sped_up_core(config: CoreConfig, speedup: float) -> CoreConfig:
    """``config`` with the world's durations and rates as the wall clock sees
    them when the world runs ``speedup`` times faster."""
    if speedup <= 0:
        raise ValueError(f"speedup is {speedup}; must be > 0")
    return replace(
        config,
        pickup_service_s=config.pickup_service_s / speedup,
        dropoff_service_s=config.dropoff_service_s / speedup,
        battery_charge_per_s=config.battery_charge_per_s * speedup,
    )
