"""`porter serve --demo --demo-traffic`: the demo requests go from requested to
completed on their own (tests/fleet/test_service_leadership.py runs it in a
process that does not dispatch)."""

from __future__ import annotations

import asyncio

from fleet.api.compose import assemble
from fleet.api.demo_traffic import DEMO, DemoTraffic
from fleet.core.model import JobStatus
from fleet.core.ports import JobQuery
from fleet.service.service import FleetService
from tests.e2e.server import settings_for


async def completed_demo_jobs(
    service: FleetService, count: int, timeout_s: float
) -> int:
    """How many demo jobs completed once ``count`` have, or the time is up."""
    query = JobQuery(statuses=frozenset({JobStatus.COMPLETED}), requested_by=DEMO.id)
    deadline = asyncio.get_running_loop().time() + timeout_s
    done = 0
    while asyncio.get_running_loop().time() < deadline:
        done = len(service.jobs(query))
        if done >= count:
            break
        await asyncio.sleep(0.2)
    return done


def test_demo_traffic_requests_and_confirms_until_jobs_complete(
    database_url: str,
) -> None:
    """Requests are made, hand-offs (with the PIN where needed) confirmed: jobs end."""
    assembly = assemble(settings_for(database_url))

    async def run() -> int:
        await assembly.service.start()
        traffic = asyncio.create_task(DemoTraffic(assembly.service, every_s=0.3).run())
        try:
            return await completed_demo_jobs(assembly.service, 3, timeout_s=60)
        finally:
            traffic.cancel()
            await asyncio.gather(traffic, return_exceptions=True)
            await assembly.service.stop()

    try:
        assert asyncio.run(run()) >= 3
    finally:
        assembly.close()
