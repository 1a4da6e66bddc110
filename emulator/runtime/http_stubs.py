"""HTTP stubs for actions' outbound calls: a readable JSON or YAML file, a list of

    {method: GET, url: "https://api.example.com/users/*", status: 200, status_text: "OK", headers: {...},
     json: {...} | body: "text", delay_ms: 0,
     match: {query: {page: "2"}, headers: {authorization: "Bearer *"}, json: {grant_type: ...}, call: 2}}

`url` is matched whole, `*` standing for anything (or a regular expression after `re:`). `match` narrows
a stub further: query parameters and request headers (values as `*` globs), fields of a JSON request body
(equal values, nested objects as subsets), and `call: N`, the Nth call of the action to this method and
url. The first stub that matches answers. Recording turns captured live calls into stubs; any secret value the call carried was masked at
capture and becomes `*` in the stub's url, so secrets never reach a stub file.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .. import data_files
from ..errors import UsageError

MODES = ("live", "record", "stub", "replay")
_HOP_HEADERS = {"date", "content-length", "connection", "transfer-encoding", "keep-alive", "server", "etag",
                "last-modified", "age", "vary"}
_MASK = re.compile(r"\[secret:[^\]]+\]")


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise UsageError(f"--http: {mode!r} is not a mode (one of {', '.join(MODES)})")
    return mode


def validate(stubs: Any, where: str) -> list[dict]:
    if isinstance(stubs, dict) and "stubs" in stubs:
        stubs = stubs["stubs"]
    if not isinstance(stubs, list):
        raise UsageError(f"{where}: expected a list of stubs (or {{stubs: [...]}})")
    for i, stub in enumerate(stubs):
        field = f"{where}: stubs[{i}]"
        if not isinstance(stub, dict):
            raise UsageError(f"{field}: expected an object")
        if not isinstance(stub.get("url"), str) or not stub["url"]:
            raise UsageError(f"{field}.url: required (a URL, * for anything, or re:REGEX)")
        if stub["url"].startswith("re:"):
            try:
                re.compile(stub["url"][3:])
            except re.error as exc:
                raise UsageError(f"{field}.url: invalid regular expression: {exc}") from None
        if "status" in stub and not (isinstance(stub["status"], int) and 100 <= stub["status"] <= 599):
            raise UsageError(f"{field}.status: must be a number from 100 to 599")
        if "headers" in stub and not isinstance(stub["headers"], dict):
            raise UsageError(f"{field}.headers: must be an object")
        if "delay_ms" in stub and not (isinstance(stub["delay_ms"], (int, float)) and stub["delay_ms"] >= 0):
            raise UsageError(f"{field}.delay_ms: must be a number of milliseconds >= 0")
        if "json" in stub and "body" in stub:
            raise UsageError(f"{field}: give json or body, not both")
        if "status_text" in stub and not isinstance(stub["status_text"], str):
            raise UsageError(f"{field}.status_text: must be text")
        if "match" in stub:
            _validate_match(stub["match"], f"{field}.match")
    return stubs


def _validate_match(match: Any, field: str) -> None:
    if not isinstance(match, dict):
        raise UsageError(f"{field}: must be an object (query, headers, json, call)")
    unknown = sorted(set(match) - {"query", "headers", "json", "call"})
    if unknown:
        raise UsageError(f"{field}.{unknown[0]}: unknown (use query, headers, json or call)")
    for key in ("query", "headers"):
        if key in match and not (isinstance(match[key], dict)
                                 and all(isinstance(v, str) for v in match[key].values())):
            raise UsageError(f"{field}.{key}: must be an object of text values")
    if "json" in match and not isinstance(match["json"], dict):
        raise UsageError(f"{field}.json: must be an object of the JSON body's fields")
    if "call" in match and not (isinstance(match["call"], int) and not isinstance(match["call"], bool)
                                and match["call"] >= 1):
        raise UsageError(f"{field}.call: must be a number from 1 (the first call)")


def load(path: str | Path) -> list[dict]:
    data = data_files.load(path)
    return validate(data if data is not None else [], str(path))


def save(path: str | Path, stubs: list[dict]) -> None:
    path = Path(path)
    doc = {"stubs": stubs}
    if path.suffix == ".json":
        text = json.dumps(doc, indent=2) + "\n"
    else:
        import yaml

        text = yaml.safe_dump(doc, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def from_calls(calls: list[dict]) -> list[dict]:
    """Stubs for the calls that went out and got an answer (newest answer for the same method and url)."""
    stubs: dict[tuple[str, str], dict] = {}
    for call in calls:
        if call.get("stubbed") or call.get("local") or "status" not in call:
            continue
        url = _MASK.sub("*", call["url"])
        headers = {k: v for k, v in (call.get("response_headers") or {}).items() if k not in _HOP_HEADERS}
        stub: dict = {"method": call["method"], "url": url, "status": call["status"]}
        body = call.get("response_body") or ""
        if "json" in headers.get("content-type", ""):
            try:
                stub["json"] = json.loads(body)
                headers.pop("content-type")
            except json.JSONDecodeError:
                stub["body"] = body
        elif body:
            stub["body"] = body
        if headers:
            stub["headers"] = headers
        stubs[(stub["method"], url)] = stub
    return list(stubs.values())


def merge(existing: list[dict], recorded: list[dict]) -> list[dict]:
    """Recorded stubs replace those with the same method and url; the others stay, in order."""
    keys = {(s.get("method", "*"), s["url"]) for s in recorded}
    return [s for s in existing if (s.get("method", "*"), s["url"]) not in keys] + recorded
