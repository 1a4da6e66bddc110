"""Real npm clients no one here wrote, against the Management API on `serve --https`: node-auth0 (the v4
API most actions and backends use, and the current major), node-auth0 inside an action during a real
login, and Auth0's Deploy CLI exporting the sample tenant and importing it into a fresh one. Each client
is installed once from the npm registry into a cache and run on the official Node 22."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import jwt
import pytest
import requests

from emulator.emulator import SAMPLE_TENANT_DIR

from .mgmt_support import CLIENTS, Served, machine_client, npm_package, run_node
from .test_cli_workspace import cli, ok

PASSWORD = "Str0ng-Passw0rd!"
AUTH0_V4 = "4.37.0"
AUTH0_CURRENT = "7.1.0"
DEPLOY_CLI = "8.44.0"
INCLUDED = ["actions", "triggers", "clients", "resourceServers", "roles", "clientGrants"]


@pytest.fixture(scope="module")
def tenant(tmp_path_factory):
    ws = tmp_path_factory.mktemp("mgmt-clients") / "ws.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    backend = machine_client(ws, "acme")
    served = Served(ws, "acme")
    yield {"ws": ws, "backend": backend, "served": served}
    served.stop()


def _env(t) -> dict:
    return {"DOMAIN": t["served"].domain, "CLIENT_ID": t["backend"]["client_id"],
            "CLIENT_SECRET": t["backend"]["client_secret"], "NODE_EXTRA_CA_CERTS": t["served"].ca}


def _run(script: str, version: str, t) -> dict:
    done = run_node(CLIENTS / script, npm_package("auth0", version), _env(t))
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_node_auth0_v4(tenant):
    out = _run("node_auth0.js", AUTH0_V4, tenant)
    assert out["byEmail"] == [out["created"]] and out["byMetadata"] == ["lee@example.com"]
    assert out["metadata"] == {"plan": "pro", "tier": 2}
    assert out["roles"] == ["editor"] and out["actionStatus"] == "built" and out["bindings"] == ["claim-from-mgmt"]
    assert out["logIdsIncrease"] and "sapi" in out["logTypes"] and "seccft" in out["logTypes"]
    assert out["total"] >= 1 and out["afterDelete"] == 404
    print(f"node-auth0 v4 list-users p50: {out['listUsersP50Ms']:.2f} ms")
    # The action it deployed and bound runs at the next login.
    done = ok(cli(tenant["ws"], "users", "create", "--tenant", "acme", "--email", "ida@example.com", "--password", PASSWORD))
    assert done
    login = json.loads(ok(cli(tenant["ws"], "flow", "login", "--tenant", "acme", "--email", "ida@example.com",
                              "--password", PASSWORD, "--json")))
    claims = jwt.decode(login["tokens"]["id_token"], options={"verify_signature": False})
    assert claims["https://acme.example/via"] == "mgmt"


def test_node_auth0_current_major(tenant):
    out = _run("node_auth0_v5plus.js", AUTH0_CURRENT, tenant)
    assert out.get("error") is None, out
    assert out["byEmail"] == [out["created"]] and "max@example.com" in out["byMetadata"]
    assert out["metadata"] == {"plan": "pro", "tier": 2} and out["roles"] == ["auditor"]
    assert out["actionStatus"] == "built" and out["bindings"] == ["claim-from-v5"]
    assert out["logTypes"] == ["sapi"] and out["connections"] == ["Username-Password-Authentication"]
    assert out["afterDelete"] == 404


ASSIGN_ON_FIRST_LOGIN = """const { ManagementClient } = require('auth0');
exports.onExecutePostLogin = async (event, api) => {
  const roles = event.authorization ? event.authorization.roles : [];
  api.idToken.setCustomClaim('https://acme.example/roles', roles);
  if (roles.includes('member')) return;
  const mgmt = new ManagementClient({ domain: event.secrets.domain, clientId: event.secrets.clientId,
    clientSecret: event.secrets.clientSecret });
  const { data: found } = await mgmt.roles.getAll({ name_filter: 'member' });
  await mgmt.users.assignRoles({ id: event.user.user_id }, { roles: [found[0].id] });
};
"""


def test_node_auth0_inside_an_action_in_a_real_login(tmp_path):
    """password-realm through /oauth/token: the first login's action assigns a role with node-auth0 (its
    calls to the tenant's alias domain answered locally, nothing leaves the machine), and the second
    login's token carries it."""
    ws = tmp_path / "ws.sqlite"
    ok(cli(ws, "tenants", "create", "shop"))
    ok(cli(ws, "domains", "--tenant", "shop", "--set", "shop.us.auth0.com"))  # the real tenant's, as copied secrets say
    backend = machine_client(ws, "shop")
    ok(cli(ws, "roles", "create", "member", "--tenant", "shop"))
    ok(cli(ws, "users", "create", "--tenant", "shop", "--email", "una@example.com", "--password", PASSWORD))
    (tmp_path / "assign.js").write_text(ASSIGN_ON_FIRST_LOGIN)
    ok(cli(ws, "actions", "create", str(tmp_path / "assign.js"), "--tenant", "shop", "--trigger", "post-login",
           "--runtime", "node18", "--dependency", f"auth0@{AUTH0_V4}", "--secret", "domain=shop.us.auth0.com",
           "--secret", f"clientId={backend['client_id']}", "--secret", f"clientSecret={backend['client_secret']}",
           "--deploy", "--name", "assign"))
    ok(cli(ws, "bindings", "set", "post-login", "assign", "--tenant", "shop"))
    ok(cli(ws, "http", "mode", "replay", "--tenant", "shop"))  # nothing may go out: the calls must stay local
    app = next(c for c in json.loads(ok(cli(ws, "clients", "list", "--tenant", "shop", "--json")))
               if c["name"] == "Default App")
    served = Served(ws, "shop", https=False)
    try:
        def login() -> dict:
            r = requests.post(served.url + "oauth/token", data={
                "grant_type": "http://auth0.com/oauth/grant-type/password-realm", "realm": "Username-Password-Authentication",
                "username": "una@example.com", "password": PASSWORD, "client_id": app["client_id"],
                "client_secret": app["client_secret"], "scope": "openid"}, timeout=120)
            assert r.status_code == 200, r.text
            return jwt.decode(r.json()["id_token"], options={"verify_signature": False})
        assert login()["https://acme.example/roles"] == []
        assert login()["https://acme.example/roles"] == ["member"]
    finally:
        served.stop()
    executions = json.loads(ok(cli(ws, "executions", "list", "--tenant", "shop", "--json")))
    calls = [c for e in executions for r in e["results"] for c in r["emulator"]["http"]]
    assert calls and all(c.get("local") for c in calls)
    # The domain is one of the action's secrets, so the capture masks it.
    assert {c["url"].split("?")[0] for c in calls} >= {"https://[secret:domain]/oauth/token",
                                                       "https://[secret:domain]/api/v2/roles"}


