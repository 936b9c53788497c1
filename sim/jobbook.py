"""What happened to each job, read from the audit events the core decided.

The book is the simulator's record for the KPIs: when each job was requested,
first assigned, loaded, handed over and how it ended, read from the very audit
trail the service would persist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fleet.core.model import Job, JobStatus
from sim.demand import Request


@dataclass
class JobRecord:
    id: str
    request: Request
    status: JobStatus = JobStatus.REQUESTED
    #: First time the job entered each status (loading and unloading: last time).
    times: dict[str, float] = field(default_factory=dict)
    robot: str | None = None
    refused: str | None = None

    @property
    def done_at(self) -> float | None:
        return self.times.get(JobStatus.COMPLETED.value)


_LAST = frozenset({JobStatus.LOADING.value, JobStatus.UNLOADING.value})


class JobBook:
    """Every request and the statuses its job went through."""

    def __init__(self) -> None:
        self.records: dict[str, JobRecord] = {}

    def requested(self, request: Request) -> None:
        self.records[request.id] = JobRecord(request.id, request)

    def refused(self, request: Request, why: str) -> None:
        record = self.records[request.id]
        record.refused = why

    def changed(self, job: Job, events: tuple[object, ...]) -> None:
        record = self.records.get(job.id)
        if record is None:
            return
        for event in events:
            after = getattr(event, "after", None)
            if after is None or after == getattr(event, "before", None):
                continue
            if after in _LAST or after not in record.times:
                record.times[after] = float(getattr(event, "at", 0.0))
        record.status = job.status
        record.robot = job.robot_id or record.robot

    def counts(self) -> dict[str, int]:
        """How many jobs are in each status now (refused requests apart)."""
        found: dict[str, int] = {}
        for record in self.records.values():
            key = "refused" if record.refused else record.status.value
            found[key] = found.get(key, 0) + 1
        return dict(sorted(found.items()))
