"""Reading the small JSON or YAML files users hand the emulator (keyword mappings, HTTP stubs): the
format follows the file's suffix, and a problem is one line naming the file and, where known, the line.

Files are untrusted input: sizes are checked before parsing, YAML aliases are limited (a 339-byte
"billion laughs" file otherwise expands without bound when walked), and nesting is bounded."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import UsageError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 100
MAX_NODES = 200_000  # values once aliases are expanded


def safe_yaml(text: str) -> Any:
    """yaml.safe_load with aliases, their expansion and nesting bounded (raises yaml.YAMLError)."""
    from .safe_yaml import load  # PyYAML is imported when a YAML file is read, not at start-up

    return load(text)


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
    import yaml

    try:
        return safe_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise UsageError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
