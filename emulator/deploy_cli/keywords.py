"""Deploy CLI keyword replacement (spec §6.1): `##KEY##` is replaced by the value as is, `@@KEY@@` by
its JSON encoding. Works in metadata files and in code."""
from __future__ import annotations

import json
import re

_PATTERN = re.compile(r"##([A-Za-z0-9_]+)##|@@([A-Za-z0-9_]+)@@")


def replace(text: str, mappings: dict | None, unresolved: set[str] | None = None) -> str:
    """Replace the keywords that `mappings` defines; collect the others in `unresolved`."""
    def sub(m: re.Match) -> str:
        key = m.group(1) or m.group(2)
        if not mappings or key not in mappings:
            if unresolved is not None:
                unresolved.add(key)
            return m.group(0)
        value = mappings[key]
        return json.dumps(value) if m.group(2) else str(value)

    return _PATTERN.sub(sub, text)
