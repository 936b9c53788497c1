"""The work an insertion test costs: the ejection pool's and ruin and recreate's
clock (planners read none, so a count makes a run depend only on its seed).

Two counts. *Per test* (the pool's on short routes, session 6): one unit a test,
one more per ``STOPS_PER_UNIT`` stops. *By the walk* (recreate's, session 7, and
the pool's on long routes since session 8): a test on a route of ``n`` stops, up
to ``KNEE``, costs ``1 + n * n // SQUARE``; a walked test on a longer route
``TEST_UNITS`` plus a unit per ``STEPS_PER_UNIT`` steps of the walk.
"""

from __future__ import annotations

from dataclasses import dataclass

from planners.ejection.pairs import Pairs
from planners.ejection.route import (
    WALK_STOPS,
    Insertion,
    Route,
    best_insertion,
    counted_walk,
)

#: Stops in a route whose test costs one more unit, per test: a numpy test took
#: ~0.25 ms on a route of 6-10 stops and ~0.45 ms on one of 30-35 (its call
#: overhead dominates; 2-core Xeon, one core per process).
STOPS_PER_UNIT = 30

#: By the walk, a test on a route of ``n`` stops, up to ``KNEE``, costs
#: ``1 + n * n // SQUARE`` units: the places to test grow with ``n`` by ``n``,
#: and on short tight routes most tests end at once (lc109's routes of ~12
#: stops: ~20 us a test). Numpy's test (routes longer than
#: :data:`planners.ejection.route.WALK_STOPS`) is charged the same way.
SQUARE = 16
KNEE = 22
#: A walked test on a longer route costs ``TEST_UNITS`` plus a unit per
#: ``STEPS_PER_UNIT`` steps of the walk (:func:`counted_walk`): its work is the
#: stops it pushes, many where windows are wide (lr204's routes of 50 stops:
#: ~460 steps a test), few where they are tight (lrc201's of 26: ~35). On
#: eight lc2/lr2/lrc2 instances (2-core Xeon, load ~4-5) a test cost ~11 us
#: and a step ~0.5 us of CPU: a unit ~4 us. They made 190,000-445,000 units a
#: CPU second at load ~4.5 (lc204 and lr204 the fewest; lrc203 380,000-490,000
#: at load 2.3), about short routes' 213,000-465,000 at load 5.6 in session 6:
#: the same margin over ``SearchConfig.recreate_tests_per_s``. A third dearer
#: (4 + 1 per 6) left lrc203 a lottery again (3 of 6 seeds at the BKS against
#: 3 of 3). Numpy's tests, charged by the square, gave long routes a third to
#: a quarter of the tests their share pays for.
TEST_UNITS = 3
STEPS_PER_UNIT = 8


@dataclass(slots=True)
class Work:
    """Units of work left, spent per test or, when ``by_walk``, by the walk
    (module docstring). A caller asks :meth:`spend` before a test and makes it
    with :meth:`test`: per test the charge comes first (as in session 6, so
    short routes' runs are unchanged), by the walk after, once its steps are
    known."""

    left: int
    by_walk: bool = False

    def spend(self, route: Route) -> bool:
        """Charge a test on ``route`` per test (nothing yet by the walk);
        whether the budget still holds."""
        if self.by_walk:
            return self.left > 0
        self.left -= 1 + len(route) // STOPS_PER_UNIT
        return self.left >= 0

    def test(self, pairs: Pairs, route: Route, job: int) -> Insertion | None:
        """:func:`best_insertion` of ``job`` in ``route``, charged by the walk
        when ``by_walk`` (:meth:`spend` charged it per test)."""
        if self.by_walk:
            return charged_insertion(pairs, route, job, self)
        return best_insertion(pairs, route, job)


def charge(work: Work, route: Route) -> None:
    """Spend one insertion test on ``route`` by its length (see ``SQUARE``)."""
    work.left -= 1 + len(route) * len(route) // SQUARE


def charged_insertion(
    pairs: Pairs, route: Route, job: int, work: Work
) -> Insertion | None:
    """:func:`best_insertion` of ``job`` in ``route``, its work spent by the
    walk: by the route's length up to ``KNEE`` stops (session 6's count: short
    routes' plans are unchanged) and for numpy's tests, by the walk's steps
    between."""
    if len(route) <= KNEE or len(route.stops) > WALK_STOPS:
        charge(work, route)
        return best_insertion(pairs, route, job)
    where, steps = counted_walk(pairs, route, job)
    work.left -= TEST_UNITS + steps // STEPS_PER_UNIT
    return where
