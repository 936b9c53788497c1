"""Greedy's choice of robot: when each robot could finish each job, if it took it next.

A job's score for a robot is the departure from its drop-off were the robot to go
straight to it from where its route ends (its node, time and charge): ``inf`` where
it lacks what the job needs, is too small, is too late for a hard time, or would
run below its reserve; a robot too low for the job but able to charge first is
scored from the nearest charger, charged. A job moved away from its robot in the
previous plan costs ``costs.reassignment`` seconds more on every other robot.

A score depends only on the job and on that one robot's end, so all jobs of a
snapshot are scored against all robots at once (numpy, jobs x robots), and when a
robot takes a job only its own column goes stale. A job's row is the first pass's,
with the robots changed since re-scored one entry at a time in plain Python while
they are few, or their columns again with numpy once they are many. Both forms do
the same arithmetic in the same order, so the scores are the same to the bit
(``tests/planners/test_greedy_scores.py``): which form computed them never changes
greedy's choice. Numpy's overhead per call, not arithmetic, is what scoring one job
against 20 robots at a time cost (~21,000 times a simulated hospital day).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from planners.greedy_fleet import FleetArrays, RobotEnds
from planners.greedy_jobs import JobArrays
from planners.problem import Job
from planners.timeline import EPS

#: Stale entries (robots changed since the last numpy pass, times the jobs left)
#: beyond which their columns are re-scored by numpy, not one entry at a time.
STALE_ENTRIES_KEPT = 120


class Scores:
    """Per job (in placing order) and robot: score and whether to charge first."""

    def __init__(
        self,
        fleet: FleetArrays,
        ends: RobotEnds,
        jobs: Sequence[Job],
        previous: Mapping[str, str],
    ) -> None:
        self.fleet, self.ends = fleet, ends
        self.jobs = JobArrays(fleet, jobs, previous)
        self.stale: set[int] = set()
        self.stale_entries_kept = STALE_ENTRIES_KEPT
        every = np.arange(len(fleet.robots))
        self.score, self.charge = self._block(slice(None), every)

    def moved(self, robot: int) -> None:
        """Robot ``robot``'s end changed: its scores are stale from now on."""
        self.stale.add(robot)

    def row(self, k: int) -> tuple[list[float], list[bool]]:
        """Job ``k``'s scores and charge-first flags for every robot (copies)."""
        stale = self.stale
        if len(stale) * (len(self.score) - k) > self.stale_entries_kept:
            robots = np.array(sorted(stale))
            score, charge = self._block(slice(k, None), robots)
            self.score[k:, robots] = score
            self.charge[k:, robots] = charge
            stale.clear()
        scores, charges = self.score[k].tolist(), self.charge[k].tolist()
        for robot in stale:
            scores[robot], charges[robot] = self._entry(k, robot)
        return scores, charges

    def _block(self, rows: slice, robots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scores and charge flags of jobs ``rows`` (axis 0) x ``robots`` (axis 1)."""
        fleet, ends, jobs = self.fleet, self.ends, self.jobs
        node = np.array(ends.node, dtype=int)[robots]
        mask = jobs.mask[rows][:, robots]
        with np.errstate(invalid="ignore"):
            score = self._finish_block(
                rows,
                robots,
                node,
                np.array(ends.time)[robots],
                np.array(ends.soc)[robots],
            )
            score[~mask] = math.inf
            charge = np.zeros(score.shape, dtype=bool)
            if len(fleet.charger_idx):
                low = (
                    fleet.drains[robots] & ~np.array(ends.dockless, dtype=bool)[robots]
                )
                # Only robots with a job they cannot do as they are.
                low &= (mask & np.isinf(score)).any(axis=0)
                if low.any():
                    self._charge_block(rows, robots, low, score, charge, mask)
        prev = jobs.previous[rows]
        moved = np.flatnonzero(prev >= 0)
        if len(moved):
            # As one job's scores: + reassignment for all, - for its own robot.
            score[moved] += fleet.reassignment
            column = np.full(len(fleet.robots), -1)
            column[robots] = np.arange(len(robots))
            own = column[prev[moved]]
            kept = own >= 0
            score[moved[kept], own[kept]] -= fleet.reassignment
        return score, charge

    def _charge_block(
        self,
        rows: slice,
        robots: np.ndarray,
        low: np.ndarray,
        score: np.ndarray,
        charge: np.ndarray,
        mask: np.ndarray,
    ) -> None:
        """Robots ``robots[low]`` that cannot do a job as they are, scored from the
        nearest charger, charged full (in place)."""
        fleet, ends = self.fleet, self.ends
        who = robots[low]
        node = np.array(ends.node, dtype=int)[who]
        k = fleet.charger_order[node, 0]
        c = fleet.charger_idx[k]
        legs = fleet.std[node, c] / fleet.speed[who]
        soc = np.array(ends.soc)[who] - fleet.drain[who] * fleet.dist[node, c]
        needed = np.maximum(0.0, 1.0 - soc) / fleet.charger_rate[k]
        ready = np.array(ends.time)[who] + legs + needed
        charged = self._finish_block(rows, who, c, ready, np.maximum(soc, 1.0))
        charged[:, ~(soc >= -EPS)] = math.inf
        sub = score[:, low]
        use = mask[:, low] & np.isinf(sub)
        sub[use] = charged[use]
        score[:, low] = sub
        flags = charge[:, low]
        flags[use] = np.isfinite(charged[use])
        charge[:, low] = flags

    def _finish_block(
        self,
        rows: slice,
        robots: np.ndarray,
        node: np.ndarray,
        time: np.ndarray,
        soc: np.ndarray,
    ) -> np.ndarray:
        """Drop-off departures of jobs ``rows`` x ``robots`` from (node, time, soc),
        ``inf`` where a robot cannot do a job (before capability)."""
        fleet, j = self.fleet, self.jobs
        p = j.pickup[rows]
        speed, drain = fleet.speed[robots], fleet.drain[robots]
        start = np.maximum(time + fleet.std[node][:, p].T / speed, j.ready[rows])
        drop = start + j.pickup_service[rows] + j.loaded[rows] / speed * j.walk[rows]
        drop = np.maximum(drop, j.dropoff_ready[rows])
        ok = (start <= j.latest[rows]) & (drop <= j.due[rows])
        metres, escort = fleet.dist[node][:, p].T, j.escort_m[rows]
        if fleet.any_drain:
            soc_p = soc - drain * metres
            floor = fleet.floor[robots]
            ok &= (soc_p >= floor) & (soc_p - drain * escort >= floor)
        if fleet.any_end:
            soc_d = soc - drain * (metres + escort)
            ok &= self._end_ok_block(robots, j.dropoff[rows], soc_d)
        # An infinite drop-off (no route) never passes ``drop <= due``... unless
        # there is no due time: ``np.isfinite`` is the check then.
        ok &= np.isfinite(drop)
        return np.where(ok, drop + j.dropoff_service[rows], math.inf)

    def _end_ok_block(
        self, robots: np.ndarray, d: np.ndarray, soc_d: np.ndarray
    ) -> np.ndarray:
        """Whether robots that must end somewhere can still get there from ``d``."""
        fleet = self.fleet
        target = fleet.end_target[robots]
        ends = target >= 0
        end = np.where(ends, target, d[:, None])
        soc_end = soc_d - fleet.drain[robots] * fleet.dist[d[:, None], end]
        floor = np.where(
            fleet.end_is_charger[robots], -EPS, fleet.reserve[robots] - EPS
        )
        reachable = np.isfinite(fleet.std[d[:, None], end])
        if fleet.any_drain:
            reachable &= soc_end >= floor
        ok: np.ndarray = ~ends | reachable
        return ok

    def _entry(self, k: int, r: int) -> tuple[float, bool]:
        """Job ``k``'s score and charge flag for robot ``r``: one entry of
        :meth:`_block`, in plain Python floats."""
        fleet, ends, jobs = self.fleet, self.ends, self.jobs
        score, charge = math.inf, False
        if jobs.mask_l[k][r]:
            node, time, soc = ends.node[r], ends.time[r], ends.soc[r]
            score = self._finish_one(k, r, node, time, soc)
            if (
                score == math.inf
                and fleet.drains_l[r]
                and not ends.dockless[r]
                and fleet.charger_first
            ):
                score = self._charged_one(k, r, node, time, soc)
                charge = score != math.inf
        prev = jobs.previous_l[k]
        if prev >= 0:
            score = score + fleet.reassignment
            if prev == r:
                score -= fleet.reassignment
        return score, charge

    def _charged_one(self, k: int, r: int, node: int, time: float, soc: float) -> float:
        """Job ``k``'s score for robot ``r`` charged full at the charger nearest
        its end first (as :meth:`_charge_block`)."""
        fleet = self.fleet
        nearest = fleet.charger_first[node]
        c = fleet.charger_idx_l[nearest]
        legs = fleet.std.item(node, c) / fleet.speed_l[r]
        soc = soc - fleet.drain_l[r] * fleet.dist.item(node, c)
        if not soc >= -EPS:
            return math.inf
        needed = max(0.0, 1.0 - soc) / fleet.charger_rate_l[nearest]
        return self._finish_one(k, r, c, time + legs + needed, max(soc, 1.0))

    def _finish_one(self, k: int, r: int, node: int, time: float, soc: float) -> float:
        """One entry of :meth:`_finish_block`, in plain Python floats."""
        fleet, j = self.fleet, self.jobs
        p, speed = j.pickup_l[k], fleet.speed_l[r]
        start: float = max(time + fleet.std.item(node, p) / speed, j.ready_l[k])
        drop = start + j.pickup_service_l[k] + j.loaded_l[k] / speed * j.walk_l[k]
        drop = max(drop, j.dropoff_ready_l[k])
        if not (start <= j.latest_l[k] and drop <= j.due_l[k] and drop != math.inf):
            return math.inf
        metres, escort = fleet.dist.item(node, p), j.escort_m_l[k]
        drain = fleet.drain_l[r]
        if fleet.any_drain:
            soc_p, floor = soc - drain * metres, fleet.floor_l[r]
            if not (soc_p >= floor and soc_p - drain * escort >= floor):
                return math.inf
        if fleet.any_end:
            soc_d = soc - drain * (metres + escort)
            if not self._end_ok_one(r, j.dropoff_l[k], soc_d):
                return math.inf
        return drop + j.dropoff_service_l[k]

    def _end_ok_one(self, r: int, d: int, soc_d: float) -> bool:
        """One entry of :meth:`_end_ok_block`."""
        fleet = self.fleet
        end = fleet.end_target_l[r]
        if end < 0:
            return True
        if not math.isfinite(fleet.std.item(d, end)):
            return False
        if not fleet.any_drain:
            return True
        floor = -EPS if fleet.end_is_charger_l[r] else fleet.reserve_l[r] - EPS
        metres: float = fleet.dist.item(d, end)
        return soc_d - fleet.drain_l[r] * metres >= floor
