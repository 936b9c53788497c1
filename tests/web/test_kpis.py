"""Today's KPIs for the operations page: a pure function of the day's jobs."""

from __future__ import annotations

import dataclasses

from fleet.core.model import ItemCategory, Job, JobKind, JobStatus, Priority
from fleet.web.kpis import today_kpis

T0 = 1_800_000_000.0


def _job(
    job_id: str,
    status: JobStatus,
    *,
    lead_s: float = 0.0,
    priority: Priority = Priority.ROUTINE,
    due_in_s: float | None = None,
    kind: JobKind = JobKind.DELIVERY,
) -> Job:
    job = Job(
        id=job_id,
        kind=kind,
        pickup="pharmacy",
        dropoff="ward_2a",
        category=ItemCategory.PERSON
        if kind == JobKind.GUIDANCE
        else ItemCategory.MEDICATION,
        requested_by="station",
        created_at=T0,
        priority=priority,
    )
    return dataclasses.replace(
        job,
        status=status,
        updated_at=T0 + lead_s,
        due_at=None if due_in_s is None else T0 + due_in_s,
    )


def test_no_jobs_gives_zeros_and_no_rates() -> None:
    """An empty day has counts of zero and no rate or percentile to show."""
    kpis = today_kpis([], day="2027-01-15")
    assert kpis["deliveries"] == 0 and kpis["requested"] == 0
    assert kpis["on_time_rate"] is None
    assert kpis["stat_p95_s"] is None and kpis["lead_times"] == []


def test_counts_rates_and_lead_times() -> None:
    """Deliveries, on-time among jobs with a due time, STAT p95 over STAT jobs only."""
    jobs = [
        _job("a", JobStatus.COMPLETED, lead_s=600, due_in_s=900),
        _job("b", JobStatus.COMPLETED, lead_s=1200, due_in_s=900),
        _job("c", JobStatus.COMPLETED, lead_s=300, priority=Priority.STAT),
        _job("d", JobStatus.COMPLETED, lead_s=60, kind=JobKind.GUIDANCE),
        _job("e", JobStatus.CANCELLED, lead_s=10),
        _job("f", JobStatus.TO_PICKUP),
    ]
    kpis = today_kpis(jobs, day="2027-01-15")
    assert kpis["requested"] == 6
    assert (kpis["deliveries"], kpis["guidances"], kpis["completed"]) == (3, 1, 4)
    assert (kpis["cancelled"], kpis["failed"], kpis["open"]) == (1, 0, 1)
    assert kpis["with_due"] == 2 and kpis["on_time_rate"] == 0.5
    assert kpis["stat_completed"] == 1 and kpis["stat_p95_s"] == 300.0
    assert [item["job_id"] for item in kpis["lead_times"]] == ["d", "c", "a", "b"]
    assert kpis["lead_times"][1] == {
        "job_id": "c",
        "priority": "stat",
        "lead_s": 300.0,
        "completed_at": T0 + 300,
    }
