"""Request bodies and query strings checked the way Auth0 checks them, with its messages:
`Payload validation error: 'Additional properties not allowed: x'.`, `'Expected type string but found
type integer' on property email`, `'Missing required property: connection'`."""
from __future__ import annotations

import json
from typing import Any

from .errors import bad_body, bad_query

MAX_BODY = 1024 * 1024


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _matches(value: Any, wanted: str) -> bool:
    got = type_name(value)
    return got == wanted or (wanted == "number" and got == "integer")


def parse_json(raw: bytes) -> Any:
    """The body as JSON: Auth0's 400 for malformed JSON or bytes that are not UTF-8."""
    try:
        return json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, ValueError):
        raise bad_body("Invalid request payload JSON format") from None


def check(body: Any, schema: dict[str, str | tuple[str, ...]], required: tuple[str, ...] = (),
          open_: bool = False) -> dict:
    """`schema` maps each allowed property to its JSON type(s); `open_` allows other properties too."""
    if not isinstance(body, dict):
        raise bad_body(f"Payload validation error: 'Expected type object but found type {type_name(body)}'.")
    if not open_:
        extra = [k for k in body if k not in schema]
        if extra:
            raise bad_body(f"Payload validation error: 'Additional properties not allowed: {','.join(extra)}'.")
    for key in required:
        if key not in body:
            raise bad_body(f"Payload validation error: 'Missing required property: {key}'.")
    for key, value in body.items():
        wanted = schema.get(key)
        if wanted is None:
            continue
        options = (wanted,) if isinstance(wanted, str) else wanted
        if not any(_matches(value, w) for w in options):
            raise bad_body(f"Payload validation error: 'Expected type {'/'.join(options)} but found type "
                           f"{type_name(value)}' on property {key}.")
    return body


def integer(query, name: str, default: int, low: int = 0, high: int | None = None) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_query(f"Query validation error: 'Expected type integer but found type string' on property "
                        f"{name}.") from None
    if value < low or (high is not None and value > high):
        bound = f"greater than or equal to {low}" if value < low else f"less than or equal to {high}"
        raise bad_query(f"Query validation error: 'Value {value} is not {bound}' on property {name}.")
    return value


def boolean(query, name: str, default: bool = False) -> bool:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        raise bad_query(f"Query validation error: 'Expected type boolean but found type string' on property {name}.")
    return raw.lower() == "true"
