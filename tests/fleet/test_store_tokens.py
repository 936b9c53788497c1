"""SqlTokenStore on SQLite and PostgreSQL: hashed tokens, lookup, revocation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from fleet.core.credentials import new_token
from fleet.core.errors import Conflict, NotFound
from fleet.core.model import Principal, Role
from fleet.store import Store, TokenRecord, open_store
from fleet.store.schema import tokens


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def _issue(store: Store, principal_fields: dict[str, object]) -> tuple[str, Principal]:
    token, token_id, secret_hash = new_token()
    principal = Principal(id=token_id, **principal_fields)  # type: ignore[arg-type]
    store.tokens.add_token(secret_hash, principal, created_at=10.0, label="4B desk")
    return token, principal


def test_token_finds_its_principal_with_every_field(store: Store) -> None:
    """The full token string gives back the principal: role, wards, places, robot."""
    token, principal = _issue(
        store,
        {
            "role": Role.NURSING_STATION,
            "wards": frozenset({"4B", "4C"}),
            "places": frozenset({"ward-4b-station"}),
            "robot_id": None,
        },
    )
    assert store.tokens.principal_for(token) == principal
    # A second look-up (from the verified cache) gives the same answer.
    assert store.tokens.principal_for(token) == principal


def test_robot_token_keeps_robot_id(store: Store) -> None:
    """A robot token round-trips its robot id and empty sets."""
    token, principal = _issue(store, {"role": Role.ROBOT, "robot_id": "r-7"})
    assert store.tokens.principal_for(token) == principal


def test_only_a_hash_of_the_secret_is_stored(store: Store) -> None:
    """The tokens table never holds the secret or the token itself."""
    token, principal = _issue(store, {"role": Role.OPERATOR})
    secret = token.split("_", 2)[2]
    with store.engine.connect() as connection:
        row = connection.execute(select(tokens)).mappings().one()
    assert row["token_id"] == principal.id
    assert row["secret_hash"].startswith("scrypt$")
    assert all(secret not in str(value) for value in row.values())


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
        lambda t: "prt_ffffffffffff_" + t.split("_", 2)[2],  # unknown id
        lambda t: t.replace("prt_", "xyz_", 1),  # not a Porter token
        lambda t: "",
        lambda t: "prt__",
    ],
    ids=["wrong-secret", "unknown-id", "bad-prefix", "empty", "empty-parts"],
)
def test_bad_tokens_give_no_principal(store: Store, mangle) -> None:  # type: ignore[no-untyped-def]
    """A wrong, unknown or malformed token gives None, never an error."""
    token, _ = _issue(store, {"role": Role.ADMIN})
    assert store.tokens.principal_for(token) is not None
    assert store.tokens.principal_for(mangle(token)) is None


def test_revoked_token_stops_working_at_once(store: Store) -> None:
    """After revoke, even a token already verified (and cached) gives None."""
    token, principal = _issue(store, {"role": Role.PHARMACY})
    assert store.tokens.principal_for(token) == principal
    store.tokens.revoke(principal.id, revoked_at=20.0)
    assert store.tokens.principal_for(token) is None
    store.tokens.revoke(principal.id)  # twice is fine
    with store.engine.connect() as connection:
        assert connection.execute(select(tokens.c.revoked_at)).scalar_one() == 20.0


def test_revocation_by_another_process_is_seen(database_url: str) -> None:
    """A token revoked through a second store stops working in the first."""
    first, second = open_store(database_url), open_store(database_url)
    try:
        token, principal = _issue(first, {"role": Role.LAB})
        assert first.tokens.principal_for(token) == principal
        second.tokens.revoke(principal.id, revoked_at=30.0)
        assert first.tokens.principal_for(token) is None
    finally:
        first.close()
        second.close()


def test_revoking_unknown_token_is_not_found(store: Store) -> None:
    """revoke of an id never issued raises NotFound."""
    with pytest.raises(NotFound, match="token"):
        store.tokens.revoke("nope")


def test_token_id_twice_is_a_conflict(store: Store) -> None:
    """Adding a second token with an existing id raises Conflict."""
    _, principal = _issue(store, {"role": Role.OPERATOR})
    with pytest.raises(Conflict, match=principal.id):
        store.tokens.add_token("scrypt$x", principal, created_at=11.0)


def test_list_tokens_shows_labels_and_revocations_not_secrets(store: Store) -> None:
    """list_tokens gives every token's principal, label and times, oldest first."""
    _, first = _issue(store, {"role": Role.OPERATOR})
    _, second = _issue(store, {"role": Role.ROBOT, "robot_id": "r-1"})
    store.tokens.revoke(first.id, revoked_at=99.0)
    listed = store.tokens.list_tokens()
    assert {record.principal for record in listed} == {first, second}
    assert {record.principal.id: record.revoked_at for record in listed} == {
        first.id: 99.0,
        second.id: None,
    }
    assert all(record.label == "4B desk" for record in listed)
    assert "secret_hash" not in TokenRecord.__slots__
