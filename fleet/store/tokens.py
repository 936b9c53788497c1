"""SqlTokenStore: API tokens, stored only as slow hashes of their secrets.

A token reads ``prt_<id>_<secret>`` (see :mod:`fleet.core.credentials`): the id
finds the row, the secret is checked against its scrypt hash. Checking costs one
scrypt (tens of milliseconds, on purpose), which would cap the API at a few dozen
requests a second per core; so once a secret has been verified, this process
remembers a SHA-256 of it (in memory only, never written anywhere) and later
calls compare against that. The row is still read on every call, so a token
revoked by another process stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from fleet.core.credentials import split_token, verify_secret
from fleet.core.errors import Conflict, NotFound
from fleet.core.model import Principal
from fleet.store import codec
from fleet.store.engine import SQLITE_BEGIN, begin_write, unavailable_on_failure
from fleet.store.schema import tokens

#: Verified secrets remembered per process (least recently used go first).
VERIFIED_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What an admin may see of a token: never its secret or hash."""

    principal: Principal
    label: str
    created_at: float
    revoked_at: float | None


class SqlTokenStore:
    """The :class:`fleet.core.ports.TokenStore` port on SQLAlchemy."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._verified: OrderedDict[str, bytes] = OrderedDict()
        self._lock = Lock()

    def add_token(
        self,
        token_hash: str,
        principal: Principal,
        *,
        created_at: float,
        label: str = "",
    ) -> None:
        """Store a token whose id is ``principal.id`` and whose secret hashes
        to ``token_hash`` (both from :func:`fleet.core.credentials.new_token`)."""
        row = codec.token_row(token_hash, principal, created_at=created_at, label=label)
        try:
            with unavailable_on_failure(self.engine), begin_write(self.engine) as conn:
                conn.execute(insert(tokens), [row])
        except IntegrityError as error:
            raise Conflict(f"token {principal.id!r} already exists") from error

    def principal_for(self, token: str) -> Principal | None:
        """Who presents ``token`` (the full ``prt_<id>_<secret>`` string).

        ``None`` for a malformed, unknown, revoked or wrong token: the caller
        answers 401 in every case and learns nothing about which.
        """
        parts = split_token(token)
        if parts is None:
            return None
        token_id, secret = parts
        with (
            unavailable_on_failure(self.engine),
            self.engine.connect().execution_options(
                **{SQLITE_BEGIN: "DEFERRED"}
            ) as connection,
        ):
            row = (
                connection.execute(select(tokens).where(tokens.c.token_id == token_id))
                .mappings()
                .one_or_none()
            )
        if row is None or row["revoked_at"] is not None:
            self._forget(token_id)
            return None
        if not self._check(token_id, secret, row["secret_hash"]):
            return None
        return codec.principal_from_row(row)

    def list_tokens(self) -> list[TokenRecord]:
        """Every token ever issued (revoked ones too), oldest first."""
        statement = select(tokens).order_by(tokens.c.created_at, tokens.c.token_id)
        with (
            unavailable_on_failure(self.engine),
            self.engine.connect().execution_options(
                **{SQLITE_BEGIN: "DEFERRED"}
            ) as connection,
        ):
            rows = list(connection.execute(statement).mappings())
        return [
            TokenRecord(
                principal=codec.principal_from_row(row),
                label=row["label"],
                created_at=row["created_at"],
                revoked_at=row["revoked_at"],
            )
            for row in rows
        ]

    def revoke(self, principal_id: str, *, revoked_at: float | None = None) -> None:
        """Revoke the token ``principal_id`` (its id); :class:`NotFound` if none.

        ``revoked_at`` defaults to the wall clock; revoking twice keeps the
        first time.
        """
        at = time.time() if revoked_at is None else revoked_at
        with unavailable_on_failure(self.engine), begin_write(self.engine) as conn:
            result = conn.execute(
                update(tokens)
                .where(tokens.c.token_id == principal_id, tokens.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
            if result.rowcount == 0:
                exists = conn.execute(
                    select(tokens.c.token_id).where(tokens.c.token_id == principal_id)
                ).first()
                if exists is None:
                    raise NotFound("token", principal_id)
        self._forget(principal_id)

    def _check(self, token_id: str, secret: str, secret_hash: str) -> bool:
        quick = hashlib.sha256(f"{secret_hash}\0{secret}".encode()).digest()
        with self._lock:
            known = self._verified.get(token_id)
            if known is not None and hmac.compare_digest(known, quick):
                self._verified.move_to_end(token_id)
                return True
        if not verify_secret(secret, secret_hash):
            return False
        with self._lock:
            self._verified[token_id] = quick
            while len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return True

    def _forget(self, token_id: str) -> None:
        with self._lock:
            self._verified.pop(token_id, None)
