"""/api/v2/actions: actions (list, create, get, update, delete), deploy, versions and deploying one
(rollback), test, triggers, bindings, executions, and Actions Modules. Actions are kept by name in the
core; these routes find them by the ids Auth0's clients use."""
from __future__ import annotations

from ... import store, triggers
from .base import endpoint
from .errors import bad_body, not_found

ACTION_FIELDS = {"name": "string", "supported_triggers": "array", "code": "string", "dependencies": "array",
                 "runtime": "string", "secrets": "array", "modules": "array", "deployed": "boolean", "status": "string"}


def _name(api, action_id: str) -> str:
    return store.actions.name_for_id(api.ws, api.tenant, action_id)


def _listing(items: list, key: str, request) -> dict:
    from . import validate

    per_page = validate.integer(request.query, "per_page", 50, 1, 100)
    page = validate.integer(request.query, "page", 0, 0)
    return {key: items[page * per_page:(page + 1) * per_page], "total": len(items), "page": page, "per_page": per_page}


def _secrets(body: dict, old: list[dict] | None = None) -> dict:
    """Auth0's `secrets: [{name, value}]` as the core's {name: value}; a secret left out is removed, one
    given without a value keeps its value."""
    given = {}
    for secret in body.get("secrets") or []:
        if not isinstance(secret, dict) or not isinstance(secret.get("name"), str):
            raise bad_body("Payload validation error: 'Missing required property: name' on property secrets.")
        if "value" in secret and not isinstance(secret["value"], str):
            raise bad_body("Payload validation error: 'Expected type string' on property secrets.value.")
        given[secret["name"]] = secret.get("value")
    known = {s["name"] for s in old or []}
    # A new secret named without a value (the Deploy CLI's export has names only) is kept, empty, as Auth0 keeps it.
    out = {name: value for name, value in given.items() if value is not None or name not in known}
    out = {name: "" if value is None else value for name, value in out.items()}
    for secret in old or []:
        if secret["name"] not in given:
            out[secret["name"]] = None
    return out


def _pins(body: dict) -> list[dict] | None:
    if "modules" not in body:
        return None
    return [{"module_name": m.get("module_name"), "module_version_number": m.get("module_version_number")}
            for m in body["modules"] if isinstance(m, dict)]


@endpoint("GET", "/actions/actions", "read:actions")
async def list_actions(api, request):
    q = request.query
    actions = store.actions.list_(api.ws, api.tenant, q.get("triggerId") or None)
    if q.get("actionName"):
        actions = [a for a in actions if a["name"] == q["actionName"]]
    if q.get("deployed") == "true":
        actions = [a for a in actions if a["deployed_version"] is not None]
    return _listing(actions, "actions", request)


@endpoint("POST", "/actions/actions", "create:actions", status=201)
async def create_action(api, request):
    body = await api.body(request, ACTION_FIELDS, ("name", "supported_triggers"))
    supported = body["supported_triggers"]
    if not supported or not isinstance(supported[0], dict) or not isinstance(supported[0].get("id"), str):
        raise bad_body("Payload validation error: 'Missing required property: id' on property supported_triggers[0].")
    kw = {"dependencies": body.get("dependencies") or [], "secrets": _secrets(body)}
    if body.get("runtime"):
        kw["runtime"] = body["runtime"]
    if _pins(body) is not None:
        kw["modules"] = _pins(body)
    action, changes = api.emu.create_action(api.tenant, body["name"], supported[0]["id"], body.get("code", ""), **kw)
    if body.get("deployed"):
        _, more = api.emu.deploy(api.tenant, body["name"])
        changes |= more
        action = store.actions.get(api.ws, api.tenant, body["name"])
    api.changed(changes)
    return action


@endpoint("GET", "/actions/actions/{id}", "read:actions")
async def get_action(api, request):
    return store.actions.get(api.ws, api.tenant, _name(api, request.match_info["id"]))


