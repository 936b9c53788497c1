"""Porter's compiled modules: which ones (``modules``), how they are built
(``build``), and the guard that keeps them honest (``guard``).

Porter's packages call ``guard.install()`` first thing, so no compiled module
runs for a source that changed after it was compiled.
"""
