"""Robots that must charge between jobs keep greedy's routes; OR-Tools plans the rest.

OR-Tools' model charges a robot only before its route
(:mod:`planners.ortools.charging`), so when a robot has too little charge for the
work queued for it (a guide robot with hours of escorts waiting, on a small fleet)
the model must leave out what greedy serves after a charge, at the price of an
unassigned job. Measured on the demo hospital's morning peak with 8 robots (2 h,
seed 1, 243 re-plans): in 43 snapshots greedy's plan docked a robot between its
jobs; OR-Tools lost to greedy's floor in 32 of them, after descents of 1.2 s on
average (50 s of the run's 72 s of search; 0.11 s on the other snapshots).

So such a snapshot is split when the robot is also far behind (more pickups in
greedy's route than ``planners.dispatch.OVERLOADED_JOBS_PER_ROBOT``): the robots
greedy docks between jobs, with what they carry, the jobs greedy has them pick
up before the charge and those after it no other robot can serve, are planned
by greedy alone; every other robot and job by OR-Tools, with greedy's plan of
that part as its floor. The two parts share no robot and no job, so the union is
a plan of the whole and its objective the sum of theirs; it is kept only when it
shares the docks without overbooking them and costs no more than greedy's plan
of the whole. On that peak: 113 s -> 45 s of wall time, 186 jobs completed
against 181, mean lead time 1,160 -> 1,124 s, p95 2,816 -> 2,556 s, STAT p95
954 -> 956 s. Short routes stay with OR-Tools: split too, the demo day's 19 such
snapshots (20 robots) moved its STAT p95 from 634 to 690 s; with the threshold
the day is unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from planners.problem import DispatchProblem, Plan, StopKind
from planners.timeline import can_serve

__all__ = ["charging_between_jobs", "split", "union"]


def charging_between_jobs(plan: Plan, more_than: int = 0) -> frozenset[str]:
    """The robots of ``plan`` that dock after a pickup or drop-off of their
    route, among those with more than ``more_than`` pickups in it."""
    found = set()
    for robot_id, stops in plan.routes.items():
        if sum(stop.kind is StopKind.PICKUP for stop in stops) <= more_than:
            continue
        served = False
        for stop in stops:
            if stop.kind is StopKind.CHARGE and served:
                found.add(robot_id)
                break
            served = served or stop.job_id is not None
    return frozenset(found)


def split(
    problem: DispatchProblem, robot_ids: frozenset[str], plan: Plan
) -> tuple[DispatchProblem, DispatchProblem]:
    """``problem`` as two: the robots ``robot_ids`` with what they carry, the jobs
    ``plan`` has them pick up before their charge, and those it has them pick
    up after it that no other robot can serve; and everything else.

    Jobs queued behind a charge wait for it (most of an hour at the demo's
    rates): another robot may serve them sooner, so OR-Tools gets them when one
    can.
    """
    others = [r for r in problem.robots if r.id not in robot_ids]
    jobs = {job.id: job for job in problem.jobs}
    theirs: set[str] = set()
    for robot in problem.robots:
        if robot.id not in robot_ids:
            continue
        theirs.update(robot.onboard)
        served = charged = False
        for stop in plan.routes.get(robot.id, ()):
            charged = charged or (stop.kind is StopKind.CHARGE and served)
            served = served or stop.job_id is not None
            job = jobs.get(stop.job_id or "")
            if job is None or stop.kind is not StopKind.PICKUP:
                continue
            if not charged or not any(can_serve(r, job) for r in others):
                theirs.add(job.id)

    def part(own: bool) -> DispatchProblem:
        return replace(
            problem,
            robots=tuple(r for r in problem.robots if (r.id in robot_ids) == own),
            jobs=tuple(j for j in problem.jobs if (j.id in theirs) == own),
        )

    return part(True), part(False)


def union(charging: Plan, rest: Plan, note: str) -> Plan:
    """One plan from the two parts' plans (they share no robot and no job)."""
    return Plan(
        routes={**charging.routes, **rest.routes},
        unassigned={**charging.unassigned, **rest.unassigned},
        objective=charging.objective + rest.objective,
        solver=rest.solver,
        notes=(*rest.notes, note),
    )
