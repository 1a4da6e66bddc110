"""TypeScript declarations for one trigger's actions, generated from the registry: the `event` (every
field of the default event, typed, with Auth0's doc or a sample), the `api` (every method with its
signature and doc), the handlers on `exports`, the action's own secrets, and `require` typed for its
npm dependencies that ship types.

The editor treats action code as TypeScript with these declarations, so `exports.onExecutePostLogin =
async (event, api) => ...` gets its parameter types by assignment, with or without Auth0's JSDoc
(`@param {Event} event`) - which a JavaScript model would need. Diagnostics don't come from TypeScript
(only completions, hovers and signatures): syntax errors come from Node, warnings from `lint`."""
from __future__ import annotations

import json
import re
from typing import Any

from .. import triggers
from ..triggers.registry import ApiMethod, Arg, Trigger
from . import event_docs

NAMESPACE = "Auth0"
_IDENT = re.compile(r"^[A-Za-z_$][\w$]*$")

# Argument types by rule; rules that only say "any" get one from the argument's name.
_RULE_TYPES = {"string": "string", "email": "string", "otp": "string", "http_url": "string", "url": "string | URL",
               "number": "number", "boolean": "boolean", "list": "string[]", "array": "any[]",
               "object": "Record<string, any>", "cookie_mode": '"persistent" | "non-persistent"',
               "factor": "Factor", "factors": "Factor[]", "metadata_value": "string | number | boolean",
               "not_in": "string", "primary_user_id": "string"}
_NAME_TYPES = {"key": "string", "reason": "string", "code": "string", "message": "string", "name": "string",
               "ruleId": "string", "ids": "string[]", "names": "string[]", "groups": "string[]",
               "options": "Record<string, any>", "params": "Record<string, any>"}
# Return types of methods that compute a value (by their harness behaviour).
_BEHAVIOR_TYPES = {
    "cache.get": "CacheRecord | undefined",
    "cache.set": "CacheWriteResult",
    "cache.delete": "CacheWriteResult",
    "redirect.encodeToken": "string",
    "redirect.validateToken": "Record<string, any>",
    "redirect.canRedirect": "boolean",
    "rules.wasExecuted": "boolean",
    "roles.getUserEffectiveRoles": "Promise<{ roles: Role[]; next?: string }>",
    "roles.byIds": "Promise<Role[]>",
    "roles.byNames": "Promise<Role[]>",
    "groups.getUserGroups": "Promise<{ groups: Group[]; next?: string }>",
    "groups.hasGroupMembership": "Promise<boolean>",
}
_SHARED = """
  interface CacheRecord { /** The cached string. */ value: string; /** Epoch ms when it expires. */ expires_at: number }
  type CacheWriteResult = { type: "success"; record?: CacheRecord } | { type: "error"; code: string };
  interface Factor { type: string; options?: Record<string, any> }
  interface Role { id: string; name: string; description?: string }
  interface Group { id: string; name: string }
"""


def api_type_name(trigger: Trigger) -> str:
    """Auth0's name for a trigger's api type: post-login -> PostLoginAPI."""
    return "".join(part.capitalize() for part in trigger.id.split("-")) + "API"


def _jsdoc(text: str, indent: str) -> str:
    text = text.replace("*/", "*\u2215")
    return f"{indent}/** {text} */\n" if text else ""


def _key(name: str) -> str:
    return name if _IDENT.match(name) else json.dumps(name)


def _arg_type(arg: Arg) -> str:
    rule = arg.rule or {}
    if rule.get("enum"):
        return " | ".join(json.dumps(v) for v in rule["enum"])
    kind = rule.get("type", "any")
    return _RULE_TYPES.get(kind) or _NAME_TYPES.get(arg.name, "any")


def _method(method: ApiMethod, api: str, indent: str) -> str:
    params = ", ".join(f"{a.name}{'?' if a.optional else ''}: {_arg_type(a)}" for a in method.args)
    if method.returns == "chain":
        returns = api
    elif method.returns == "void":
        returns = "void"
    else:
        returns = _BEHAVIOR_TYPES.get(method.behavior or "", "Promise<any>" if method.returns == "promise" else "any")
    name = method.path.rsplit(".", 1)[-1]
    return _jsdoc(method.doc, indent) + f"{indent}{name}({params}): {returns};\n"


