"""A JSON Schema of one trigger's event, for the Test and Simulator event editors: every field of the
default event with its JSON type and doc, so a value of the wrong type is marked on its line and a hover
explains a field. Fields the default event lacks stay allowed: Auth0 adds fields over time."""
from __future__ import annotations

from typing import Any

from .. import triggers
from . import event_docs


def _schema(value: Any, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    description = event_docs.doc(path, value) if path else ""
    if description:
        out["description"] = description
    if isinstance(value, bool):
        out["type"] = "boolean"
    elif isinstance(value, (int, float)):
        out["type"] = "number"
    elif isinstance(value, str):
        out["type"] = "string"
    elif isinstance(value, list):
        out["type"] = "array"
        if value and all(isinstance(v, dict) for v in value):
            out["items"] = _schema(value[0], "")
    elif isinstance(value, dict):
        out["type"] = "object"
        out["properties"] = {k: _schema(v, f"{path}.{k}".lstrip(".")) for k, v in value.items()}
    return out


def event_schema(trigger_id: str) -> dict[str, Any]:
    trigger = triggers.get(trigger_id)
    schema = _schema(trigger.default_event(), "")
    schema["properties"]["secrets"] = {"type": "object", "description": event_docs.DOCS["secrets"],
                                       "additionalProperties": {"type": "string"}}
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": f"{trigger.id} event", **schema}
