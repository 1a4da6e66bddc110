"""Reading what a client sent to the Authentication API (form or JSON bodies, queries) into plain
strings, with Auth0's 400 for anything malformed: a body that is not UTF-8, JSON that does not parse or
is not an object, values of the wrong type. Handlers then only see `dict[str, str]`; a parameter that
is a list (the MFA API's `authenticator_types`) arrives as its items joined by spaces."""
from __future__ import annotations

from urllib.parse import parse_qsl

from aiohttp import web

from .errors import invalid_request

MAX_VALUE = 16 * 1024  # no parameter of the Authentication API is longer (Auth0 refuses such requests too)


async def read(request: web.Request, lists: tuple[str, ...] = ()) -> dict[str, str]:
    """The body's parameters (urlencoded, multipart-free form, or a JSON object), as strings. Those named
    in `lists` may be JSON arrays of strings or repeated form fields."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return {}
    raw = await request.read()
    if request.content_type == "application/json":
        return _json(raw, lists)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid_request("The request body is not valid UTF-8.") from None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise invalid_request("The request body is not a valid form.") from None
    params: dict[str, str] = {}
    for key, value in pairs:
        name = key.removesuffix("[]")
        if name in lists and name in params:
            params[name] += " " + value
        else:
            params[name if name in lists else key] = value
    return _checked(params)


def _json(raw: bytes, lists: tuple[str, ...] = ()) -> dict[str, str]:
    import json

    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, ValueError):
        raise invalid_request("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid_request("The request body must be a JSON object.")
    out = {}
    for key, value in body.items():
        if value is None:
            continue
        if key in lists:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise invalid_request(f"Invalid parameter {key}: expected a list of strings.")
            out[key] = " ".join(value)
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise invalid_request(f"Invalid parameter {key}: expected a string.")
        out[key] = value if isinstance(value, str) else str(value)
    return _checked(out)


def _checked(params: dict[str, str]) -> dict[str, str]:
    for key, value in params.items():
        if len(value) > MAX_VALUE:
            raise invalid_request(f"Invalid parameter {key}: it is too long.")
        if "\x00" in value or "\x00" in key:
            raise invalid_request(f"Invalid parameter {key}: it holds a NUL character.")
    return params


def ascii_param(params: dict[str, str], name: str) -> str | None:
    """A parameter that must be ASCII (PKCE's code_verifier, RFC 7636 §4.1), refused politely if not."""
    value = params.get(name)
    if value is not None and not value.isascii():
        raise invalid_request(f"Invalid parameter {name}: it must be ASCII.")
    return value
