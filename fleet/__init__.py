"""The running fleet service: decisions, persistence, service loop, API, CLI."""

from porter_native import guard as _native_guard

_native_guard.install()  # before any compiled module of this package loads
