"""The building model: levels, lanes, lifts, doors, places, zones; routes."""

from porter_native import guard as _native_guard

_native_guard.install()  # before any compiled module of this package loads
