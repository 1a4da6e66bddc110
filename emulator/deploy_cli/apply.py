"""Bundles into and out of a workspace tenant.

`import_bundle` checks everything the files alone cannot (bindings to actions that will not exist or not
be deployed, mismatched triggers, unknown connections, limits), refuses the whole import with every
problem listed, and otherwise applies it in one transaction: nothing is imported unless all of it is.
"""
from __future__ import annotations

from .. import triggers
from ..changes import Changes
from ..errors import EmulatorError
from ..store import actions as actions_store
from ..store import bindings as bindings_store
from ..store import apis, client_grants, directory, roles, system_api, tenants, token_exchange, transaction
from ..store import modules as modules_store
from ..store.db import Workspace
from .bundle import SECRET_PLACEHOLDER, ActionSpec, Bundle, ModuleSpec, ModuleVersionSpec, VersionSpec

PROFILE_FIELDS = ("email_verified", "given_name", "family_name", "name", "nickname", "picture", "phone_verified")


class ImportRefused(EmulatorError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"import refused, nothing was imported ({len(problems)} {noun}):\n"
                         + "\n".join(f"  - {p}" for p in problems))


def check(ws: Workspace, tenant: str, bundle: Bundle, where: str = "triggers/triggers.json") -> list[str]:
    problems: list[str] = []
    names = [a.name for a in bundle.actions]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"actions: {name}: defined more than once")
    existing = {a["name"]: a for a in actions_store.list_(ws, tenant)} if tenants.exists(ws, tenant) else {}
    incoming = {a.name: a for a in bundle.actions}
    if len(set(existing) | set(incoming)) > actions_store.MAX_ACTIONS:
        problems.append(f"actions: more than Auth0's limit of {actions_store.MAX_ACTIONS} actions in the tenant")
    for trigger_id, refs in bundle.bindings.items():
        trigger = triggers.get(trigger_id)
        if len(refs) > trigger.max_bindings:
            problems.append(f"{where}: {trigger_id}: at most {trigger.max_bindings} bindings ({len(refs)} given)")
        for i, ref in enumerate(refs):
            name, field = ref["action_name"], f"{trigger_id}[{i}].action_name"
            spec, stored = incoming.get(name), existing.get(name)
            if spec is None and stored is None:
                problems.append(f"{where}: {field}: no action named {name!r}")
                continue
            action_trigger = spec.trigger_id if spec else stored["supported_triggers"][0]["id"]
            if action_trigger != trigger_id:
                problems.append(f"{where}: {field}: {bindings_store.INCOMPATIBLE} ({name!r} supports {action_trigger})")
            will_be_deployed = (spec and (spec.deployed or spec.current_version)) or (
                stored and stored["deployed_version"] is not None)
            if not will_be_deployed:
                problems.append(f"{where}: {field}: {name!r} is not deployed (set \"deployed\": true)")
    problems += _check_pins(ws, tenant, bundle)
    for profile in bundle.token_exchange_profiles:
        spec, stored = incoming.get(profile["action"]), existing.get(profile["action"])
        trigger = spec.trigger_id if spec else (stored["supported_triggers"][0]["id"] if stored else None)
        if trigger is None:
            problems.append(f"tokenExchangeProfiles: {profile['name']}: action: no action named {profile['action']!r}")
        elif trigger != triggers.CUSTOM_TOKEN_EXCHANGE:
            problems.append(f"tokenExchangeProfiles: {profile['name']}: action: {profile['action']!r} is a {trigger} "
                            f"action, not {triggers.CUSTOM_TOKEN_EXCHANGE}")
    known_connections = {c["name"] for c in bundle.connections} | {tenants.DEFAULT_CONNECTION}
    if tenants.exists(ws, tenant):
        known_connections |= {c["name"] for c in directory.connections(ws, tenant)}
    for i, user in enumerate(bundle.users):
        conn = user.get("connection", tenants.DEFAULT_CONNECTION)
        if conn not in known_connections:
            problems.append(f"users: [{i}].connection: no connection named {conn!r}")
    return problems


