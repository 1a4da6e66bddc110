"""PyYAML's safe loader with a bound on aliases, on their expansion and on nesting (data_files.py)."""
from __future__ import annotations

from typing import Any

import yaml

from .data_files import MAX_ALIASES, MAX_DEPTH, MAX_NODES


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a bound on aliases and on nesting."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (*name) at line {event.start_mark.line + 1}")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep at line {event.start_mark.line + 1}")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(node, memo: dict) -> int:
    """How many values the document holds once every alias is expanded (aliases share nodes, so a few
    hundred bytes can stand for billions of values)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[key] = min(size, MAX_NODES + 1)
    return memo[key]


def load(text: str) -> Any:
    """yaml.safe_load with aliases, their expansion and nesting bounded (raises yaml.YAMLError)."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_NODES:
            raise yaml.YAMLError(f"expands to more than {MAX_NODES:,} values through its aliases (*name)")
        return loader.construct_document(node)
    finally:
        loader.dispose()


