// node-auth0's current major (v5 and later: the generated client with `users.list`, `users.roles.assign`
// and pages) against `serve --https`: the same journey as node_auth0.js. Prints one JSON object.
'use strict';
const { ManagementClient } = require('auth0');

async function main() {
  const mgmt = new ManagementClient({ domain: process.env.DOMAIN, clientId: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET });
  const out = {};
  const created = await mgmt.users.create({ connection: 'Username-Password-Authentication',
    email: 'max@example.com', password: 'Str0ng-Passw0rd!', app_metadata: { plan: 'pro', region: 'eu' } });
  out.created = created.user_id;
  out.byEmail = (await mgmt.users.listUsersByEmail({ email: 'MAX@example.com' })).map((u) => u.user_id);
  const found = await mgmt.users.list({ q: 'app_metadata.plan:"pro"', search_engine: 'v3' });
  out.byMetadata = found.data.map((u) => u.email);
  const patched = await mgmt.users.update(created.user_id, { app_metadata: { region: null, tier: 2 } });
  out.metadata = patched.app_metadata;
  const role = await mgmt.roles.create({ name: 'auditor', description: 'Reads things' });
  await mgmt.users.roles.assign(created.user_id, { roles: [role.id] });
  out.roles = (await mgmt.users.roles.list(created.user_id)).data.map((r) => r.name);
  const action = await mgmt.actions.create({ name: 'claim-from-v5', supported_triggers: [{ id: 'post-login', version: 'v3' }],
    code: "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://acme.example/via', 'v5'); };",
    runtime: 'node18' });
  out.actionStatus = (await mgmt.actions.get(action.id)).status;
  await mgmt.actions.deploy(action.id);
  await mgmt.actions.triggers.bindings.updateMany('post-login',
    { bindings: [{ ref: { type: 'action_id', value: action.id }, display_name: 'claim-from-v5' }] });
  out.bindings = (await mgmt.actions.triggers.bindings.list('post-login')).data.map((b) => b.action.name);
  const logs = await mgmt.logs.list({ search: 'type:sapi', per_page: 100 });
  out.logTypes = [...new Set(logs.data.map((l) => l.type))];
  const connections = await mgmt.connections.list({ take: 1 });
  out.connections = connections.data.map((c) => c.name);
  out.moreConnections = connections.hasNextPage();
  await mgmt.users.delete(created.user_id);
  try {
    await mgmt.users.get(created.user_id);
    out.afterDelete = 'found';
  } catch (err) {
    out.afterDelete = err.statusCode;
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: String(err && (err.message || err)), status: err && err.statusCode,
    body: err && err.body }));
  process.exitCode = 1;
});