def _check_pins(ws: Workspace, tenant: str, bundle: Bundle) -> list[str]:
    """Every module an action pins must come with the files or be in the workspace; a workspace-only
    module must have the pinned version (a module in the files gets it, see _import_module)."""
    problems = []
    names = [m.name for m in bundle.modules]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"actionModules: {name}: defined more than once")
    incoming = set(names)
    stored = {m["name"] for m in modules_store.list_(ws, tenant)} if tenants.exists(ws, tenant) else set()
    for spec in bundle.actions:
        pins = spec.modules + (spec.current_version.modules if spec.current_version else [])
        for pin in pins:
            name, number = pin["module_name"], pin["module_version_number"]
            if name not in incoming and name not in stored:
                problems.append(f"actions: {spec.name}: modules: no module named {name!r}")
            elif name not in incoming:
                known = [v["version_number"] for v in modules_store.versions(ws, tenant, name)]
                if number not in known:
                    problems.append(f"actions: {spec.name}: modules: {name!r} has no version {number}")
    return problems


def import_bundle(ws: Workspace, tenant: str, bundle: Bundle) -> tuple[Changes, list[str]]:
    """Apply a checked bundle to `tenant` (created if needed). Returns (changes, warnings)."""
    problems = check(ws, tenant, bundle)
    if problems:
        raise ImportRefused(problems)
    warnings: list[str] = []
    changes = Changes(tenants=frozenset([tenant]), directory=frozenset([tenant]))
    with transaction(ws):
        if not tenants.exists(ws, tenant):
            tenants.create(ws, tenant)
        for conn in bundle.connections:
            config = {k: v for k, v in conn.items() if k not in ("name", "strategy")}
            directory.upsert_connection(ws, tenant, conn["name"], conn["strategy"], config)
        for client in bundle.clients:
            directory.upsert_client(ws, tenant, client["name"], {k: v for k, v in client.items() if k != "name"})
        for api in bundle.resource_servers:
            if api.get("is_system") or api["name"] == system_api.NAME:
                continue  # every tenant has its own Management API
            apis.upsert(ws, tenant, api["name"], api["identifier"], api)
        for role in bundle.roles:
            _import_role(ws, tenant, role)
        for grant in bundle.grants:
            _import_grant(ws, tenant, grant)
        for module in bundle.modules:
            warnings += _import_module(ws, tenant, module, _pinned(bundle, module.name))
            changes |= Changes(modules=frozenset([(tenant, module.name)]))
        for spec in bundle.actions:
            warnings += _import_action(ws, tenant, spec)
            changes |= Changes(actions=frozenset([(tenant, spec.name)]))
        for profile in bundle.token_exchange_profiles:
            try:
                token_exchange.upsert(ws, tenant, profile["name"], profile["subject_token_type"], profile["action"])
            except EmulatorError as exc:  # a reserved or duplicate type: the whole import is refused
                raise ImportRefused([f"tokenExchangeProfiles: {profile['name']}: {exc}"]) from None
        for trigger_id, refs in bundle.bindings.items():
            bindings_store.set_(ws, tenant, trigger_id, refs)
            changes |= Changes(bindings=frozenset([(tenant, trigger_id)]))
        for user in bundle.users:
            user_id = _import_user(ws, tenant, user)
            changes |= Changes(users=frozenset([(tenant, user_id)]))
    return changes, warnings


def _secret_values(spec: ActionSpec | ModuleSpec, current: dict, label: str) -> tuple[dict, list[str]]:
    """Placeholders keep the workspace's current value; with none to keep, the secret starts empty."""
    values, warnings = {}, []
    for name, value in spec.secrets.items():
        if value == SECRET_PLACEHOLDER:
            if name in current:
                continue
            warnings.append(f"{label}: secret {name} has no value in the files; it was set empty")
            value = ""
        values[name] = value
    return values, warnings


def _import_action(ws: Workspace, tenant: str, spec: ActionSpec) -> list[str]:
    warnings = []
    trigger = triggers.get(spec.trigger_id)
    if spec.trigger_version != trigger.version:
        warnings.append(f"action {spec.name}: {spec.trigger_id} {spec.trigger_version} runs with the "
                        f"emulator's {trigger.version} api")
    exists = any(a["name"] == spec.name for a in actions_store.list_(ws, tenant))
    current = actions_store.source(ws, tenant, spec.name)["secrets"] if exists else {}
    secrets, secret_warnings = _secret_values(spec, current, f"action {spec.name}")
    if not exists:
        first = spec.current_version or VersionSpec(spec.code, spec.runtime, spec.dependencies, spec.modules)
        actions_store.create(ws, tenant, spec.name, spec.trigger_id, first.code, dependencies=first.dependencies,
                             secrets=secrets, runtime=first.runtime, modules=first.modules)
        if spec.current_version:
            actions_store.deploy(ws, tenant, spec.name)
    if exists or spec.current_version:
        actions_store.update_draft(ws, tenant, spec.name, code=spec.code, dependencies=spec.dependencies,
                                   secrets=secrets, runtime=spec.runtime, modules=spec.modules)
    if spec.deployed and not actions_store.get(ws, tenant, spec.name)["all_changes_deployed"]:
        actions_store.deploy(ws, tenant, spec.name)
    return warnings + secret_warnings


