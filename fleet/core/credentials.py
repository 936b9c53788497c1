"""Secrets stored only as slow hashes: API tokens and hand-off PINs.

scrypt from the standard library (memory-hard, tunable). A stored hash reads
``scrypt$n$r$p$salt_hex$hash_hex`` so parameters can be raised later without
invalidating old hashes. Tokens read ``prt_<id>_<secret>``: the id finds the row,
the secret is checked against its hash, so a lookup costs one scrypt, not a scan.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
_PREFIX = "prt"


def hash_secret(secret: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, hashed: str) -> bool:
    """Whether ``secret`` matches ``hashed`` (constant-time compare)."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = hashed.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            secret.encode(),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def new_token() -> tuple[str, str, str]:
    """A fresh API token: ``(token, token_id, secret_hash)``. Show ``token`` once."""
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(24)
    return f"{_PREFIX}_{token_id}_{secret}", token_id, hash_secret(secret)


def split_token(token: str) -> tuple[str, str] | None:
    """``(token_id, secret)`` of a well-formed token, else ``None``."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != _PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]