def _api(trigger: Trigger) -> str:
    name = api_type_name(trigger)
    out = _jsdoc(f"The api of {trigger.id} actions: {trigger.doc}", "  ") + f"  interface {name} {{\n"
    namespaces: dict[str, list[ApiMethod]] = {}
    for method in trigger.api:
        if method.namespace:
            namespaces.setdefault(method.namespace, []).append(method)
        else:
            out += _method(method, name, "    ")
    for ns, methods in namespaces.items():
        out += f"    {_key(ns)}: {{\n" + "".join(_method(m, name, "      ") for m in methods) + "    };\n"
    return out + "  }\n"


def _value_type(value: Any, path: str, indent: str) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return f"Array<{_value_type(value[0], path + '[]', indent)}>"
        kinds = {_value_type(v, path, indent) for v in value}
        return f"{kinds.pop()}[]" if len(kinds) == 1 else "any[]"
    if isinstance(value, dict):
        if not value:
            return "Record<string, any>"
        inner = indent + "  "
        fields = "".join(_jsdoc(event_docs.doc(f"{path}.{k}".lstrip("."), v), inner)
                         + f"{inner}{_key(k)}?: {_value_type(v, f'{path}.{k}'.lstrip('.'), inner)};\n"
                         for k, v in value.items())
        return "{\n" + fields + indent + "}"
    return "any"


def _event(trigger: Trigger, secrets: list[str]) -> str:
    event = trigger.default_event()
    event.pop("secrets", None)
    fields = "".join(_jsdoc(event_docs.doc(k, v), "    ") + f"    {_key(k)}: {_value_type(v, k, '    ')};\n"
                     for k, v in event.items())
    secret_fields = "".join(f"      {_key(s)}: string;\n" for s in secrets)
    return (_jsdoc(f"The event a {trigger.id} action receives.", "  ") + "  interface Event {\n" + fields
            + _jsdoc(event_docs.DOCS["secrets"], "    ")
            + "    secrets: {\n" + secret_fields + "      [name: string]: string | undefined;\n    };\n  }\n")


def _require(typed_dependencies: list[str]) -> str:
    overloads = "".join(f"declare function require(id: {json.dumps(n)}): typeof import({json.dumps(n)});\n"
                        for n in typed_dependencies)
    return overloads + "declare function require(id: string): any;\n"


def declarations(trigger_id: str, secrets: list[str] = (), typed_dependencies: list[str] = ()) -> str:
    """The declaration file for an action of `trigger_id` with these secret names, where these npm
    dependencies ship their own types (their files are given to the editor separately)."""
    trigger = triggers.get(trigger_id)
    api = f"{NAMESPACE}.{api_type_name(trigger)}"
    handlers = "".join(
        _jsdoc(f"Handler Auth0 calls {'when the user comes back from a redirect' if h.startswith('onContinue') else 'at the trigger'}.",
               "  ")
        + f"  {h}?: (event: {NAMESPACE}.Event, api: {api}) => Promise<void> | void;\n" for h in trigger.handlers)
    return (f"// Generated by actions-emulator from its trigger registry: {trigger.id} {trigger.version}.\n"
            f"declare namespace {NAMESPACE} {{\n{_SHARED}{_event(trigger, list(secrets))}{_api(trigger)}}}\n"
            f"/** What the action exports: its handlers. */\ndeclare var exports: {{\n{handlers}  [name: string]: any;\n}};\n"
            "declare var module: { exports: typeof exports };\n" + _require(list(typed_dependencies)))


def module_declarations(secrets: list[str] = (), typed_dependencies: list[str] = ()) -> str:
    """The declaration file for an Actions Module: its own secrets under the pseudo-global `actions`, its
    exports, and `require` typed for its dependencies. It has no event or api of its own."""
    fields = "".join(f"    {_key(s)}: string;\n" for s in secrets)
    return ("// Generated by actions-emulator: an Actions Module.\n"
            "/** What Auth0 gives an Actions Module (and not the action that requires it). */\n"
            "declare const actions: {\n"
            "  /** The module's own secrets (Dependencies & secrets), apart from the requiring action's. */\n"
            f"  secrets: {{\n{fields}    [name: string]: string | undefined;\n  }};\n}};\n"
            "declare var exports: any;\ndeclare var module: { exports: any };\n" + _require(list(typed_dependencies)))
