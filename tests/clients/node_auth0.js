// node-auth0's ManagementClient against `serve --https`, as a backend uses it: users CRUD, search by
// e-mail and by app_metadata, roles, metadata, an action created, deployed and bound, and the logs read
// with the checkpoint form. Works with the v4 API (most actions and backends) and later majors that keep
// it. Prints one JSON object; the test asserts on it.
'use strict';
const { ManagementClient } = require('auth0');

const data = (r) => (r && Object.prototype.hasOwnProperty.call(r, 'data') ? r.data : r);

async function main() {
  const mgmt = new ManagementClient({ domain: process.env.DOMAIN, clientId: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET });
  const out = {};
  const created = data(await mgmt.users.create({ connection: 'Username-Password-Authentication',
    email: 'lee@example.com', password: 'Str0ng-Passw0rd!', app_metadata: { plan: 'pro', region: 'eu' } }));
  out.created = created.user_id;
  out.byEmail = data(await mgmt.usersByEmail.getByEmail({ email: 'LEE@example.com' })).map((u) => u.user_id);
  out.byMetadata = data(await mgmt.users.getAll({ q: 'app_metadata.plan:"pro"', search_engine: 'v3' })).map((u) => u.email);
  const patched = data(await mgmt.users.update({ id: created.user_id }, { app_metadata: { region: null, tier: 2 } }));
  out.metadata = patched.app_metadata;
  const role = data(await mgmt.roles.create({ name: 'editor', description: 'Edits things' }));
  await mgmt.users.assignRoles({ id: created.user_id }, { roles: [role.id] });
  out.roles = data(await mgmt.users.getRoles({ id: created.user_id })).map((r) => r.name);
  const action = data(await mgmt.actions.create({ name: 'claim-from-mgmt', supported_triggers: [{ id: 'post-login', version: 'v3' }],
    code: "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://acme.example/via', 'mgmt'); };",
    runtime: 'node18' }));
  out.actionStatus = data(await mgmt.actions.get({ id: action.id })).status;
  await mgmt.actions.deploy({ id: action.id });
  await mgmt.actions.updateTriggerBindings({ triggerId: 'post-login' },
    { bindings: [{ ref: { type: 'action_name', value: 'claim-from-mgmt' }, display_name: 'claim-from-mgmt' }] });
  out.bindings = data(await mgmt.actions.getTriggerBindings({ triggerId: 'post-login' })).bindings.map((b) => b.action.name);
  const first = data(await mgmt.logs.getAll({ from: '', take: 2 }));
  const next = data(await mgmt.logs.getAll({ from: first[first.length - 1].log_id, take: 100 }));
  out.logTypes = [...first, ...next].map((l) => l.type);
  out.logIdsIncrease = [...first, ...next].every((l, i, all) => i === 0 || all[i - 1].log_id < l.log_id);
  const page = data(await mgmt.users.getAll({ include_totals: true, per_page: 1, page: 0 }));
  out.total = page.total;
  // node-auth0's list-users p50, over a few calls (the closing note's figure).
  const times = [];
  for (let i = 0; i < 30; i += 1) {
    const t = process.hrtime.bigint();
    await mgmt.users.getAll({ per_page: 50 });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  out.listUsersP50Ms = times[Math.floor(times.length / 2)];
  await mgmt.users.delete({ id: created.user_id });
  try {
    await mgmt.users.get({ id: created.user_id });
    out.afterDelete = 'found';
  } catch (err) {
    out.afterDelete = err.statusCode;
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: String(err && (err.message || err)), status: err && err.statusCode }));
  process.exitCode = 1;
});
