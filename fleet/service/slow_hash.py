"""Slow hashes (scrypt: PINs and tokens) off the event loop, on one thread.

scrypt with ``fleet.core.credentials``' parameters works in a 16 MiB buffer. Freed
in the default pool's worker threads, glibc keeps such a block in each thread's
arena (its mmap threshold rises to the block's size after the first free), so
every worker that ever hashed held 16 MiB more for good: the soak's server grew
by tens of MiB in ten minutes as PIN creates landed on new workers. On one
thread of their own, the hashes hold at most one block, from the first on. One
hash takes ~65 ms of CPU; PINs come with a tenth of requests, so one thread is
far from the limit (about 15 hashes a second, a whole core).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from fleet.core.credentials import hash_secret, verify_secret

T = TypeVar("T")

_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="porter-scrypt")

__all__ = ["check_secret", "on_hash_thread", "secret_hash"]


async def on_hash_thread(call: Callable[..., T], *args: object) -> T:
    """``call(*args)`` (something that runs scrypt) on the hashing thread."""
    return await asyncio.get_running_loop().run_in_executor(_HASHING, call, *args)


async def secret_hash(secret: str) -> str:
    """:func:`fleet.core.credentials.hash_secret`, off the loop."""
    return await on_hash_thread(hash_secret, secret)


async def check_secret(secret: str, hashed: str) -> bool:
    """:func:`fleet.core.credentials.verify_secret`, off the loop."""
    return await on_hash_thread(verify_secret, secret, hashed)