def _pinned(bundle: Bundle, module: str) -> set[int]:
    """The version numbers of `module` that the bundle's actions pin."""
    return {p["module_version_number"] for a in bundle.actions
            for p in a.modules + (a.current_version.modules if a.current_version else [])
            if p["module_name"] == module}


def _import_module(ws: Workspace, tenant: str, spec: ModuleSpec, pinned: set[int]) -> list[str]:
    """The module's draft, then its versions (immutable: one the workspace already has is kept). Auth0's
    own export has no versions; a pinned number the files lack is published from the draft, said in a
    warning, so the actions that pin it run."""
    exists = spec.name in {m["name"] for m in modules_store.list_(ws, tenant)}
    current = modules_store.source(ws, tenant, spec.name, None)["secrets"] if exists else {}
    secrets, warnings = _secret_values(spec, current, f"module {spec.name}")
    if exists:
        modules_store.update_draft(ws, tenant, spec.name, code=spec.code, dependencies=spec.dependencies,
                                   secrets=secrets)
    else:
        modules_store.create(ws, tenant, spec.name, spec.code, dependencies=spec.dependencies, secrets=secrets)
    have = {v["version_number"]: v for v in modules_store.versions(ws, tenant, spec.name)}
    for v in sorted(spec.versions, key=lambda v: v.number):
        if v.number in have:
            if (have[v.number]["code"], have[v.number]["dependencies"]) != (v.code, v.dependencies):
                warnings.append(f"module {spec.name}: version {v.number} differs from the workspace's; "
                                "versions are immutable, so the workspace's was kept")
            continue
        modules_store.add_version(ws, tenant, spec.name, v.number, v.code, v.dependencies)
        have[v.number] = {}
    for number in sorted(pinned - set(have)):
        modules_store.publish(ws, tenant, spec.name, number=number)
        warnings.append(f"module {spec.name}: the files have no version {number}, which actions pin; "
                        f"its draft was published as version {number}")
    return warnings


def _import_role(ws: Workspace, tenant: str, spec: dict) -> None:
    role = roles.by_name(ws, tenant, spec["name"]) or roles.create(ws, tenant, spec["name"], spec.get("description", ""))
    roles.update(ws, tenant, role["id"], description=spec.get("description", ""))
    try:
        roles.set_permissions(ws, tenant, roles.ROLE + role["id"], spec.get("permissions", []))
    except EmulatorError as exc:
        raise ImportRefused([f"roles: {spec['name']}: permissions: {exc}"]) from None


def _import_grant(ws: Workspace, tenant: str, spec: dict) -> None:
    """The Deploy CLI names the grant's client by its name; an id of an existing client works too."""
    by_name = {c["name"]: c["client_id"] for c in directory.clients(ws, tenant)}
    client_id = by_name.get(spec["client_id"]) or (spec["client_id"] if spec["client_id"] in by_name.values() else None)
    if client_id is None:
        raise ImportRefused([f"clientGrants: {spec['client_id']}: no such client"])
    audience = spec["audience"]
    if system_api.is_audience(ws, tenant, audience) or audience.endswith(".emulator.local/api/v2/"):
        system_api.ensure(ws, tenant)
        audience = system_api.identifier(tenant)  # another tenant's export names its own domain
    elif apis.find(ws, tenant, audience) is None:
        raise ImportRefused([f"clientGrants: {spec['client_id']}: no resource server {audience}"])
    existing = client_grants.find(ws, tenant, client_id, audience)
    if existing:
        client_grants.update(ws, tenant, existing["id"], spec.get("scope", []))
    else:
        client_grants.create(ws, tenant, client_id, audience, spec.get("scope", []))


