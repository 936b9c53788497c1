"""Job ids that make an ``Idempotency-Key`` safe across restarts and processes.

A request carrying a key gets an id derived from the caller and the key, so a
double click, a retry after a timeout, or a retry against another API process all
name the same job: the second one finds it instead of creating another.
"""

from __future__ import annotations

import hashlib

__all__ = ["job_id_for"]


def job_id_for(principal_id: str, idempotency_key: str | None) -> str | None:
    """The job id for ``idempotency_key`` from ``principal_id`` (``None``: no key)."""
    if idempotency_key is None:
        return None
    digest = hashlib.sha256(f"{principal_id}\x00{idempotency_key}".encode()).hexdigest()
    return f"job-{digest[:16]}"
