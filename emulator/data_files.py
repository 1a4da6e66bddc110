"""Reading the small JSON or YAML files users hand the emulator (keyword mappings, HTTP stubs): the
format follows the file's suffix, and a problem is one line naming the file and, where known, the line.

Files are untrusted input: sizes are checked before parsing, YAML aliases are limited (a 339-byte
"billion laughs" file otherwise expands without bound when walked), and nesting is bounded."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import UsageError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 100
MAX_NODES = 200_000  # values once aliases are expanded


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


def safe_yaml(text: str) -> Any:
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


def check_depth(value: Any, where: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` (it would only fail later, deep in a serializer)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise UsageError(f"{where}: nested more than {limit} levels deep")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def read_text(path: Path, what: str = "file") -> str:
    """A user's text file: a regular file (never a FIFO or a device), of a sane size, in UTF-8."""
    try:
        if not path.is_file():
            raise UsageError(f"{path}: no such {what}" if not path.exists() else f"{path}: not a regular file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def load(path: str | Path) -> Any:
    path = Path(path)
    text = read_text(path)
    if path.suffix == ".json":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:
            raise UsageError(f"{path}: invalid JSON: {exc}") from None
        check_depth(value, str(path))
        return value
    try:
        return safe_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise UsageError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
