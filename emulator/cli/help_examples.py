"""Every option's help ends with an example, and no option goes without help: `annotate(parser)` walks
the whole command tree once it is built and adds what is missing from the tables below (a test checks
that nothing is left out, so a new option needs an entry here)."""
from __future__ import annotations

import argparse

from .. import triggers

# Help for options that were declared without any (by option, or "command:positional").
HELP = {
    "--json": "print JSON, whatever the output is (piped output is JSON anyway)",
    "--timeout-ms": "deadline of the whole execution (default 20000)",
    "--trigger": "the trigger",
    "--dependency": "an npm dependency, name@version (repeatable)",
    "--secret": "a secret, NAME=value (repeatable)",
    "--runtime": "node22 or node18: the Node the action runs on in Auth0",
    "--name": "name",
    "run-trigger:trigger": "the trigger whose bound actions run, in order",
    "compare:action": "the stored action to compare",
    "tenants create:name": "the new tenant's name (lowercase letters, digits and hyphens)",
    "actions create:file": "the action's code (a .js file)",
    "actions update:file": "the action's new code (a .js file)",
    "actions show:name": "the action",
    "actions deploy:name": "the action",
    "actions rollback:name": "the action",
    "actions rollback:version": "the version to deploy again (Auth0 deploys a copy as a new number)",
    "actions versions:name": "the action",
    "actions diff:name": "the action",
    "actions delete:name": "the action",
    "modules show:name": "the module",
    "token-exchange-profiles set:name": "the profile's name",
    "token-exchange-profiles delete:name": "the profile",
    "modules versions:name": "the module",
    "modules publish:name": "the module",
    "modules delete:name": "the module",
    "modules rollback:name": "the module",
    "modules rollback:version": "the published version whose code becomes the draft",
    "modules create:file": "the module's code (a .js file that sets module.exports)",
    "modules update:file": "the module's new code (a .js file)",
    "bindings set:trigger": "the trigger",
    "executions show:id": "the execution id (from `executions list` or a run's output)",
    "flow resume:run_id": "the run to go on with (its id, from `flow list` or the run's output)",
    "flow show:run_id": "the run to show",
    "http mode:mode": "live, record, stub or replay",
    "clients create:name": "the new application's name",
    "client-grants delete:grant_id": "the grant's id (from client-grants list)",
    "roles create:name": "the new role's name",
    "import:path": "a Deploy CLI folder, or a tenant.yaml",
    "redirect-token:run_id": "the redirected run that will read the token",
    "users create:email": "the new user's e-mail",
    "users create:connection": "the database connection (default Username-Password-Authentication)",
    "users create:username": "a username, for connections that use one",
    "users create:phone": "the user's phone number",
    "--limit": "at most this many, newest first",
    "--format": "directory (the Deploy CLI's folders) or yaml (one tenant.yaml)",
    "--seed": "the seed of a deterministic run (ids, codes), with --deterministic",
    "--recipient": "only messages to this e-mail address or phone number",
    "--import": "replace the tenant's stubs with this file's (JSON or YAML)",
    "--export": "write the tenant's stubs to this file",
    "--days": "remove logs, executions and runs older than this many days",
}