def _import_user(ws: Workspace, tenant: str, user: dict) -> str:
    conn = user.get("connection", tenants.DEFAULT_CONNECTION)
    hashed = (user.get("custom_password_hash") or {}).get("hash", {}).get("value")
    fields = dict(email=user["email"], username=user.get("username"), phone_number=user.get("phone_number"),
                  app_metadata=user.get("app_metadata") or {}, user_metadata=user.get("user_metadata") or {},
                  roles=user.get("roles") or [], profile={k: user[k] for k in PROFILE_FIELDS if k in user})
    found = [u for u in directory.users(ws, tenant) if u["email"] == user["email"] and u["connection"] == conn]
    if found:
        return directory.update_user(ws, tenant, found[0]["user_id"], password=user.get("password"),
                                     password_hash=hashed, **fields)["user_id"]
    return directory.create_user(ws, tenant, connection_name=conn, password=user.get("password"),
                                 password_hash=hashed, user_id=user.get("user_id"), **fields)["user_id"]


def _pins(entity: dict) -> list[dict]:
    return [{"module_name": m["module_name"], "module_version_number": m["module_version_number"]}
            for m in entity["modules"]]


def export_bundle(ws: Workspace, tenant: str) -> Bundle:
    tenants.require(ws, tenant)
    bundle = Bundle()
    for module in modules_store.list_(ws, tenant):
        src = modules_store.source(ws, tenant, module["name"], None)
        bundle.modules.append(ModuleSpec(
            name=module["name"], code=module["code"], dependencies=module["dependencies"],
            secrets={k: SECRET_PLACEHOLDER for k in src["secrets"]},
            versions=[ModuleVersionSpec(v["version_number"], v["code"], v["dependencies"])
                      for v in reversed(modules_store.versions(ws, tenant, module["name"]))]))
    for action in actions_store.list_(ws, tenant):
        src = actions_store.source(ws, tenant, action["name"])
        current = None
        if action["deployed_version"] is not None and not action["all_changes_deployed"]:
            v = actions_store.version(ws, tenant, action["name"], actions_store.DEPLOYED)
            current = VersionSpec(v["code"], v["runtime"], v["dependencies"], _pins(v))
        bundle.actions.append(ActionSpec(
            name=action["name"], code=action["code"], trigger_id=action["supported_triggers"][0]["id"],
            trigger_version=action["supported_triggers"][0]["version"], runtime=action["runtime"],
            dependencies=action["dependencies"], secrets={k: SECRET_PLACEHOLDER for k in src["secrets"]},
            deployed=action["all_changes_deployed"], current_version=current, modules=_pins(action)))
    bundle.bindings = {t: [{"action_name": b["action"]["name"], "display_name": b["display_name"]} for b in refs]
                       for t, refs in bindings_store.all_(ws, tenant).items()}
    bundle.clients = [{k: v for k, v in c.items() if k not in ("client_id", "client_secret")}  # secrets never leave
                      for c in directory.clients(ws, tenant)]
    bundle.connections = [{k: v for k, v in c.items() if k != "id"} for c in directory.connections(ws, tenant)]
    bundle.resource_servers = apis.list_(ws, tenant)
    bundle.roles = [{"name": r["name"], "description": r["description"],
                     "permissions": [{k: p[k] for k in ("permission_name", "resource_server_identifier")}
                                     for p in roles.permissions(ws, tenant, roles.ROLE + r["id"])]}
                    for r in roles.list_(ws, tenant)]
    names = {c["client_id"]: c["name"] for c in directory.clients(ws, tenant)}
    bundle.grants = [{"client_id": names.get(g["client_id"], g["client_id"]), "audience": g["audience"],
                      "scope": g["scope"]} for g in client_grants.list_(ws, tenant)]
    bundle.token_exchange_profiles = [{k: p[k] for k in ("name", "subject_token_type", "action", "type")}
                                      for p in token_exchange.list_(ws, tenant)]
    for user in directory.users(ws, tenant):
        entry = {"email": user["email"], "connection": user["connection"]}
        for key in ("username", "phone_number", *PROFILE_FIELDS):
            if user.get(key) is not None:
                entry[key] = user[key]
        entry.update(app_metadata=user["app_metadata"], user_metadata=user["user_metadata"], roles=user["roles"])
        hashed = directory.password_hash(ws, tenant, user["user_id"])
        if hashed:
            entry["custom_password_hash"] = {"algorithm": "bcrypt", "hash": {"value": hashed}}
        bundle.users.append(entry)
    return bundle
