"""The facade the CLI and the app talk to: one object over a workspace and the Node hosts, one method per
user action (design §1, §8). Mutating methods return what they changed (`Changes`) next to their value;
management writes are logged as Auth0 does (`sapi`), and failed action executions as
`actions_execution_failed`.
"""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Callable

from . import flows, lazy, timings, triggers
from .flows import events as flow_events, inspect, redirect
from .flows.report import report
from .flows.run import run_for
from .changes import Changes
from .modules_facade import ModulesFacade, module_script_name
from .profiles_facade import ProfilesFacade
from .management_facade import ManagementFacade
from .errors import EmulatorError, bad_request, not_found
from .runtime import runtimes
from .runtime.node import SETTING as NODE_SETTING
from .runtime import DEFAULT_DEADLINE_MS, ActionSource, ChainResult, ModuleSource, DependencyCache, HostPool, build_event, run_chain
from . import store
from .store import open_workspace, transaction
from .debug.tenants import TenantDebuggers
from .store.db import Workspace

deploy_cli = lazy.module("emulator.deploy_cli")  # import and export only: not paid at start-up

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE_TENANT_DIR = FIXTURES / "sample-tenant"


@functools.cache
def _sample_passwords() -> dict[str, str]:
    users = json.loads((SAMPLE_TENANT_DIR / "users" / "users.json").read_text(encoding="utf-8"))
    return {u["email"]: u["password"] for u in users if u.get("email") and u.get("password")}
SAMPLE_TENANT = "sample"

Progress = Callable[[str], None]


def script_name(tenant: str, action: str, version: int | None) -> str:
    """The name a workspace action's code runs under: actions/<tenant>/<action>/v3.js or .../draft.js."""
    return f"actions/{tenant}/{action}/{'draft' if version is None else f'v{version}'}.js"


def _dependencies(src: dict) -> list[tuple[str, str]]:
    return [(d["name"], d.get("version") or "latest") for d in src["dependencies"]]


