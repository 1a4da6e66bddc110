"""Reading the small JSON or YAML files users hand the emulator (keyword mappings, HTTP stubs): the
format follows the file's suffix, and a problem is one line naming the file and, where known, the line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import UsageError


def load(path: str | Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise UsageError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