# Examples by option; (command, option) first, for an option whose values differ between commands.
EXAMPLES = {
    "--action": "--action add-role-claims",
    "--audience": "--audience https://api.example.com",
    "--auto": "--auto",
    "--claim": "--claim age_verified=true",
    "--client": "--client 'My Web App'",
    "--connection": "--connection Username-Password-Authentication",
    "--continue": "--continue answer=yes",
    "--continue-claim": "--continue-claim age_verified=true",
    "--continue-secret": "--continue-secret SESSION_TOKEN_SECRET",
    "--coverage": "--coverage",
    "--coverage-out": "--coverage-out coverage.info",
    "--days": "--days 10",
    "--dependency": "--dependency lodash@4.17.21",
    "--deploy": "--deploy",
    "--deterministic": "--deterministic",
    "--email": "--email jane.doe@example.com",
    "--event": "--event '{\"user\": {\"email\": \"a@example.com\"}}' or --event event.json",
    "--export": "--export stubs.yaml",
    "--field": "--field accept=yes",
    "--flows": "--flows 200",
    "--force": "--force",
    "--format": "--format yaml",
    "--handler": "--handler onContinuePostLogin",
    "--host": "--host 127.0.0.1",
    "--http": "--http stub",
    "--http-stubs": "--http-stubs fixtures/http/crm-stubs.yaml",
    "--identifier": "--identifier https://orders.example.com",
    "--import": "--import stubs.yaml",
    "--inspect": "--inspect 9229",
    "--inspect-brk": "--inspect-brk 9229",
    "--interval": "--interval 0.5",
    "--issuer": "--issuer https://dev-tenant.us.auth0.com/",
    "--json": "--json",
    "--keywords": "--keywords fixtures/sample-tenant/keywords.json",
    "--limit": "--limit 20",
    "--logs": "--logs 100000",
    "--markdown": "--markdown",
    "--module": "--module logger@2",
    "--subject-token-type": "--subject-token-type urn:acme:legacy-token",
    "--subject-token": "--subject-token legacy-9f8e7d6c",
    "--actor-token": "--actor-token eyJhbGciOi...",
    "--actor-token-type": "--actor-token-type urn:ietf:params:oauth:token-type:id_token",
    "--module-secret": "--module-secret logger:API_KEY=abc123",
    "--module-dependency": "--module-dependency logger:lodash@4.17.21",
    "--publish": "--publish",
    "--max-seconds": "--max-seconds 30",
    "--name": "--name add-role-claims",
    "--new-password": "--new-password 'New-Passw0rd!'",
    "--node": "--node 22",
    "--otp": "--otp 123456",
    "--password": "--password 'Correct-Horse-9'",
    "--phone": "--phone +14255550123",
    "--port": "--port 4000",
    "--quick": "--quick",
    "--recipient": "--recipient +14255550123",
    "--role": "--role admin",
    "--runtime": "--runtime node22",
    "--scope": "--scope 'openid profile email'",
    "--search": "--search denied",
    "--secret": "--secret API_KEY=abc123",
    "--seed": "--seed 42",
    "--snapshot": "--snapshot run.json",
    "--tenant": "--tenant sample",
    "--timeout-ms": "--timeout-ms 5000",
    "--trigger": f"--trigger {triggers.POST_LOGIN}",
    "--type": "--type fp",
    "--update-draft": "--update-draft",
    "--user": "--user jane.doe@example.com",
    "--username": "--username jane",
    "--version": "--version 2",
    "--wide": "--wide",
    "--workspace": "--workspace ~/work/auth0.sqlite",
    ("apis create", "--scope"): "--scope read:orders",
    ("serve", "--https"): "--https",
    ("serve", "--allow-remote"): "--allow-remote",
    ("clients create", "--callback"): "--callback http://localhost:3000/callback",
    ("clients create", "--grant-type"): "--grant-type client_credentials",
    ("client-grants create", "--client"): "--client 'Tenant Manager'",
    ("client-grants create", "--audience"): "--audience management",
    ("client-grants create", "--scope"): "--scope read:users",
    ("mgmt-token", "--scope"): "--scope read:users",
    ("mgmt-token", "--client"): "--client 'Tenant Manager'",
    ("mgmt-token", "--issuer"): "--issuer https://acme.us.auth0.com/",
    ("roles create", "--description"): "--description 'Edits orders'",
    ("roles create", "--permission"): "--permission https://api.example.com/orders:read:orders",
    ("domains", "--set"): "--set acme.us.auth0.com",
    ("apis create", "--name"): "--name Orders",
    ("modules create", "--name"): "--name logger",
    ("modules update", "--name"): "--name logger",
    ("run-action", "--module"): "--module logger=modules/logger.js",
    ("token-exchange-profiles set", "--action"): "--action exchange-legacy-token",
    ("redirect-token", "--secret"): "--secret SESSION_TOKEN_SECRET",
    ("logs list", "--action"): "--action add-role-claims",
    # positionals: the value itself
    "run-action:files": "actions/add-role-claims.js",
    "clients create:name": "'Orders Worker'",
    "client-grants delete:grant_id": "cgr_JGOJ2Hpcgrbf5wSw",
    "roles create:name": "editor",
    "run-trigger:trigger": triggers.POST_LOGIN,
    "compare:action": "email-domain-policy",
    "compare:a": "1",
    "compare:b": "draft",
    "tenants create:name": "staging",
    "actions create:file": "claims.js",
    "actions update:file": "claims.js",
    "actions show:name": "add-role-claims",
    "actions deploy:name": "add-role-claims",
    "actions rollback:name": "add-role-claims",
    "actions rollback:version": "1",
    "actions versions:name": "add-role-claims",
    "actions diff:name": "email-domain-policy",
    "actions diff:a": "1",
    "actions diff:b": "draft",
    "actions delete:name": "add-role-claims",
    "modules show:name": "logger",
    "token-exchange-profiles set:name": "legacy-tokens",
    "token-exchange-profiles delete:name": "legacy-tokens",
    "modules versions:name": "logger",
    "modules publish:name": "logger",
    "modules delete:name": "logger",
    "modules rollback:name": "logger",
    "modules rollback:version": "1",
    "modules create:file": "logger.js",
    "modules update:file": "logger.js",
    "bindings set:trigger": triggers.POST_LOGIN,
    "bindings set:actions": "deny-blocked-countries add-role-claims",
    "executions show:id": "a1b2c3d4e5f6",
    "export:path": "./tenant-export",
    "flow resume:run_id": "8Ev6FPWK",
    "flow show:run_id": "8Ev6FPWK",
    "http mode:mode": "stub",
    "import:path": "fixtures/sample-tenant",
    "redirect-token:run_id": "8Ev6FPWK",
}


def _key(path: str, action: argparse.Action) -> str:
    return action.option_strings[-1] if action.option_strings else f"{path}:{action.dest}"


def example_for(path: str, action: argparse.Action) -> str | None:
    if action.option_strings:
        return EXAMPLES.get((path, action.option_strings[-1])) or EXAMPLES.get(action.option_strings[-1])
    return EXAMPLES.get(f"{path}:{action.dest}")


def annotate(parser: argparse.ArgumentParser, path: str = "") -> list[str]:
    """Add the missing help and examples in place; return the options that have neither an example
    nor help to add (empty when the tables are complete)."""
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                missing += annotate(sub, f"{path} {name}".strip())
            continue
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        key = _key(path, action)
        if not action.help:
            action.help = HELP.get(f"{path}:{action.dest}") or HELP.get(key)
        example = example_for(path, action)
        if not action.help or example is None:
            missing.append(f"{path} {key}".strip())
            continue
        shown = f"e.g. {example.split()[0]}" if action.option_strings else "e.g."
        if shown not in action.help:  # an "e.g." about the value (like "e.g. geoip") is not an example
            action.help = f"{action.help} (e.g. {example})"
    return missing
