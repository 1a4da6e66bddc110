"""Completions and hover docs for the code editor, derived from the trigger registry: `api.` offers the
trigger's namespaces and methods with their signatures and docs; `event.` offers the keys of the
trigger's default event, nested. The app only looks things up here; it decides nothing."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from emulator import triggers

_EXPR = re.compile(r"((?:api|event)(?:\.[A-Za-z_$][\w$]*)*)\.([A-Za-z_$][\w$]*)?$")


@dataclass(frozen=True)
class Item:
    name: str
    detail: str  # signature or value type
    doc: str = ""


class Completions:
    def __init__(self, trigger_id: str):
        self.trigger = triggers.get(trigger_id)
        self.event = self.trigger.default_event()

    def items_for(self, text_before_cursor: str) -> tuple[str, list[Item]]:
        """(the partial word being typed, candidate items) for the text left of the cursor."""
        m = _EXPR.search(text_before_cursor)
        if not m:
            return "", []
        path, partial = m.group(1).split("."), m.group(2) or ""
        items = self._api(path[1:]) if path[0] == "api" else self._event(path[1:])
        return partial, [i for i in items if i.name.startswith(partial)]

    def _api(self, path: list[str]) -> list[Item]:
        if not path:
            namespaces = sorted({m.namespace for m in self.trigger.api if m.namespace})
            top = [Item(m.path, m.signature, m.doc) for m in self.trigger.api if not m.namespace]
            return [Item(ns, "namespace") for ns in namespaces] + top
        if len(path) == 1:
            return [Item(m.path.rsplit(".", 1)[1], m.signature, m.doc) for m in self.trigger.api if m.namespace == path[0]]
        return []

    def _event(self, path: list[str]) -> list[Item]:
        node = self.event
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return []
            node = node[key]
        if not isinstance(node, dict):
            return []
        return [Item(k, type(v).__name__ if not isinstance(v, dict) else "object") for k, v in node.items()]

    def doc_at(self, expression: str) -> str | None:
        """Hover text for `api.ns.method` (or a namespace), or `event.a.b` (its sample value)."""
        path = expression.split(".")
        if path[0] == "event" and len(path) >= 2:
            node = self.event
            for key in path[1:]:
                if not isinstance(node, dict) or key not in node:
                    return None
                node = node[key]
            sample = json.dumps(node, indent=2)
            sample = sample if len(sample) < 600 else sample[:600] + "\n…"
            return f"{expression} ({type(node).__name__ if not isinstance(node, dict) else 'object'}), " \
                   f"in the {self.trigger.id} default event:\n{sample}"
        if path[0] != "api" or len(path) < 2:
            return None
        method = self.trigger.method(".".join(path[1:]))
        if method:
            return f"{method.signature}\n\n{method.doc}"
        if any(m.namespace == path[1] for m in self.trigger.api):
            names = [m.path.rsplit(".", 1)[1] for m in self.trigger.api if m.namespace == path[1]]
            return f"api.{path[1]}: {', '.join(names)}"
        return None