def _deploy_cli(config: dict, folder: Path, *args: str, ca: str) -> subprocess.CompletedProcess:
    cfg = folder.parent / f"{folder.name}-config.json"
    cfg.write_text(json.dumps(config))
    modules = npm_package("auth0-deploy-cli", DEPLOY_CLI)
    return run_node(modules / "auth0-deploy-cli" / "lib" / "index.js", modules, {"NODE_EXTRA_CA_CERTS": ca},
                    *args, "-c", str(cfg), timeout=300)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_deploy_cli_round_trip(tmp_path, capsys):
    """a0deploy export of the sample tenant, a0deploy import into a fresh tenant, and the two export the same."""
    ws = tmp_path / "ws.sqlite"
    ok(cli(ws, "import", str(SAMPLE_TENANT_DIR), "--tenant", "sample", "--keywords",
           str(SAMPLE_TENANT_DIR / "keywords.json")))
    ok(cli(ws, "tenants", "create", "copy"))
    deployer = machine_client(ws, "copy", "Deployer")
    sample_client = next(c for c in json.loads(ok(cli(ws, "clients", "list", "--tenant", "sample", "--json")))
                         if c["name"] == "Tenant Manager")
    source, target = Served(ws, "sample"), Served(ws, "copy")
    try:
        def config(served, client) -> dict:
            return {"AUTH0_DOMAIN": served.domain, "AUTH0_CLIENT_ID": client["client_id"],
                    "AUTH0_CLIENT_SECRET": client["client_secret"], "AUTH0_INCLUDED_ONLY": INCLUDED,
                    "AUTH0_ALLOW_DELETE": False}
        exported = tmp_path / "exported"
        done = _deploy_cli(config(source, sample_client), exported, "export", "--format", "directory",
                           "--output_folder", str(exported), ca=source.ca)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        files = _tree(exported)
        assert "roles/admin.json" in files and "grants/Orders Worker-Orders API.json" in files
        assert len([f for f in files if f.startswith("actions/") and f.endswith(".json")]) == 14
        started = time.monotonic()
        done = _deploy_cli(config(target, deployer), tmp_path / "import", "import", "--input_file", str(exported),
                           ca=target.ca)
        took = time.monotonic() - started
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "Import Successful" in done.stdout
        again = tmp_path / "again"
        done = _deploy_cli(config(target, deployer), again, "export", "--format", "directory", "--output_folder",
                           str(again), ca=target.ca)
        assert done.returncode == 0, done.stdout[-3000:]
    finally:
        source.stop()
        target.stop()
    copy = _tree(again)
    # The copy has its own deploying client besides everything imported (the Deploy CLI leaves the
    # deploying client's grant out of both exports).
    assert sorted(copy) == sorted([*files, "clients/Deployer.json"])
    differ = [k for k in files if files[k] != copy[k]]
    assert differ == [], {k: (files[k], copy[k]) for k in differ}
    with capsys.disabled():
        print(f"\nDeploy CLI import of the sample tenant: {took:.1f} s")
