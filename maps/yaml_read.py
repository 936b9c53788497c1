"""Read map YAML strictly (repeated keys are problems) and fast enough for big maps.

PyYAML builds a node tree and resolves every scalar in Python; a map of twenty
thousand waypoints has half a million scalars, most of them repeated ids and
coordinates. :func:`read_yaml` builds plain Python data straight from the parser's
events, resolving each distinct plain scalar once with PyYAML's own resolver and
constructors (so values mean exactly what ``yaml.safe_load`` says). Documents
that use anchors, aliases, explicit tags or merge keys take PyYAML's full loader.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from maps.yaml_fields import ProblemLog

# libyaml's parser when PyYAML was built with it: several times faster.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_FULL_LOADER_TAGS = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}


class _NeedsFullLoader(Exception):
    """The document uses a YAML feature the event reader leaves to PyYAML."""


def read_yaml(text: str, log: ProblemLog) -> object:
    """Parse YAML text; syntax errors and repeated keys go to ``log`` with a line."""
    repeated: list[tuple[str, int]] = []
    try:
        try:
            data = _from_events(text, repeated)
        except _NeedsFullLoader:
            repeated.clear()
            data = _full_load(text, repeated)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark else ""
        log.add("", where, f"YAML syntax error: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        log.add("", "", f"YAML error: {exc}")
        return None
    for key, line in repeated:
        log.add("", f"line {line}", f"'{key}' appears twice in the same mapping")
    return data


def _from_events(text: str, repeated: list[tuple[str, int]]) -> object:
    """Build the document from parser events (one document; no anchors or tags)."""
    cache: dict[str, object] = {}
    root = _OpenSequence()
    stack: list[_OpenSequence | _OpenMapping] = [root]
    documents = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        kind = type(event)
        if kind in _NODE_EVENTS and (event.anchor is not None or event.tag is not None):
            raise _NeedsFullLoader
        if kind is yaml.ScalarEvent:
            stack[-1].add(_scalar(event, cache), event.start_mark.line + 1, repeated)
        elif kind is yaml.MappingStartEvent:
            stack.append(_OpenMapping())
        elif kind is yaml.SequenceStartEvent:
            stack.append(_OpenSequence())
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            done = stack.pop()
            stack[-1].add(done.items, 0, repeated)
        elif kind is yaml.AliasEvent:
            raise _NeedsFullLoader
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _NeedsFullLoader  # PyYAML words that error
    return root.items[0] if root.items else None


_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
_NO_KEY = object()


class _OpenSequence:
    """A sequence being read."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[object] = []

    def add(self, value: object, line: int, repeated: list[tuple[str, int]]) -> None:
        self.items.append(value)


class _OpenMapping:
    """A mapping being read: what is added alternates key, value."""

    __slots__ = ("items", "key")

    def __init__(self) -> None:
        self.items: dict[object, object] = {}
        self.key: object = _NO_KEY

    def add(self, value: object, line: int, repeated: list[tuple[str, int]]) -> None:
        if self.key is not _NO_KEY:
            self.items[self.key] = value
            self.key = _NO_KEY
            return
        try:
            if value in self.items:
                repeated.append((str(value), line))
        except TypeError:
            raise _NeedsFullLoader from None  # a mapping or list used as a key
        self.key = value


def _scalar(event: Any, cache: dict[str, object]) -> object:
    """A scalar's value as ``yaml.safe_load`` gives it; plain ones cached by text."""
    text: str = event.value
    if not event.implicit[0]:
        return text  # quoted: always a string
    try:
        return cache[text]
    except KeyError:
        pass
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag in _FULL_LOADER_TAGS:
        raise _NeedsFullLoader
    node = yaml.ScalarNode(tag, text)
    value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
    cache[text] = value
    return value


class _StrictLoader(_SafeLoader):  # type: ignore[misc]
    """PyYAML's safe loader, noting keys repeated in one mapping."""

    repeated: list[tuple[str, int]]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag in _FULL_LOADER_TAGS:
                continue  # a merge key (<<): merged keys may be overridden
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float):
                if key in seen:
                    self.repeated.append((str(key), key_node.start_mark.line + 1))
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _full_load(text: str, repeated: list[tuple[str, int]]) -> object:
    loader = _StrictLoader(text)
    loader.repeated = repeated
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