@endpoint("PATCH", "/actions/actions/{id}", "update:actions")
async def update_action(api, request):
    body = await api.body(request, ACTION_FIELDS)
    name = _name(api, request.match_info["id"])
    current = store.actions.get(api.ws, api.tenant, name)
    if body.get("name", name) != name:
        raise bad_body("Renaming an action is not supported by the emulator; create a new action instead.")
    if "supported_triggers" in body and body["supported_triggers"] and \
            triggers.get(body["supported_triggers"][0].get("id", "")).id != current["supported_triggers"][0]["id"]:
        raise bad_body("An action's trigger cannot be changed.")
    kw = {k: body[k] for k in ("code", "dependencies", "runtime") if k in body}
    if "secrets" in body:
        kw["secrets"] = _secrets(body, current["secrets"])
    if _pins(body) is not None:
        kw["modules"] = _pins(body)
    action, changes = api.emu.update_draft(api.tenant, name, **kw)
    api.changed(changes)
    return action


@endpoint("DELETE", "/actions/actions/{id}", "delete:actions")
async def delete_action(api, request):
    force = request.query.get("force") == "true"
    api.changed(api.emu.delete_action(api.tenant, _name(api, request.match_info["id"]), force=force))
    return None


@endpoint("POST", "/actions/actions/{id}/deploy", "create:actions", "update:actions", status=202)
async def deploy_action(api, request):
    version, changes = api.emu.deploy(api.tenant, _name(api, request.match_info["id"]))
    api.changed(changes)
    return version


@endpoint("GET", "/actions/actions/{id}/versions", "read:actions")
async def versions(api, request):
    return _listing(store.actions.versions(api.ws, api.tenant, _name(api, request.match_info["id"])), "versions", request)


def _version(api, name: str, version_id: str) -> dict:
    for version in store.actions.versions(api.ws, api.tenant, name):
        if version_id in (version["id"], str(version["number"])):
            return version
    raise not_found("That action version does not exist.")


@endpoint("GET", "/actions/actions/{id}/versions/{vid}", "read:actions")
async def get_version(api, request):
    return _version(api, _name(api, request.match_info["id"]), request.match_info["vid"])


@endpoint("POST", "/actions/actions/{id}/versions/{vid}/deploy", "create:actions", "update:actions", status=202)
async def deploy_version(api, request):
    name = _name(api, request.match_info["id"])
    body = await api.body(request, {"update_draft": "boolean"})
    number = _version(api, name, request.match_info["vid"])["number"]
    version, changes = api.emu.rollback(api.tenant, name, number, update_draft=bool(body.get("update_draft")))
    api.changed(changes)
    return version


@endpoint("POST", "/actions/actions/{id}/test", "create:actions", "update:actions")
async def test_action(api, request):
    body = await api.body(request, {"payload": "object"}, ("payload",))
    result, record, changes = await api.emu.run_action(api.tenant, _name(api, request.match_info["id"]),
                                                       event=body["payload"])
    api.changed(changes)
    return {"payload": {"execution_id": record["id"], **result.to_json()}}


# ---- triggers and bindings ----------------------------------------------------------------------------------
@endpoint("GET", "/actions/triggers", "read:actions")
async def list_triggers(api, request):
    return {"triggers": [{"id": t.id, "version": t.version, "status": "CURRENT", "runtimes": ["node18", "node22"],
                          "default_runtime": store.actions.DEFAULT_RUNTIME, "compatible_triggers": [],
                          "binding_policy": "trigger-bound"} for t in triggers.all_triggers()]}


def _trigger(trigger_id: str) -> str:
    try:
        return triggers.get(trigger_id).id
    except Exception:
        raise not_found(f"Trigger {trigger_id} not found") from None


@endpoint("GET", "/actions/triggers/{trigger}/bindings", "read:actions", "read:triggers")
async def get_bindings(api, request):
    trigger = _trigger(request.match_info["trigger"])
    bindings = [{**b, "action": store.actions.get(api.ws, api.tenant, b["action"]["name"])}
                for b in store.bindings.get(api.ws, api.tenant, trigger)]
    return _listing(bindings, "bindings", request)


