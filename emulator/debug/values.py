"""What the inspector says about values, turned into something a person (and JSON) can read.

A `Variable` has a display text, a bounded JSON preview (what `--snapshot` records) and, for objects,
an object id that expands lazily into its own variables.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cdp import CDPClient

TEXT_LIMIT = 1000  # characters of one string in a preview
MAX_VARIABLES = 100  # per scope in a snapshot


@dataclass
class Variable:
    name: str
    type: str  # string | number | boolean | undefined | null | object | array | function | error | ...
    preview: Any  # JSON: a primitive, or a shallow dict/list from the inspector's preview
    display: str = ""
    object_id: str | None = None  # expandable when set
    error: str | None = None

    def to_json(self) -> dict:
        out = {"name": self.name, "type": self.type, "value": self.preview, "display": self.display}
        if self.error:
            out["error"] = self.error
        return out


def _clip(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"


def _primitive(kind: str, value: Any, text: str | None = None) -> Any:
    """A preview property (its value comes as text) or a RemoteObject value, as JSON."""
    if kind == "string":
        return _clip(value if isinstance(value, str) else str(text))
    if kind == "number":
        raw = value if value is not None else text
        try:
            number = float(raw)
        except (TypeError, ValueError):
            return str(raw)  # NaN, Infinity, -0 stay readable
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "boolean":
        return value if isinstance(value, bool) else text == "true"
    if kind == "undefined":
        return None
    if kind == "bigint":
        return f"{text or value}"
    return _clip(str(text if text is not None else value))


def _from_preview(preview: dict) -> Any:
    items = preview.get("properties", [])
    if preview.get("subtype") == "array":
        out: Any = [_property(p) for p in items]
        if preview.get("overflow"):
            out.append("…")
        return out
    out = {p["name"]: _property(p) for p in items}
    if preview.get("overflow"):
        out["…"] = "…"
    return out


def _property(p: dict) -> Any:
    kind = p.get("type")
    if kind == "object":
        if p.get("subtype") == "null":
            return None
        return p.get("value", "Object")  # nested objects: their description ("Array(3)", "Object")
    if kind == "function":
        return "ƒ"
    return _primitive(kind, None, p.get("value"))


def describe(obj: dict, name: str = "") -> Variable:
    """A Runtime.RemoteObject as a Variable."""
    kind = obj.get("type", "undefined")
    subtype = obj.get("subtype")
    if kind == "object" and subtype == "null":
        return Variable(name, "null", None, "null")
    if kind == "object":
        shown = subtype if subtype in ("array", "error", "date", "regexp", "map", "set", "promise", "proxy") else "object"
        preview = _from_preview(obj["preview"]) if obj.get("preview") else obj.get("description", "Object")
        if subtype in ("error", "date", "regexp"):
            preview = _clip(obj.get("description", ""))
        return Variable(name, shown, preview, _clip(obj.get("description", "Object")), obj.get("objectId"))
    if kind == "function":
        return Variable(name, "function", f"ƒ {obj.get('description', '')[:80]}", _clip(obj.get("description", "ƒ")),
                        obj.get("objectId"))
    if "unserializableValue" in obj:
        text = obj["unserializableValue"]
        return Variable(name, kind, _primitive(kind, None, text), text)
    value = obj.get("value")
    preview = _primitive(kind, value, obj.get("description"))
    display = repr(value) if kind == "string" else ("undefined" if kind == "undefined" else str(obj.get("description", value)))
    return Variable(name, kind, preview, _clip(display))


async def variables(cdp: CDPClient, object_id: str) -> list[Variable]:
    reply = await cdp.call("Runtime.getProperties", {"objectId": object_id, "ownProperties": True,
                                                     "generatePreview": True})
    out = []
    for prop in reply.get("result", []):
        if "value" in prop:
            out.append(describe(prop["value"], prop["name"]))
        elif prop.get("get") or prop.get("set"):
            out.append(Variable(prop["name"], "accessor", "(getter)", "(…)"))
    return out


async def local_values(cdp: CDPClient, scopes: list[dict]) -> dict:
    """The innermost function's variables (its local and block scopes), as a bounded JSON object."""
    out: dict = {}
    for scope in scopes:
        if scope["type"] not in ("local", "block", "catch"):
            break
        for var in await variables(cdp, scope["object_id"]):
            if var.name not in out and len(out) < MAX_VARIABLES:
                out[var.name] = var.preview
    return out
