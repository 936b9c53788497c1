"""Travel times for the core's dispatch snapshots, from one matrix per rules.

The core asks :class:`maps.matrix.TravelTimes` for a matrix over the nodes of
each snapshot; the node set changes at every re-plan, so each would run its own
Dijkstra. Over a simulated day that is thousands of searches for the same
numbers. :class:`SlicedTravelTimes` computes the matrix over every waypoint once
per set of rules and answers each snapshot with a slice of it: the same numbers
(the same shortest paths), far less work. Buildings too large for a full matrix
fall back to the plain per-snapshot computation.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from maps.matrix import PlaceMatrix, TravelTimes
from maps.model import Building, LoadClass
from maps.rules import RobotProfile

#: Above this many waypoints a full matrix costs too much memory; compute per call.
FULL_MATRIX_LIMIT = 2500


class SlicedTravelTimes(TravelTimes):
    """A :class:`TravelTimes` answering from full per-rules matrices."""

    def __init__(self, building: Building) -> None:
        super().__init__(building)
        self._waypoints = tuple(w.id for w in building.waypoints)
        self._full: dict[tuple[object, ...], PlaceMatrix] = {}
        self._row = {w: i for i, w in enumerate(self._waypoints)}
        #: The last node list asked for and its rows in the full matrices (a
        #: snapshot asks once per load class for the same nodes).
        self._grid: tuple[tuple[str, ...], np.ndarray] = ((), np.zeros(0, int))

    def matrix(
        self,
        nodes: tuple[str, ...] | list[str] | None = None,
        *,
        load: str | LoadClass | None = None,
        capabilities: frozenset[str] = frozenset(),
        hour: float | None = None,
        robot: RobotProfile | None = None,
        distances: bool = True,
    ) -> PlaceMatrix:
        too_big = len(self._waypoints) > FULL_MATRIX_LIMIT
        if nodes is None or too_big:
            return super().matrix(
                nodes,
                load=load,
                capabilities=capabilities,
                hour=hour,
                robot=robot,
                distances=distances,
            )
        full, nodes = self._full_for(load, capabilities, hour, robot), tuple(nodes)
        rows = self._rows_of(nodes)
        # Without distances (a snapshot's load classes but the standard one) they
        # are left nan, as the plain computation leaves them.
        size = (len(nodes), len(nodes))
        metres = _sliced(full.distances, rows) if distances else np.full(size, np.nan)
        return PlaceMatrix(nodes, _sliced(full.times, rows), metres)

    def load_times(
        self,
        nodes: tuple[str, ...],
        loads: Iterable[str],
        capabilities: frozenset[str] = frozenset(),
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """:meth:`TravelTimes.load_times` as slices of the full matrices, without
        a :class:`PlaceMatrix` (and its node index) per load class.

        Load classes under equal rules share one full matrix (``maps`` caches
        equal rules once: medication and specimens, waste and soiled linen...),
        and then one slice, read-only so that no reader can change another's.
        """
        if len(self._waypoints) > FULL_MATRIX_LIMIT:
            return super().load_times(nodes, loads, capabilities)
        rows = self._rows_of(tuple(nodes))
        standard = self._full_for(None, capabilities, None, None)
        sliced: dict[int, np.ndarray] = {}
        times: dict[str, np.ndarray] = {}
        for load, full in [("standard", standard)] + [
            (load, self._full_for(load, capabilities, None, None)) for load in loads
        ]:
            # The full matrices live in self._full, so their ids stay theirs.
            part = sliced.get(id(full))
            if part is None:
                part = sliced[id(full)] = _sliced(full.times, rows)
                part.setflags(write=False)
            times[load] = part
        return times, _sliced(standard.distances, rows)

    def _full_for(
        self,
        load: str | LoadClass | None,
        capabilities: frozenset[str],
        hour: float | None,
        robot: RobotProfile | None,
    ) -> PlaceMatrix:
        """The matrix over every waypoint for these rules (computed once)."""
        key = (load, capabilities, hour, robot)
        full = self._full.get(key)
        if full is None:
            full = self._full[key] = super().matrix(
                self._waypoints,
                load=load,
                capabilities=capabilities,
                hour=hour,
                robot=robot,
            )
        return full

    def _rows_of(self, nodes: tuple[str, ...]) -> np.ndarray:
        """Rows (and columns) of ``nodes`` in the full matrices (the last asked)."""
        if self._grid[0] != nodes:
            of, row = self.router.waypoint_of, self._row
            self._grid = (nodes, np.asarray([row[of(n)] for n in nodes], dtype=int))
        return self._grid[1]


def _sliced(full: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``full[np.ix_(rows, rows)]``: the same copy, rows then columns (a row
    gather copies whole rows; numpy's mixed fancy index walks cell by cell)."""
    sliced: np.ndarray = full[rows][:, rows]
    return sliced