class Emulator(ModulesFacade, ProfilesFacade, ManagementFacade):
    def __init__(self, workspace: Workspace | None = None, *, node: str | Path | None = None,
                 deadline_ms: int = DEFAULT_DEADLINE_MS, dependency_cache: DependencyCache | None = None):
        self.ws = workspace
        # An explicit Node (--node, ACTIONS_EMULATOR_NODE, Settings) runs every action; without one, each
        # action version's runtime picks its Node (runtime/runtimes.py), the bundled one by default.
        self.node_override = str(node) if node else os.environ.get(NODE_SETTING) or None
        self.pool = HostPool(node)
        self.runtime_pools: dict[str, HostPool] = {}  # runtime id -> its Node's pool
        # The app runs an action whose runtime's Node cannot be had on the bundled Node, saying so in the
        # action's console; the CLI refuses instead (one line, exit 2).
        self.runtime_fallback = False
        self._retired: list[HostPool] = []  # pools replaced by set_node, closed with the emulator
        self.deadline_ms = deadline_ms
        self.dependency_cache = dependency_cache
        # The app's debugger: stored breakpoints take effect only where this is on (the CLI has its flags).
        self.debug_breakpoints = False
        self.debuggers = TenantDebuggers(self)
        self.closers: list = []  # async callables run at close (a local server the app hosts)
        from .local_api import LocalApis

        self.local_apis = LocalApis(self)  # actions' calls to their own tenant (emulator/local_api.py)
        self.change_listeners: list[Callable[[Changes], None]] = []  # told of writes made over HTTP

    @classmethod
    def open(cls, path: str | Path | None = None, **kwargs: Any) -> Emulator:
        return cls(open_workspace(path), **kwargs)

    async def start(self, tenant: str = "default") -> str:
        """Start a tenant's Node host ahead of the first run (so it is warm); returns the Node version."""
        host = await self.pool.host(tenant)
        return host.node_version or ""

    async def close(self) -> None:
        for closer in self.closers:
            await closer()
        await self.local_apis.close()
        from .runtime.deps import stop_installs

        await stop_installs()  # an install still running (the app's Monaco on a first start) ends with us
        await self.debuggers.close_all()
        for pool in [*self._retired, self.pool, *self.runtime_pools.values()]:
            await pool.close()
        if self.ws:
            self.ws.close()

    def _sapi(self, tenant: str, description: str, method: str, path: str) -> Changes:
        store.logs.add(self.ws, tenant, "sapi", description, details={"request": {"method": method, "path": path}})
        return Changes(logs=frozenset([tenant]))

    # ---- tenants ---------------------------------------------------------------------------------------
    def tenants(self) -> list[dict]:
        return store.tenants.list_all(self.ws)

    def create_tenant(self, name: str) -> Changes:
        store.tenants.create(self.ws, name)
        return Changes(tenants=frozenset([name]), directory=frozenset([name]))

    def load_sample_tenant(self, progress: Progress | None = None) -> Changes:
        """Import the bundled sample tenant (the app does this into a fresh workspace)."""
        if progress:
            progress(f"Loading the sample tenant from {SAMPLE_TENANT_DIR}")
        mappings = deploy_cli.load_mappings(SAMPLE_TENANT_DIR / "keywords.json")
        changes, _ = self.import_tenant(SAMPLE_TENANT_DIR, SAMPLE_TENANT, mappings)
        return changes

    # ---- actions ---------------------------------------------------------------------------------------
    def actions(self, tenant: str, trigger_id: str | None = None) -> list[dict]:
        store.tenants.require(self.ws, tenant)
        return store.actions.list_(self.ws, tenant, trigger_id)

    def action(self, tenant: str, name: str) -> dict:
        return store.actions.get(self.ws, tenant, name)

    def create_action(self, tenant: str, name: str, trigger_id: str, code: str | None = None, **kw: Any) -> tuple[dict, Changes]:
        store.tenants.require(self.ws, tenant)
        with transaction(self.ws):
            action = store.actions.create(self.ws, tenant, name, trigger_id,
                                    code if code is not None else triggers.get(trigger_id).skeleton(), **kw)
            changes = self._sapi(tenant, "Create an action", "POST", "/api/v2/actions/actions")
        return action, changes | Changes(actions=frozenset([(tenant, name)]))

    def update_draft(self, tenant: str, name: str, **kw: Any) -> tuple[dict, Changes]:
        with transaction(self.ws):
            action = store.actions.update_draft(self.ws, tenant, name, **kw)
            changes = self._sapi(tenant, "Update an action", "PATCH", f"/api/v2/actions/actions/{action['id']}")
        return action, changes | Changes(actions=frozenset([(tenant, name)]))

    def deploy(self, tenant: str, name: str) -> tuple[dict, Changes]:
        with transaction(self.ws):
            version = store.actions.deploy(self.ws, tenant, name)
            changes = self._sapi(tenant, "Deploy an action", "POST", f"/api/v2/actions/actions/{version['action_id']}/deploy")
        return version, changes | self._action_and_bindings(tenant, name)

    def rollback(self, tenant: str, name: str, number: int, update_draft: bool = False) -> tuple[dict, Changes]:
        with transaction(self.ws):
            version = store.actions.rollback(self.ws, tenant, name, number, update_draft=update_draft)
            changes = self._sapi(tenant, "Roll back an action", "POST",
                                 f"/api/v2/actions/actions/{version['action_id']}/versions/{number}/deploy")
        return version, changes | self._action_and_bindings(tenant, name)

    def _action_and_bindings(self, tenant: str, name: str) -> Changes:
        trigger_id = store.actions.get(self.ws, tenant, name)["supported_triggers"][0]["id"]
        return Changes(actions=frozenset([(tenant, name)]), bindings=frozenset([(tenant, trigger_id)]))

    def delete_action(self, tenant: str, name: str, force: bool = False) -> Changes:
        with transaction(self.ws):
            changes = self._action_and_bindings(tenant, name)
            action_id = store.actions.get(self.ws, tenant, name)["id"]
            store.actions.delete(self.ws, tenant, name, force=force)
            changes |= self._sapi(tenant, "Delete an action", "DELETE", f"/api/v2/actions/actions/{action_id}")
        return changes

    def versions(self, tenant: str, name: str) -> list[dict]:
        return store.actions.versions(self.ws, tenant, name)

    def diff(self, tenant: str, name: str, a: int | str = store.actions.DEPLOYED, b: int | str = store.actions.DRAFT) -> str:
        return store.actions.diff(self.ws, tenant, name, a, b)

    def diff_sides(self, tenant: str, name: str, a: int | str = store.actions.DEPLOYED,
                   b: int | str = store.actions.DRAFT) -> tuple[str, str, str, str]:
        """Both sides of `diff`, (label, code) each, for a side-by-side view."""
        return store.actions.diff_sides(self.ws, tenant, name, a, b)

    # ---- bindings --------------------------------------------------------------------------------------
    def bindings(self, tenant: str, trigger_id: str | None = None) -> dict[str, list[dict]]:
        store.tenants.require(self.ws, tenant)
        if trigger_id:
            return {triggers.get(trigger_id).id: store.bindings.get(self.ws, tenant, trigger_id)}
        return store.bindings.all_(self.ws, tenant)

    def set_bindings(self, tenant: str, trigger_id: str, names: list[str]) -> tuple[list[dict], Changes]:
        store.tenants.require(self.ws, tenant)
        with transaction(self.ws):
            result = store.bindings.set_(self.ws, tenant, trigger_id, names)
            changes = self._sapi(tenant, "Update trigger bindings", "PATCH",
                                 f"/api/v2/actions/triggers/{triggers.get(trigger_id).id}/bindings")
        return result, changes | Changes(bindings=frozenset([(tenant, triggers.get(trigger_id).id)]))

    # ---- users, logs, executions ------------------------------------------------------------------------
    def users(self, tenant: str) -> list[dict]:
        store.tenants.require(self.ws, tenant)
        return store.directory.users(self.ws, tenant)

    def create_user(self, tenant: str, **kw: Any) -> tuple[dict, Changes]:
        store.tenants.require(self.ws, tenant)
        user = store.directory.create_user(self.ws, tenant, **kw)
        return user, Changes(users=frozenset([(tenant, user["user_id"])]))

    def update_user(self, tenant: str, user_id: str, **fields: Any) -> tuple[dict, Changes]:
        """Change a user's e-mail, username, phone, metadata, roles or password (the app's Users editor)."""
        store.tenants.require(self.ws, tenant)
        for key in ("app_metadata", "user_metadata"):
            if key in fields and not isinstance(fields[key], dict):
                raise bad_request(f"{key} must be an object.")
        if "roles" in fields and not (isinstance(fields["roles"], list) and all(isinstance(r, str) for r in fields["roles"])):
            raise bad_request("roles must be a list of role names.")
        user = store.directory.update_user(self.ws, tenant, user_id, **fields)
        changes = self._sapi(tenant, "Update a user", "PATCH", f"/api/v2/users/{user_id}")
        return user, changes | Changes(users=frozenset([(tenant, user_id)]))

    def authenticators(self, tenant: str, user_id: str) -> list[dict]:
        """The user's confirmed MFA enrolments (SMS phones)."""
        store.directory.get_user(self.ws, tenant, user_id)
        return store.authenticators.confirmed(self.ws, tenant, user_id)

    def delete_authenticator(self, tenant: str, user_id: str, authenticator_id: str) -> Changes:
        """Remove an MFA enrolment: the user enrols again at the next login that asks for MFA."""
        if not store.authenticators.delete(self.ws, tenant, user_id, authenticator_id):
            raise not_found(f"The enrolment {authenticator_id!r} does not exist.")
        changes = self._sapi(tenant, "Delete an MFA enrollment", "DELETE",
                             f"/api/v2/users/{user_id}/authentication-methods/{authenticator_id}")
        return changes | Changes(users=frozenset([(tenant, user_id)]))

    def mfa_policy(self, tenant: str) -> str:
        return store.tenants.mfa_policy(self.ws, tenant)

    def set_mfa_policy(self, tenant: str, policy: str) -> Changes:
        """Auth0's Guardian policy: "never", or "all-applications" (every login asks for the second factor)."""
        store.tenants.set_mfa_policy(self.ws, tenant, policy)
        return self._sapi(tenant, "Set the MFA policy", "PUT", "/api/v2/guardian/policies") | Changes(
            tenants=frozenset([tenant]))

    def update_client(self, tenant: str, name: str, **config: Any) -> tuple[dict, Changes]:
        """Change an application's callbacks, logout URLs or grant types (empty grant types: all)."""
        client = next((c for c in store.directory.clients(self.ws, tenant) if c["name"] == name), None)
        if client is None:
            raise not_found(f"The application {name!r} does not exist.")
        for key in ("callbacks", "allowed_logout_urls", "grant_types"):
            if key in config and not (isinstance(config[key], list) and all(isinstance(v, str) for v in config[key])):
                raise bad_request(f"{key} must be a list of strings.")
        merged = {k: v for k, v in client.items() if k not in ("client_id", "name")} | config
        store.directory.upsert_client(self.ws, tenant, name, merged)
        changes = self._sapi(tenant, "Update a client", "PATCH", f"/api/v2/clients/{client['client_id']}")
        return {**client, **config}, changes | Changes(directory=frozenset([tenant]))

    def apis(self, tenant: str) -> list[dict]:
        store.tenants.require(self.ws, tenant)
        return store.apis.list_(self.ws, tenant)

    def upsert_api(self, tenant: str, name: str, identifier: str, scopes: list[str]) -> tuple[dict, Changes]:
        """Create or change an API (resource server): its name and the scopes it defines."""
        store.tenants.require(self.ws, tenant)
        existing = store.apis.find(self.ws, tenant, identifier) or {}
        config = {k: v for k, v in existing.items() if k not in ("name", "identifier")}
        config["scopes"] = [{"value": s, "description": s} for s in scopes]
        api = store.apis.upsert(self.ws, tenant, name, identifier, config)
        changes = self._sapi(tenant, "Update a resource server", "PATCH", f"/api/v2/resource-servers/{identifier}")
        return api, changes | Changes(directory=frozenset([tenant]))

    def logs(self, tenant: str, **filters: Any) -> list[dict]:
        store.tenants.require(self.ws, tenant)
        return store.logs.list_(self.ws, tenant, **filters)

    def log_links(self, tenant: str, record: dict) -> dict:
        """Where a log line leads: its executions, the flow run that wrote it, and the failed action's
        version ({"executions": [...], "run": id | None, "action": {"name", "version"} | None})."""
        details = record.get("details") or {}
        executions = list((details.get("actions") or {}).get("executions") or [])
        if details.get("execution_id"):
            executions.append(details["execution_id"])
        action = ({"name": details["action_name"], "version": details.get("version")}
                  if details.get("action_name") else None)
        return {"executions": executions, "action": action,
                "run": run_for(self.ws, tenant, record.get("log_id"), executions)}

    def execution(self, execution_id: str) -> dict:
        return store.executions.get(self.ws, execution_id)

    def executions(self, tenant: str, limit: int = 50) -> list[dict]:
        return store.executions.list_(self.ws, tenant, limit)

    # ---- running -----------------------------------------------------------------------------------------
    def action_source(self, src: dict, handler: str | None = None) -> ActionSource:
        # A stable script name per version: stacks show it, and a debugger's breakpoints bind to it.
        return ActionSource(name=src["name"], code=src["code"], filename=script_name(src["tenant"], src["name"], src["version"]),
                            secrets=src["secrets"], handler=handler, dependencies=_dependencies(src),
                            modules=[ModuleSource(name=m["name"], code=m["code"], secrets=m["secrets"],
                                                  filename=module_script_name(src["tenant"], m["name"], m["version"]),
                                                  dependencies=_dependencies(m))
                                     for m in src.get("modules", [])])

    async def _run(self, tenant: str, trigger_id: str, srcs: list[dict], event: dict | None, *, kind: str,
                   handler: str | None, progress: Progress | None, http: dict | None,
                   record_into_workspace: bool) -> tuple[ChainResult, dict, Changes]:
        full_event = build_event(trigger_id, event)
        http = await self.run_http(tenant, srcs, http)
        parts: list[ChainResult] = []
        state, cache = None, store.cache.load(self.ws, tenant, trigger_id)
        # Consecutive actions on the same Node run in one round trip; the chain's state carries over.
        for i, segment in enumerate(self.runtime_segments(tenant, srcs) or [[]]):  # [[]]: nothing bound
            host, warning = await self.host_for_runtime(tenant, segment[0].get("runtime") if segment else None,
                                                        progress)
            part = await run_chain(host, trigger_id, [self.action_source(s, handler if i == 0 else None)
                                                      for s in segment], full_event,
                                   deadline_ms=self.deadline_ms, cache=cache, now_ms=self.ws.clock.now_ms(),
                                   dependency_cache=self.dependency_cache, progress=progress, http=http, state=state)
            runtimes.note_fallback(part, warning)
            parts.append(part)
            state, cache = part.state, part.cache
            if part.outcome.status != "completed" or len(part.actions) < len(segment):
                break
        result = runtimes.join(trigger_id, parts, [s["name"] for s in srcs])
        changes = Changes(cache=frozenset([(tenant, trigger_id)]))
        if http["mode"] == "record" and record_into_workspace:
            self.record_http(tenant, [c for a in result.actions for c in a.http])
        with transaction(self.ws):
            store.cache.save(self.ws, tenant, trigger_id, result.cache)
            record = self.record_run(tenant, result, full_event, srcs, kind=kind)
        changes |= Changes(executions=frozenset([record["id"]]))
        if any(a.error for a in result.actions):
            changes |= Changes(logs=frozenset([tenant]))
        return result, record, changes

    async def host_for(self, tenant: str):
        """The host a run of this tenant goes to: its debugging host while the app debugs it."""
        if self.debug_breakpoints:
            await self.debuggers.ensure(tenant)
        return await self.pool.host(tenant)

    def _runtime_key(self, tenant: str, runtime: str | None) -> str | None:
        """The runtime whose own Node runs this action, or None for the default pool (an explicit Node, a
        debugging host attached for the tenant, or a runtime the bundled Node serves)."""
        if self.node_override or self.pool.attached(tenant):
            return None
        return runtime if runtimes.needs_own_node(runtime) else None

    def runtime_segments(self, tenant: str, srcs: list[dict]) -> list[list[dict]]:
        """`srcs` cut where the Node changes (Auth0 runs each action on its own runtime)."""
        out: list[list[dict]] = []
        last = object()
        for src in srcs:
            key = self._runtime_key(tenant, src.get("runtime"))
            if out and key == last:
                out[-1].append(src)
            else:
                out.append([src])
            last = key
        return out

    async def host_for_runtime(self, tenant: str, runtime: str | None,
                               progress: Progress | None = None) -> tuple[Any, str | None]:
        """The host for an action of `runtime`, and a warning when it runs elsewhere (the app's fallback)."""
        if self.debug_breakpoints:  # the app's debugger: a session with breakpoints takes the tenant's runs
            await self.debuggers.ensure(tenant)
        key = self._runtime_key(tenant, runtime)
        if key is None:
            return await self.host_for(tenant), None
        try:
            node = await runtimes.node_for(key, self.dependency_cache, progress)
        except runtimes.RuntimeUnavailable as exc:
            if not self.runtime_fallback:
                raise
            return await self.host_for(tenant), f"{exc}. It ran on the bundled Node instead."
        pool = self.runtime_pools.get(key)
        if pool is None:
            pool = self.runtime_pools[key] = HostPool(node, self.pool.limits)
        return await pool.host(tenant), None

    # ---- the debugger's breakpoints (design §10) -------------------------------------------------------
    def breakpoints(self, tenant: str, action: str) -> list[dict]:
        return store.breakpoints.list_(self.ws, tenant, action)

    def set_coverage(self, tenant: str, on: bool) -> None:
        """Line coverage of the tenant's runs (the app's Coverage toggle): they run on its debugging host."""
        self.debuggers.set_coverage(tenant, on)

    @staticmethod
    def sample_password(email: str) -> str | None:
        """The password the bundled sample tenant gives this user (fixtures/sample-tenant/users), for the
        Simulator's hint; None for anyone else."""
        return _sample_passwords().get(email)

    def coverage_on(self, tenant: str) -> bool:
        return tenant in self.debuggers.coverage

    async def take_coverage(self, tenant: str) -> dict | None:
        """What each action version of the tenant ran since the last take (see debug/coverage.py)."""
        return await self.debuggers.take_coverage(tenant)

    def coverage_lines(self, tenant: str, action: str, version: int | str) -> dict[int, int] | None:
        """The latest report's line counts for one action version (None when it did not run)."""
        from .debug import coverage

        return coverage.lines_for(self.debuggers.last_coverage.get(tenant), action, version)

    def coverage_for_code(self, tenant: str, action: str, code: str) -> tuple[dict[int, int], int | str] | None:
        """The latest report's line counts for the code the editor shows: the draft's (the editor holds the
        draft), else a deployed version's with the same code (what a journey ran), and which it was."""
        from .debug import coverage

        report = self.debuggers.last_coverage.get(tenant)
        files = [f for f in (report or {}).get("files", []) if f.get("action") == action]
        same = lambda a, b: a.replace("\r\n", "\n").rstrip() == b.replace("\r\n", "\n").rstrip()  # noqa: E731
        for f in sorted(files, key=lambda f: f["version"] != "draft"):  # the draft first
            try:
                stored = store.actions.source(self.ws, tenant, action, f["version"])["code"]
            except EmulatorError:
                continue  # a version deleted since
            if f["version"] == "draft" or same(stored, code):
                return coverage.lines_for(report, action, f["version"]), f["version"]
        return None

    def set_breakpoints(self, tenant: str, action: str, items: list[dict]) -> Changes:
        """Replace an action's breakpoints ({line, condition?, log?}); they apply from the next run."""
        store.breakpoints.replace(self.ws, tenant, action, items)
        self.debuggers.changed(tenant)
        return Changes(actions=frozenset([(tenant, action)]))

    async def prune(self, days: float | None = None) -> int:
        """Delete logs, executions and journey runs older than the retention period, a batch at a time,
        yielding to the event loop between batches (the app runs this in the background)."""
        import asyncio

        from .store import retention

        total = 0
        while removed := retention.prune_batch(self.ws, days if days is not None else retention.DEFAULT_DAYS):
            total += removed
            await asyncio.sleep(0)
        return total

    def record_run(self, tenant: str, result: ChainResult, event: dict, srcs: list[dict], *, kind: str) -> dict:
        """Store a chain's run as an execution and log each failed action as Auth0 does."""
        with transaction(self.ws):
            record = store.executions.record(self.ws, tenant, result, event=event, kind=kind,
                                             versions=[s["version"] for s in srcs],
                                             action_ids=[s["action_id"] for s in srcs])
            for action, src in zip(result.actions, srcs):
                if action.error:
                    store.logs.add(self.ws, tenant, "actions_execution_failed",
                                   f"Action {action.name} failed: {action.error.message}",
                                   trigger_id=result.trigger, action_names=[action.name], details={
                                       "action_id": src["action_id"], "action_name": action.name,
                                       "trigger_id": result.trigger, "version": src["version"],
                                       "execution_id": record["id"], "error_class": action.error.error_class,
                                       "action_error": {"name": action.error.name, "message": action.error.message,
                                                        "stack": action.error.stack}})
        return record

    async def run_action(self, tenant: str, name: str, version: int | str = store.actions.DRAFT, event: dict | None = None,
                         *, handler: str | None = None, progress: Progress | None = None, http: dict | None = None,
                         record_into_workspace: bool = True) -> tuple[ChainResult, dict, Changes]:
        """Run one stored action (its draft by default, as Auth0's Test panel does) on an event.
        `http` overrides the tenant's outbound-HTTP mode and stubs for this run."""
        src = store.actions.source(self.ws, tenant, name, version)
        return await self._run(tenant, src["trigger_id"], [src], event, kind="test", handler=handler, progress=progress,
                               http=http, record_into_workspace=record_into_workspace)

    async def run_trigger(self, tenant: str, trigger_id: str, event: dict | None = None, *,
                          progress: Progress | None = None, http: dict | None = None,
                          record_into_workspace: bool = True) -> tuple[ChainResult, dict, Changes]:
        """Run the deployed versions of the actions bound to a trigger, in binding order."""
        store.tenants.require(self.ws, tenant)
        srcs = [store.actions.source(self.ws, tenant, b["action"]["name"], store.actions.DEPLOYED)
                for b in store.bindings.get(self.ws, tenant, trigger_id)]
        return await self._run(tenant, triggers.get(trigger_id).id, srcs, event, kind="trigger", handler=None,
                               progress=progress, http=http, record_into_workspace=record_into_workspace)

    async def check_code(self, code: str, name: str = "action", tenant: str = "default") -> dict | None:
        """A syntax error in `code` (name, message, line) or None: compiled in Node, not run."""
        host = await self.pool.host(tenant)
        reply = await host.request({"type": "check", "code": code, "filename": f"{name}.js"})
        return reply["error"]

    async def actions_confined(self) -> bool:
        """Whether this Node confines action code (its permission model: Node 20 and newer)."""
        from .runtime import sandbox

        return (await sandbox.node_version_async(str(self.pool.node)))[0] >= 20

    def set_node(self, node: str | Path | None) -> None:
        """Use another Node binary from the next run on (the hosts restart on it)."""
        from .runtime.node import bundled_node, node_version, resolve_node

        path = resolve_node(node)
        if path != bundled_node():
            node_version(path)
        old, self.pool = self.pool, HostPool(path)
        self._retired.append(old)
        self.node_override = str(node) if node else None

    # ---- outbound HTTP -------------------------------------------------------------------------------
    def http_config(self, tenant: str) -> dict:
        """The tenant's outbound-HTTP mode (live, record, stub, replay) and stubs."""
        return store.http.config(self.ws, tenant)

    async def run_http(self, tenant: str, srcs: list[dict], http: dict | None = None) -> dict:
        """The HTTP configuration of one run: the tenant's mode and stubs (or `http`), and where calls to the
        tenant's own domains go (local_api.py)."""
        http = dict(http or self.http_config(tenant))
        local = await self.local_apis.config(tenant, srcs)
        if local:
            http["local"] = local
        return http

    def notify(self, changes: Changes) -> None:
        """Tell the listeners (the app's views) what a write over HTTP changed."""
        for listener in self.change_listeners:
            listener(changes)

    def set_http_mode(self, tenant: str, mode: str) -> Changes:
        store.http.set_mode(self.ws, tenant, mode)
        return Changes(tenants=frozenset([tenant]))

    def set_http_stubs(self, tenant: str, stubs: list[dict]) -> Changes:
        store.http.set_stubs(self.ws, tenant, stubs)
        return Changes(tenants=frozenset([tenant]))

    def record_http(self, tenant: str, calls: list[dict]) -> None:
        """Add what went out (record mode) to the tenant's stubs, for replay."""
        from .runtime import http_stubs

        recorded = http_stubs.from_calls(calls)
        if recorded:
            store.http.set_stubs(self.ws, tenant, http_stubs.merge(self.http_config(tenant)["stubs"], recorded))

    # ---- test events ---------------------------------------------------------------------------------
    def test_events(self, tenant: str, action: str) -> dict[str, dict]:
        return store.test_events.list_(self.ws, tenant, action)

    def save_test_event(self, tenant: str, action: str, name: str, event: dict) -> Changes:
        store.test_events.save(self.ws, tenant, action, name, event)
        return Changes(actions=frozenset([(tenant, action)]))

    def delete_test_event(self, tenant: str, action: str, name: str) -> Changes:
        store.test_events.delete(self.ws, tenant, action, name)
        return Changes(actions=frozenset([(tenant, action)]))

    def event_as_user(self, tenant: str, trigger_id: str, user_id: str, event: dict) -> dict:
        """`event` with a tenant user's stored profile (metadata, roles, factors) where the trigger's event
        has a user, as a journey for that user would send it."""
        store.tenants.require(self.ws, tenant)
        return flow_events.as_user(self.ws, tenant, trigger_id, user_id, event)

    # ---- flows (journeys), the outbox, timings --------------------------------------------------------
    def start_flow(self, tenant: str, kind: str, inputs: dict, **kw: Any) -> tuple[flows.FlowRun, Changes]:
        run = flows.start(self, tenant, kind, inputs, **kw)
        return run, Changes(flow_runs=frozenset([(tenant, run.id)]))

    def rerun_flow(self, run: flows.FlowRun) -> tuple[flows.FlowRun, Changes]:
        new = flows.rerun(self, run)
        return new, Changes(flow_runs=frozenset([(new.tenant, new.id)]))

    @staticmethod
    def _flow_changes(run: flows.FlowRun, logs_before: int, executions_before: int) -> Changes:
        return Changes(flow_runs=frozenset([(run.tenant, run.id)]),
                       logs=frozenset([run.tenant]) if len(run.logs) > logs_before else frozenset(),
                       executions=frozenset(e["id"] for e in run.executions[executions_before:]),
                       users=frozenset([(run.tenant, run.ctx["user_id"])]) if run.ctx.get("user_id") else frozenset())

    async def step_flow(self, run: flows.FlowRun, answer: dict | None = None) -> tuple[flows.FlowRun, Changes]:
        """One unit of the journey (a state, or one action), with the user's answer if it was waiting."""
        before = len(run.logs), len(run.executions)
        await flows.step(self, run, answer)
        return run, self._flow_changes(run, *before)

    async def run_flow(self, run: flows.FlowRun, answers: flows.Answers | None = None,
                       on_step: Callable[[flows.FlowRun], None] | None = None) -> tuple[flows.FlowRun, Changes]:
        """Step until the run ends, pauses at a breakpoint or waits for the user."""
        before = len(run.logs), len(run.executions)
        await flows.run_to_end(self, run, answers, on_step)
        return run, self._flow_changes(run, *before)

    def flow_run(self, run_id: str) -> flows.FlowRun:
        return flows.load(self.ws, run_id)

    def flow_runs(self, tenant: str, limit: int = 50) -> list[dict]:
        return flows.list_(self.ws, tenant, limit)

    def flow_view(self, run: flows.FlowRun) -> dict:
        """Everything the Simulator shows of a run (see emulator.flows.inspect)."""
        return {"stepper": inspect.stepper(run), "chain": inspect.chain(run),
                "last_action": inspect.last_action(self, run), "state": inspect.state_so_far(run),
                "report": report(self, run)}

    def auto_answer(self, run: flows.FlowRun) -> dict | None:
        """What the emulator, playing the user, answers: the code from the outbox SMS, the link from the
        reset e-mail, a plain return from a redirect (None when it has no answer)."""
        return flows.engine.answer_for(self, run, flows.Answers(auto=True))

    def breakpoint_choices(self, tenant: str, kind: str) -> list[dict]:
        return inspect.breakpoint_choices(self, tenant, kind)

    def flow_kinds(self) -> dict[str, str]:
        """Journey kinds and their names, in the order a person picks from."""
        return dict(inspect.KIND_LABELS)

    def redirect_secret_names(self, run: flows.FlowRun) -> list[str]:
        return sorted(redirect.redirecting_action_secrets(self, run))

    def redirect_token(self, run: flows.FlowRun, claims: dict, *, secret: str | None = None,
                       secret_name: str | None = None) -> str:
        """The session token the redirect page sends back to /continue (signed on the run's clock)."""
        return redirect.session_token(self, run, claims, secret=secret, secret_name=secret_name)

    def clients(self, tenant: str) -> list[dict]:
        return store.directory.clients(self.ws, tenant)

    def outbox(self, tenant: str, recipient: str | None = None, limit: int = 50) -> list[dict]:
        return store.outbox.list_(self.ws, tenant, recipient, limit)

    def action_durations(self, tenant: str, runs: int = 200, action: str | None = None) -> list[dict]:
        return timings.action_durations(self.ws, tenant, runs=runs, action=action)

    def waterfall(self, *, run_id: str | None = None, execution_id: str | None = None) -> list[dict]:
        """One run's bars on a time axis: a flow run's states, triggers and actions, or one execution's."""
        if run_id:
            return timings.run_waterfall(self.flow_run(run_id))
        return timings.execution_waterfall(self.ws, execution_id)

    # ---- import and export ---------------------------------------------------------------------------------
    def import_tenant(self, path: str | Path, tenant: str, mappings: dict | None = None) -> tuple[Changes, list[str]]:
        bundle, problems, warnings = deploy_cli.read(path, mappings)
        problems += deploy_cli.check(self.ws, tenant, bundle)  # every problem at once, files and references
        if problems:
            raise deploy_cli.ImportRefused(problems)
        changes, more = deploy_cli.import_bundle(self.ws, tenant, bundle)
        return changes, warnings + more

    def export_tenant(self, tenant: str, path: str | Path, fmt: str = "directory") -> Path:
        return deploy_cli.write(deploy_cli.export_bundle(self.ws, tenant), path, fmt)
