"""What the Actions area edits: an action, or an Actions Module. Both have a draft in the same editor, the
same dependencies and secrets, numbered versions and diffs; they differ in what the core calls do and in
their words (an action deploys, a module publishes; rolling an action back deploys a copy, rolling a
module back only fills its draft). The views ask the kind instead of testing which one they show."""
from __future__ import annotations


class ActionKind:
    name = "action"
    commit_label = "Deploy (Ctrl+Shift+D)"
    current_label = "Deployed"
    current_word = "deployed"
    rollback_label = "Roll back to selected version"
    no_versions = "No versions yet: Deploy (Ctrl+Shift+D) makes v1 from the draft."

    def __init__(self, core):
        self.core = core

    def get(self, tenant: str, name: str) -> dict:
        return self.core.action(tenant, name)

    def versions(self, tenant: str, name: str) -> list[dict]:
        """[{number, current, created_at, code, runtime, dependencies}], newest first."""
        return [{"number": v["number"], "current": v["deployed"], "created_at": v["created_at"], "code": v["code"],
                 "runtime": v.get("runtime") or "", "dependencies": v.get("dependencies") or []}
                for v in self.core.versions(tenant, name)]

    def diff_choices(self, entity: dict, versions: list[dict]) -> tuple[list[tuple[str, object]], str]:
        """The sides a diff can show, and the default left side."""
        deployed = [("deployed", "deployed")] if entity["deployed_version"] else []
        return ([("draft", "draft")] + deployed + [(f"v{v['number']}", v["number"]) for v in versions],
                "deployed" if deployed else "draft")

    def diff_sides(self, tenant, name, a, b):
        return self.core.diff_sides(tenant, name, a, b)

    def diff(self, tenant, name, a, b) -> str:
        return self.core.diff(tenant, name, a, b)

    def rollback(self, tenant: str, name: str, number: int):
        """(callable, args) for ops.call."""
        return self.core.rollback, (tenant, name, number)

    def save(self, tenant: str, name: str, code: str, dependencies: list[dict], secrets: dict, pins: list[dict],
             runtime: str | None = None):
        return self.core.update_draft, (tenant, name), dict(code=code, dependencies=dependencies, secrets=secrets,
                                                             modules=pins, runtime=runtime)

    def title(self, entity: dict) -> str:
        trig = entity["supported_triggers"][0]
        deployed = f"action deployed v{entity['deployed_version']}" if entity["deployed_version"] else "never deployed"
        pending = "" if entity["all_changes_deployed"] or not entity["deployed_version"] else ", the draft has changes"
        modules = ", ".join(f"{m['module_name']}@{m['module_version_number']}" for m in entity["modules"])
        # The trigger's own version in its words ("post-login trigger v3"), apart from the action's versions.
        return (f"<b>{entity['name']}</b> · {trig['id']} trigger {trig['version']} · {entity['runtime']} · {deployed}{pending}"
                + (f" · modules {modules}" if modules else ""))

    def tree_state(self, entity: dict) -> str:
        state = f"v{entity['deployed_version']}" if entity["deployed_version"] else "never"
        return state + (" + draft" if entity["deployed_version"] and not entity["all_changes_deployed"] else "")


class ModuleKind:
    name = "module"
    commit_label = "Publish (Ctrl+Shift+D)"
    current_label = "Latest"
    current_word = "latest"
    rollback_label = "Copy selected version into the draft"
    no_versions = "No versions yet: Publish (Ctrl+Shift+D) makes v1 from the draft."

    def __init__(self, core):
        self.core = core

    def get(self, tenant: str, name: str) -> dict:
        return self.core.module(tenant, name)

    def versions(self, tenant: str, name: str) -> list[dict]:
        versions = self.core.module_versions(tenant, name)
        return [{"number": v["version_number"], "current": i == 0, "created_at": v["created_at"],
                 "code": v.get("code") or "", "runtime": "", "dependencies": v.get("dependencies") or []}
                for i, v in enumerate(versions)]

    def diff_choices(self, entity: dict, versions: list[dict]) -> tuple[list[tuple[str, object]], str]:
        choices = [("draft", "draft")] + [(f"v{v['number']}", v["number"]) for v in versions]
        return choices, f"v{versions[0]['number']}" if versions else "draft"

    def diff_sides(self, tenant, name, a, b):
        return self.core.module_diff_sides(tenant, name, a, b)

    def diff(self, tenant, name, a, b) -> str:
        return self.core.module_diff(tenant, name, a, b)

    def rollback(self, tenant: str, name: str, number: int):
        return self.core.rollback_module, (tenant, name, number)

    def save(self, tenant: str, name: str, code: str, dependencies: list[dict], secrets: dict, pins: list[dict],
             runtime: str | None = None):
        return self.core.update_module, (tenant, name), dict(code=code, dependencies=dependencies, secrets=secrets)

    def title(self, entity: dict) -> str:
        latest = entity.get("latest_version_number")
        state = f"latest v{latest}" if latest else "never published"
        pending = "" if entity["all_changes_published"] or not latest else ", the draft has changes"
        users = entity["actions_using_module_total"]
        return (f"<b>{entity['name']}</b> · Actions Module, required as actions:{entity['name']} · {state}{pending}"
                f" · used by {users} action{'s' if users != 1 else ''}")

    def tree_state(self, entity: dict) -> str:
        latest = entity.get("latest_version_number")
        if not latest:
            return "never"
        return f"v{latest}" + ("" if entity["all_changes_published"] else " + draft")
