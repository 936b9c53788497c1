"""Demo tokens for ``porter serve --demo``: one per role, made on first start.

Only hashes go into the database, so the demo also keeps the tokens in a file in
the working folder (readable by its owner only), to print them again on the next
start. Tokens in that file that no longer work (a fresh database) are replaced.
"""

from __future__ import annotations

import os
from pathlib import Path

from fleet.core.model import Role
from maps.model import Building, PlaceKind


def _demo_roles(building: Building) -> list[tuple[str, Role, frozenset[str]]]:
    # A general ward reads best in the demo (an ICU may be a restricted zone).
    wards = sorted(
        (w.id for w in building.places_of_kind(PlaceKind.WARD)),
        key=lambda ward_id: (not ward_id.startswith("ward"), ward_id),
    )
    ward = wards[0] if wards else ""
    return [
        ("operator", Role.OPERATOR, frozenset()),
        (f"nursing_station (ward {ward})", Role.NURSING_STATION, frozenset({ward})),
        ("pharmacy", Role.PHARMACY, frozenset()),
    ]


def demo_tokens(
    database: str | None, building: Building, path: Path
) -> list[tuple[str, str]]:
    """``(label, token)`` per demo role: reused from ``path`` if still valid."""
    from fleet.cli.serve_cmds import create_token
    from fleet.store import open_store

    store = open_store(database)
    try:
        saved = _read(path)
        if saved and all(store.tokens.principal_for(t) is not None for _, t in saved):
            return saved
        fresh = [
            (
                label,
                create_token(store.tokens, role, wards=wards, label=f"demo {label}"),
            )
            for label, role, wards in _demo_roles(building)
        ]
    finally:
        store.close()
    _write(path, fresh)
    return fresh


def _read(path: Path) -> list[tuple[str, str]]:
    if not path.is_file():
        return []
    pairs = []
    for line in path.read_text().splitlines():
        label, _, token = line.rpartition("\t")
        if label and token:
            pairs.append((label, token))
    return pairs


def _write(path: Path, pairs: list[tuple[str, str]]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.writelines(f"{label}\t{token}\n" for label, token in pairs)
