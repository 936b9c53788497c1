"""Today's key figures for the operations page, from the jobs of the day.

A pure function of the jobs (no clock, no store): the route passes the jobs
created since midnight. A job's completion time is the time of its last change
(``updated_at``), which for a completed job is the confirmed hand-off. Figures
follow ``sim.kpis``: lead time is request to completion; the on-time rate counts
the completed jobs that had a due time; STAT p95 is over completed STAT jobs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from fleet.core.model import Job, JobKind, JobStatus, Priority

__all__ = ["today_kpis"]

_ENDED = frozenset({JobStatus.COMPLETED, JobStatus.CANCELLED, JobStatus.FAILED})


def _p95(values: list[float]) -> float | None:
    return round(float(np.percentile(values, 95)), 1) if values else None


def today_kpis(jobs: Iterable[Job], *, day: str) -> dict[str, Any]:
    """Counts, on-time rate, lead-time percentiles and the lead time of each job."""
    jobs = list(jobs)
    done = [j for j in jobs if j.status == JobStatus.COMPLETED]
    lead = {j.id: max(0.0, j.updated_at - j.created_at) for j in done}
    stat = [lead[j.id] for j in done if j.priority == Priority.STAT]
    with_due = [j for j in done if j.due_at is not None]
    on_time = [j for j in with_due if j.updated_at <= (j.due_at or 0.0)]
    all_lead = list(lead.values())
    return {
        "day": day,
        "requested": len(jobs),
        "deliveries": sum(1 for j in done if j.kind == JobKind.DELIVERY),
        "guidances": sum(1 for j in done if j.kind == JobKind.GUIDANCE),
        "completed": len(done),
        "cancelled": sum(1 for j in jobs if j.status == JobStatus.CANCELLED),
        "failed": sum(1 for j in jobs if j.status == JobStatus.FAILED),
        "open": sum(1 for j in jobs if j.status not in _ENDED),
        "with_due": len(with_due),
        "on_time_rate": round(len(on_time) / len(with_due), 4) if with_due else None,
        "stat_completed": len(stat),
        "stat_p95_s": _p95(stat),
        "lead_p50_s": (
            round(float(np.percentile(all_lead, 50)), 1) if all_lead else None
        ),
        "lead_p95_s": _p95(all_lead),
        "lead_times": [
            {
                "job_id": j.id,
                "priority": j.priority.name.lower(),
                "lead_s": round(lead[j.id], 1),
                "completed_at": j.updated_at,
            }
            for j in sorted(done, key=lambda j: j.updated_at)
        ],
    }
