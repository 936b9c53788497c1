"""The OR-Tools dispatcher: the one package of Porter that imports ``ortools``.

(Design notes on the search are filled in from the Li & Lim measurements.)
"""

from __future__ import annotations

from planners.ortools.search import SearchConfig
from planners.ortools.solve import PORTER, solve_ortools

__all__ = ["PORTER", "SearchConfig", "solve_ortools"]