@endpoint("PATCH", "/actions/triggers/{trigger}/bindings", "update:triggers", "update:actions")
async def set_bindings(api, request):
    trigger = _trigger(request.match_info["trigger"])
    body = await api.body(request, {"bindings": "array"}, ("bindings",))
    refs = []
    for i, binding in enumerate(body["bindings"]):
        ref = binding.get("ref") if isinstance(binding, dict) else None
        if not isinstance(ref, dict) or ref.get("type") not in ("action_id", "action_name", "binding_id") \
                or not isinstance(ref.get("value"), str):
            raise bad_body(f"Payload validation error: 'Missing required property: ref' on property bindings[{i}].")
        if ref["type"] == "action_id":
            name = _name(api, ref["value"])
        elif ref["type"] == "binding_id":
            found = [b for b in store.bindings.get(api.ws, api.tenant, trigger) if b["id"] == ref["value"]]
            if not found:
                raise not_found("That binding does not exist.")
            name = found[0]["action"]["name"]
        else:
            name = ref["value"]
        refs.append({"action_name": name, "display_name": binding.get("display_name") or name})
    result, changes = api.emu.set_bindings(api.tenant, trigger, refs)
    api.changed(changes)
    return {"bindings": [{**b, "action": store.actions.get(api.ws, api.tenant, b["action"]["name"])} for b in result]}


@endpoint("GET", "/actions/executions/{id}", "read:actions")
async def execution(api, request):
    return store.executions.get_for_tenant(api.ws, api.tenant, request.match_info["id"])


# ---- Actions Modules ----------------------------------------------------------------------------------------
MODULE_FIELDS = {"name": "string", "code": "string", "dependencies": "array", "secrets": "array"}


def _module_name(api, module_id: str) -> str:
    for module in store.modules.list_(api.ws, api.tenant):
        if module_id in (module["id"], module["name"]):
            return module["name"]
    raise not_found("That Actions Module does not exist.")


@endpoint("GET", "/actions/modules", "read:actions", "read:actions_modules")
async def list_modules(api, request):
    return _listing(store.modules.list_(api.ws, api.tenant), "modules", request)


@endpoint("POST", "/actions/modules", "create:actions", "create:actions_modules", status=201)
async def create_module(api, request):
    body = await api.body(request, MODULE_FIELDS, ("name", "code"))
    module, changes = api.emu.create_module(api.tenant, body["name"], body["code"],
                                            dependencies=body.get("dependencies") or [], secrets=_secrets(body))
    api.changed(changes)
    return module


@endpoint("GET", "/actions/modules/{id}", "read:actions", "read:actions_modules")
async def get_module(api, request):
    return store.modules.get(api.ws, api.tenant, _module_name(api, request.match_info["id"]))


@endpoint("PATCH", "/actions/modules/{id}", "update:actions", "update:actions_modules")
async def update_module(api, request):
    body = await api.body(request, MODULE_FIELDS)
    name = _module_name(api, request.match_info["id"])
    kw = {k: body[k] for k in ("code", "dependencies") if k in body}
    if "secrets" in body:
        kw["secrets"] = _secrets(body, store.modules.get(api.ws, api.tenant, name).get("secrets") or [])
    module, changes = api.emu.update_module(api.tenant, name, **kw)
    api.changed(changes)
    return module


@endpoint("DELETE", "/actions/modules/{id}", "delete:actions", "delete:actions_modules")
async def delete_module(api, request):
    api.changed(api.emu.delete_module(api.tenant, _module_name(api, request.match_info["id"])))
    return None


@endpoint("GET", "/actions/modules/{id}/versions", "read:actions", "read:actions_modules")
async def module_versions(api, request):
    return _listing(store.modules.versions(api.ws, api.tenant, _module_name(api, request.match_info["id"])),
                    "versions", request)


@endpoint("POST", "/actions/modules/{id}/versions", "create:actions", "create:actions_modules", status=201)
async def publish_module(api, request):
    version, changes = api.emu.publish_module(api.tenant, _module_name(api, request.match_info["id"]))
    api.changed(changes)
    return version


@endpoint("POST", "/actions/modules/{id}/rollback", "update:actions", "update:actions_modules")
async def rollback_module(api, request):
    body = await api.body(request, {"module_version_id": "string", "version_number": "integer"})
    name = _module_name(api, request.match_info["id"])
    number = body.get("version_number")
    for version in store.modules.versions(api.ws, api.tenant, name):
        if body.get("module_version_id") in (version.get("id"),):
            number = version.get("version_number")
    if number is None:
        raise not_found("That Actions Module version does not exist.")
    module, changes = api.emu.rollback_module(api.tenant, name, number)
    api.changed(changes)
    return module
