"""Sub-fleets of a large problem: which robots, docks and jobs each one gets.

:mod:`planners.decompose` plans a large problem cluster by cluster; this module
makes the clusters:

- **Sub-fleets**: ``k = ceil(robots / cluster_robots)`` clusters (a count that
  does not move with every new request, so clusters stay put between re-plans).
  Robots are grouped by capability set and capacity and each group is dealt
  round-robin, so every cluster has a cross-section of the fleet (secure
  drawers, refrigeration, guides) and can serve the whole building. Planners
  know no levels or zones (nodes are bare names), and in a hospital most loads
  start on one level (pharmacy, kitchen, stores: all on L0 in the demo
  hospital), so a split by pickup level would put most jobs in one cluster.
- **Chargers**: each charger's docks are dealt over the clusters (a charger with
  two docks may serve two clusters with one each), so clusters can never overbook
  a dock between them. With fewer docks than clusters, robots low on battery
  (within :data:`LOW_MARGIN` of their reserve) are dealt only to clusters that
  hold a dock, before the others; so are robots that charge in the previous
  plan (cold: in greedy's plan of the whole problem), to a cluster holding a dock
  of the charger they use, so a cluster's own greedy plan can charge them as the
  whole plan does (a robot dealt to a cluster without docks was left unable to
  charge, and its cluster's plans late: 5 min at 200 x 2,000).
- **Jobs**: a job on board, or routed in ``previous``, stays with its robot's
  cluster (plans stay stable). Without a previous plan, every job goes to the
  cluster of the robot that greedy gives it in a plan of the *whole* problem
  (greedy knows which robot can finish each job earliest, counting the jobs it
  already carries), so each cluster receives work its robots can do as well as
  greedy does: dealing jobs by a cheaper estimate instead left sub-fleets with
  more than they could finish in time (984 min late in total at 200 robots x
  2,000 jobs against greedy's 0). With a previous plan, a new job (and one greedy
  left out) goes to the capable cluster whose robot could start it earliest if
  appended to its previous route (robot's last planned departure plus the travel
  to the pickup), that robot then being counted busy until the job's drop-off: a
  cheap, vectorised greedy (one request at a time does not need the whole
  greedy plan, whose 0.6 s of CPU at 2,000 jobs would eat the re-plan budget).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from planners.greedy import dispatch_greedy
from planners.problem import Charger, DispatchProblem, Job, Plan, Robot, StopKind
from planners.timeline import can_serve, start_time

#: A robot this close to its reserve goes to a cluster that holds a dock.
LOW_MARGIN = 0.25


@dataclass(frozen=True, slots=True)
class Cluster:
    """One sub-fleet with its jobs and dock shares, and whether it must be solved."""

    problem: DispatchProblem
    dirty: bool


def split(
    problem: DispatchProblem, previous: Plan | None, cluster_robots: int
) -> list[Cluster]:
    """The clusters of ``problem``; a cluster is dirty if it got a new job."""
    k = max(1, math.ceil(len(problem.robots) / cluster_robots))
    docks = _deal_docks(problem.chargers, k)
    # Cold: the whole problem's greedy plan says who serves what and who charges.
    base = previous if previous is not None else dispatch_greedy(problem)
    fleets = _deal_robots(problem.robots, docks, _charging(base))
    cluster_of = {robot.id: n for n, fleet in enumerate(fleets) for robot in fleet}
    routed = {} if previous is None else previous.robots_by_job()
    jobs: list[list[Job]] = [[] for _ in range(k)]
    dirty = [previous is None] * k
    onboard = {jid: robot.id for robot in problem.robots for jid in robot.onboard}
    chooser = _Chooser(problem, fleets, previous)
    greedy = {} if previous is not None else base.robots_by_job()
    # Most urgent first, so a STAT job sees robots not yet booked by routine work.
    urgency = sorted(problem.jobs, key=lambda j: (j.priority, j.ready_at, j.created_at))
    for job in urgency:
        owner = onboard.get(job.id) or routed.get(job.id) or greedy.get(job.id)
        if owner in cluster_of:
            jobs[cluster_of[owner]].append(job)
            continue
        n = chooser.choose(job)
        jobs[n].append(job)
        if previous is None or job.id not in previous.unassigned:
            dirty[n] = True
    return [
        Cluster(
            replace(
                problem, robots=tuple(fleets[n]), jobs=tuple(jobs[n]), chargers=docks[n]
            ),
            dirty[n],
        )
        for n in range(k)
    ]


def _deal_robots(
    robots: Sequence[Robot],
    docks: list[tuple[Charger, ...]],
    charging: dict[str, str],
) -> list[list[Robot]]:
    """Robots that charge (in ``charging``: robot id -> charger node) or are low,
    dealt over the clusters holding a dock (of that charger when there is one);
    then each capability group round-robin, continuing from cluster to cluster."""
    k = len(docks)
    fleets: list[list[Robot]] = [[] for _ in range(k)]
    docked = [n for n in range(k) if docks[n]]
    holders = {
        node: [n for n in docked if any(c.node == node for c in docks[n])]
        for node in set(charging.values())
    }
    first = [r for r in robots if docked and (r.id in charging or _low(r))]
    dealt: dict[tuple[int, ...], int] = defaultdict(int)
    for robot in first:
        among = tuple(holders.get(charging.get(robot.id, ""), ()) or docked)
        fleets[among[dealt[among] % len(among)]].append(robot)
        dealt[among] += 1
    groups: dict[tuple[frozenset[str], int], list[Robot]] = defaultdict(list)
    chosen = {robot.id for robot in first}
    for robot in robots:
        if robot.id not in chosen:
            groups[(robot.capabilities, robot.capacity)].append(robot)
    turn = len(first)
    for key in sorted(groups, key=lambda g: (sorted(g[0]), g[1])):
        for robot in groups[key]:
            fleets[turn % k].append(robot)
            turn += 1
    # In the problem's order: greedy breaks ties by it, so a cluster's greedy
    # plan picks the robot the whole problem's greedy plan picks.
    order = {robot.id: i for i, robot in enumerate(robots)}
    return [sorted(fleet, key=lambda robot: order[robot.id]) for fleet in fleets]


def _charging(plan: Plan | None) -> dict[str, str]:
    """Robot id -> the charger of its first charge stop in ``plan``."""
    if plan is None:
        return {}
    return {
        robot_id: next(s.node for s in stops if s.kind is StopKind.CHARGE)
        for robot_id, stops in plan.routes.items()
        if any(s.kind is StopKind.CHARGE for s in stops)
    }


def _low(robot: Robot) -> bool:
    return robot.drain_per_m > 0 and robot.battery_soc - robot.reserve_soc <= LOW_MARGIN


def _deal_docks(chargers: Sequence[Charger], k: int) -> list[tuple[Charger, ...]]:
    """Every dock of every charger given to one cluster, round-robin; a dock taken
    when the problem was made goes with its time of release."""
    shares: list[dict[str, Charger]] = [{} for _ in range(k)]
    turn = 0
    for charger in chargers:
        taken = sorted(charger.occupied_until)
        for dock in range(charger.docks):
            mine = shares[turn % k]
            # More docks taken than there are (a report ahead of the map) stay
            # with the charger's last dock.
            until = tuple(
                taken[dock : dock + 1] if dock + 1 < charger.docks else taken[dock:]
            )
            held = mine.get(charger.node)
            if held is None:
                mine[charger.node] = replace(charger, docks=1, occupied_until=until)
            else:
                mine[charger.node] = replace(
                    held,
                    docks=held.docks + 1,
                    occupied_until=held.occupied_until + until,
                )
            turn += 1
    return [tuple(share.values()) for share in shares]


class _Chooser:
    """Picks the capable cluster whose robot could start a new job earliest."""

    def __init__(
        self,
        problem: DispatchProblem,
        fleets: list[list[Robot]],
        previous: Plan | None,
    ) -> None:
        self.problem, self.fleets = problem, fleets
        travel = problem.travel
        self.robots = [robot for fleet in fleets for robot in fleet]
        self.cluster = np.array([n for n, f in enumerate(fleets) for _ in f], int)
        node, time = [], []
        for robot in self.robots:
            stops = previous.routes.get(robot.id, ()) if previous else ()
            last = stops[-1] if stops else None
            where = last.node if last else robot.start
            node.append(travel.index(where) if where in travel.nodes else -1)
            time.append(last.departure if last else start_time(problem, robot))
        self.node, self.time = np.array(node), np.array(time)
        self.speed = np.array([r.speed_factor for r in self.robots])
        self.load = np.zeros(len(fleets))

    def choose(self, job: Job) -> int:
        """The cluster of the robot that could start ``job`` first; that robot's
        estimated end moves to the job's drop-off, so the next job sees it busy."""
        travel = self.problem.travel
        able = np.array(
            [can_serve(r, job) and r.capacity >= job.size for r in self.robots], bool
        )
        able &= self.node >= 0
        if job.pickup not in travel.nodes or job.dropoff not in travel.nodes:
            able[:] = False
        if not able.any():
            n = int(np.argmin(self.load))
            self.load[n] += 1
            return n
        p, d = travel.index(job.pickup), travel.index(job.dropoff)
        legs = travel.times["standard"][self.node, p] / self.speed
        start = np.maximum(self.time + legs, job.ready_at)
        start = np.where(able & np.isfinite(start), start, math.inf)
        if not np.isfinite(start).any():
            start = np.where(able, self.load[self.cluster], math.inf)
        i = int(np.argmin(start))
        loaded = travel.times.get(job.load_class, travel.times["standard"])[p, d]
        busy = job.pickup_service_s + loaded / self.speed[i] + job.dropoff_service_s
        if np.isfinite(start[i] + busy):
            self.time[i] = start[i] + busy
            self.node[i] = d
        n = int(self.cluster[i])
        self.load[n] += 1
        return n
