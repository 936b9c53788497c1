"""Route minimisation for plain pickup-and-delivery fleets, outside OR-Tools.

``pairs`` turns a fleet problem into integer arrays (the routing model's own
rounding), ``route`` tests every place for a pickup and its drop-off in one
route at once with numpy, ``pool`` removes whole routes with an ejection pool
(after Nagata & Bräysy, 2009), ``recreate`` shortens routes on a fixed fleet
by ruin and recreate (after Ropke & Pisinger, 2006).
:mod:`planners.ortools.pool` runs both as phases of the OR-Tools search when
robots cost (Li & Lim's objective).
"""
