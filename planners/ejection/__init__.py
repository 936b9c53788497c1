"""Route minimisation for plain pickup-and-delivery fleets, outside OR-Tools.

``pairs`` turns a fleet problem into integer arrays (the routing model's own
rounding), ``route`` tests every place for a pickup and its drop-off in one
route at once with numpy, ``pool`` removes whole routes with an ejection pool
(after Nagata & Bräysy, 2009). :mod:`planners.ortools.pool` runs it as a phase
of the OR-Tools search when robots cost (Li & Lim's objective).
"""
