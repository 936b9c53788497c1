"""A trickle of demo requests for ``porter serve --demo --demo-traffic``.

So that a new user sees deliveries go from requested to completed without typing
a request: every few seconds one plausible request is made (medication from the
pharmacy, a specimen to the lab, a meal, linen, now and then a controlled
substance with a PIN or a guidance from reception), and the people at the robot
are played too: loading, hand-offs and returns of these demo jobs are confirmed a
moment after the robot starts waiting. Requests the building refuses (no route
for that load, say) are skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

from fleet.core.errors import FleetError
from fleet.core.model import ItemCategory, JobKind, JobStatus, Principal, Role
from fleet.core.ports import JobQuery
from fleet.core.requests import NewJob
from fleet.service.service import FleetService
from maps.model import Building, PlaceKind

__all__ = ["DemoTraffic"]

log = logging.getLogger(__name__)

DEMO = Principal(id="demo-traffic", role=Role.OPERATOR)
DEMO_PIN = "2468"
_WAITING = frozenset({JobStatus.LOADING, JobStatus.UNLOADING, JobStatus.RETURNING})


class DemoTraffic:
    """Makes demo requests and confirms their hand-offs, until cancelled."""

    def __init__(
        self, service: FleetService, *, every_s: float = 6.0, seed: int = 4
    ) -> None:
        self.service = service
        self.every_s = every_s
        self.rng = random.Random(seed)

    async def run(self) -> None:
        next_request = 0.0
        loop = asyncio.get_running_loop()
        while True:
            if loop.time() >= next_request:
                await self._request()
                next_request = loop.time() + self.every_s * self.rng.uniform(0.5, 1.5)
            await self._confirm_waiting()
            await asyncio.sleep(1.0)

    async def _request(self) -> None:
        new = self._new_job(self.service.building)
        if new is None:
            return
        try:
            await self.service.request_job(new, DEMO)
        except FleetError as error:
            log.debug("demo request skipped: %s", error)

    async def _confirm_waiting(self) -> None:
        # From the database, not the core: a process that does not dispatch
        # (several on one database) runs the demo traffic too.
        query = JobQuery(statuses=_WAITING, requested_by=DEMO.id)
        try:
            waiting = await asyncio.to_thread(self.service.jobs, query)
        except FleetError as error:
            log.debug("demo hand-offs skipped: %s", error)
            return
        for job in waiting:
            pin = DEMO_PIN if job.is_secure else None
            with contextlib.suppress(FleetError):
                await self.service.confirm_handoff(job.id, pin, DEMO)

    def _new_job(self, building: Building) -> NewJob | None:
        def places(kind: PlaceKind) -> list[str]:
            found = building.places_of_kind(kind)
            return [p.id for p in found if "soiled" not in p.id]

        wards = places(PlaceKind.WARD)
        if not wards:
            return None
        ward = self.rng.choice(wards)
        roll = self.rng.random()
        options: list[tuple[list[str], str, ItemCategory]] = [
            (places(PlaceKind.PHARMACY), ward, ItemCategory.MEDICATION),
            (places(PlaceKind.KITCHEN), ward, ItemCategory.MEAL),
            (places(PlaceKind.LINEN), ward, ItemCategory.LINEN),
            (places(PlaceKind.STORES), ward, ItemCategory.SUPPLIES),
        ]
        if roll < 0.15 and places(PlaceKind.LAB):
            return NewJob(JobKind.DELIVERY, ward, places(PlaceKind.LAB)[0],
                          ItemCategory.SPECIMEN)  # fmt: skip
        if roll < 0.25 and places(PlaceKind.PHARMACY):
            return NewJob(
                JobKind.DELIVERY, places(PlaceKind.PHARMACY)[0], ward,
                ItemCategory.CONTROLLED_SUBSTANCE, recipient="ward nurse",
                pin=DEMO_PIN,
            )  # fmt: skip
        if roll < 0.32 and places(PlaceKind.RECEPTION):
            clinics = places(PlaceKind.CLINIC) or wards
            return NewJob(JobKind.GUIDANCE, places(PlaceKind.RECEPTION)[0],
                          self.rng.choice(clinics), ItemCategory.PERSON)  # fmt: skip
        senders, dropoff, category = self.rng.choice(
            [option for option in options if option[0]] or options[:1]
        )
        if not senders:
            return None
        return NewJob(JobKind.DELIVERY, self.rng.choice(senders), dropoff, category)
