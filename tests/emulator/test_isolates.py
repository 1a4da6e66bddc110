"""One V8 isolate per action version (issue 27): each attack that reached the host's realm through
`require('fs').constructor.constructor('return process')()` is run, as described, on the bundled Node 18
and on Node 22, against a real tenant host; what is reported for the attacker and for every later action
and run must stay true."""
from __future__ import annotations

import asyncio
import json
import time

import pytest

from emulator.runtime import ActionSource, HostLimits, HostPool, build_event, official_node, run_chain

PL = "post-login"
DENY = "exports.onExecutePostLogin = async (event, api) => { api.access.deny('no entry'); };"
# The way out of a realm into the thread's own (today: the isolate's) that every attack starts with.
ESCAPE = "const P = require('fs').constructor.constructor('return process')(); " \
         "const G = require('fs').constructor.constructor('return this')();"


def _act(body: str) -> str:
    return f"exports.onExecutePostLogin = async (event, api) => {{\n{ESCAPE}\n{body}\n}};"


class Tenant:
    """A tenant host on one Node; `run(*codes)` runs a chain of code strings (or ActionSources)."""

    def __init__(self, node, limits=None):
        self.runner = asyncio.Runner()
        self.pool = HostPool(node, limits or HostLimits(heap_mb=128, rss_mb=768))
        self.host = self.runner.run(self.pool.host("t"))

    def sources(self, codes, secrets=None):
        out = []
        for i, code in enumerate(codes):
            if isinstance(code, ActionSource):
                out.append(code)
            else:
                out.append(ActionSource(name=f"action{i + 1}", code=code, filename=f"/actions/action{i + 1}.js",
                                        secrets=dict(secrets or {})))
        return out

    def run(self, *codes, deadline_ms=5000, secrets=None):
        return self.runner.run(run_chain(self.host, PL, self.sources(codes, secrets), build_event(PL, None),
                                         deadline_ms=deadline_ms))

    def close(self):
        self.runner.run(self.pool.close())
        self.runner.close()


@pytest.fixture(scope="module", params=["node18", "node22"])
def node(request):
    if request.param == "node22":
        return official_node.ensure("22")
    from emulator.runtime.node import resolve_node

    return resolve_node(None)


@pytest.fixture
def tenant(node):
    t = Tenant(node)
    yield t
    t.close()


def _denied(result):
    assert result.outcome.status == "denied", (result.outcome, [a.error for a in result.actions])
    assert result.outcome.command["name"] == "access.deny"


# ---- forge and erase ----------------------------------------------------------------------------------
FORGE_AND_ERASE = _act("""
  api.access.deny('no entry');
  // Find the invocation's record wherever the harness keeps it, empty it, and forge a claim in its place.
  const M = P.mainModule ? P.mainModule.constructor : G.require && G.require('module');
  const cache = (M && M._cache) || {};
  for (const [p, m] of Object.entries(cache)) {
    if (!p.endsWith('console.js')) continue;
    const store = m.exports.als.getStore() || [...m.exports.running][0];
    if (store && store.ctx) {
      store.ctx.commands.length = 0;
      store.ctx.effects.length = 0;
      store.ctx.commands.push({ name: 'idToken.setCustomClaim', args: ['forged', true] });
    }
  }
""")


def test_an_action_cannot_erase_its_own_deny_or_forge_a_claim(tenant):
    r = tenant.run(FORGE_AND_ERASE)
    _denied(r)
    assert r.actions[0].commands == [{"name": "access.deny", "args": ["no entry"]}]


# ---- the loader wrapped for later actions and later runs -----------------------------------------------
WRAP_LOADER = _act("""
  // Wrap the harness's loader (and every function it exports) so that later handlers do nothing.
  const M = P.mainModule ? P.mainModule.constructor : null;
  const cache = (M && M._cache) || {};
  for (const [p, m] of Object.entries(cache)) {
    if (!p.endsWith('loader.js')) continue;
    const real = m.exports.handler;
    m.exports.handler = (...args) => { real(...args); return async () => {}; };
  }
  api.idToken.setCustomClaim('wrapped', true);
""")


def test_a_wrapped_loader_silences_no_later_deny_in_this_run_or_later_runs(tenant):
    r = tenant.run(WRAP_LOADER, DENY)
    _denied(r)
    assert [a.name for a in r.actions] == ["action1", "action2"]
    for _ in range(2):  # later runs on the same long-lived host
        _denied(tenant.run(DENY))
        _denied(tenant.run(WRAP_LOADER, DENY))


# ---- secret theft across actions ----------------------------------------------------------------------
THIEF = _act("""
  G.__loot = G.__loot || [];
  // Catch every event the harness parses from now on, and look through whatever the thread holds.
  const M = P.mainModule ? P.mainModule.constructor : null;
  for (const [p, m] of Object.entries((M && M._cache) || {})) {
    if (p.endsWith('realm.js')) {
      const create = m.exports.create;
      m.exports.create = (...a) => { const r = create(...a); const parse = r.bridge.parse;
        return { ...r, bridge: { ...r.bridge, parse: (j) => { G.__loot.push(String(j)); return parse(j); } } }; };
    }
  }
  G.__loot.push(JSON.stringify(event.secrets));
  console.log('loot:' + JSON.stringify(G.__loot));
""")
VICTIM = "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('has', Boolean(event.secrets.TOKEN)); };"


def test_an_action_sees_only_its_own_secrets(tenant):
    thief = ActionSource("thief", THIEF, "/actions/thief.js", secrets={"MINE": "thief-own"})
    victim = ActionSource("victim", VICTIM, "/actions/victim.js", secrets={"TOKEN": "victim-s3cret"})
    for _ in range(3):
        r = tenant.run(thief, victim)
        assert r.ok and r.actions[1].commands[0]["args"] == ["has", True]
        text = json.dumps([a.logs for a in r.actions])
        assert "thief-own" in text and "victim-s3cret" not in text


# ---- the inspector from inside an action --------------------------------------------------------------
INSPECTOR = _act("""
  const out = {};
  const attempt = async (name, fn) => { try { await fn(); out[name] = 'reached'; } catch (e) { out[name] = e.code || e.message; } };
  await attempt('require', () => require('inspector').url());
  await attempt('escaped require', () => P.mainModule.require('inspector').url());
  await attempt('binding', () => P.binding('inspector'));
  await attempt('debugProcess', () => P._debugProcess(P.pid));
  await attempt('signal', () => P.kill(P.pid, 'SIGUSR1'));
  await attempt('import', async () => {
    const insp = await G.Function('return import("node:inspector")')();
    const s = new insp.Session();
    s.connectToMainThread();
    await new Promise((ok, no) => s.post('Runtime.evaluate', { expression: '1' }, (e) => (e ? no(e) : ok())));
  });
  console.log(JSON.stringify(out));
  api.idToken.setCustomClaim('after', true);
""")


def test_the_inspector_is_refused_to_actions(tenant):
    r = tenant.run(INSPECTOR, DENY)
    _denied(r)
    out = json.loads(r.actions[0].logs[-1]["message"])
    assert "reached" not in out.values(), out
    # Nothing opened an inspector anywhere in the host.
    assert not any("Debugger listening" in line for line in tenant.host.host_output)


# ---- a debugging host's inspector over loopback -------------------------------------------------------
def test_a_debugging_hosts_inspector_is_not_handed_to_whoever_asks(tenant, node):
    from emulator.debug import DebugSession

    async def open_session():
        session = DebugSession(node, tenant="debugged")
        await session.open()
        return session

    session = tenant.runner.run(open_session())
    try:
        port = int(session.url.rsplit(":", 1)[1].split("/", 1)[0])
        probe = _act(f"""
          const http = require('http');
          const get = (p) => new Promise((ok) => http.get({{ host: '127.0.0.1', port: {port}, path: p }}, (res) => {{
            let body = ''; res.on('data', (c) => body += c); res.on('end', () => ok(res.statusCode + ' ' + body));
          }}).on('error', (e) => ok('error ' + e.code)));
          console.log(JSON.stringify({{ list: await get('/json/list'), json: await get('/json'),
            version: await get('/json/version') }}));
        """)
        r = tenant.run(probe)
        assert r.ok, r.actions[0].error
        seen = r.actions[0].logs[-1]["message"]
        assert "webSocketDebuggerUrl" not in seen and session.url.rsplit("/", 1)[1] not in seen, seen
    finally:
        tenant.runner.run(session.close())


# ---- faults end the isolate only ----------------------------------------------------------------------
def _together(tenant, culprit_code, deadline_ms=800):
    bystander = ActionSource("bystander", "exports.onExecutePostLogin = async (e, api) => { "
                             "await new Promise((r) => setTimeout(r, 1200)); api.idToken.setCustomClaim('fine', 1); };",
                             "/actions/bystander.js")
    culprit = ActionSource("culprit", culprit_code, "/actions/culprit.js")
    event = build_event(PL, None)

    async def both():
        slow = asyncio.ensure_future(run_chain(tenant.host, PL, [bystander], event, deadline_ms=5000))
        await asyncio.sleep(0.3)  # the bystander is in flight
        bad = await run_chain(tenant.host, PL, [culprit], event, deadline_ms=deadline_ms)
        return bad, await slow

    pid = tenant.host.pid
    bad, good = tenant.runner.run(both())
    assert good.ok and good.actions[0].commands == [{"name": "idToken.setCustomClaim", "args": ["fine", 1]}]
    assert tenant.host.pid == pid and tenant.host.restarts == 0
    return bad.actions[0]


FAULTS = {
    "sync loop": ("while (true) {}", "action_timeout", "synchronous loop"),
    "heap bomb": ("const a = []; while (true) a.push(new Array(1e6).fill(1.5));", "platform_error", "memory limit"),
    "process.exit": ("process.exit(3);", "platform_error", "process.exit(3) was called"),
    "escaped process.exit": (f"{ESCAPE} P.reallyExit ? P.reallyExit(3) : P.exit(3);", "platform_error", "isolate"),
}


@pytest.mark.parametrize("name", FAULTS)
def test_a_fault_ends_the_isolate_only_and_the_next_invocation_gets_a_fresh_one(tenant, name):
    body, error_class, says = FAULTS[name]
    code = f"exports.onExecutePostLogin = async (event, api) => {{ api.idToken.setCustomClaim('before', 1);\n{body}\n}};"
    t0 = time.perf_counter()
    bad = _together(tenant, code)
    assert bad.error.error_class == error_class and says in bad.error.message, bad.error
    assert bad.commands == [{"name": "idToken.setCustomClaim", "args": ["before", 1]}]
    assert time.perf_counter() - t0 < 3.0
    # The same version again: a fresh isolate, which says so.
    again = tenant.run(ActionSource("culprit", code.replace(body, ""), "/actions/culprit.js"))
    assert again.ok


def test_the_next_invocation_of_a_lost_isolate_says_it_is_fresh(tenant):
    code = "exports.onExecutePostLogin = async (event) => { if (!globalThis.once) { globalThis.once = 1; process.exit(1); } };"
    first = tenant.run(code)
    assert first.actions[0].error.error_class == "platform_error"
    second = tenant.run(code)
    assert second.actions[0].error is not None or second.ok
    # The module scope went with the isolate: the action exits again, and its console says why it is new.
    assert any("A new isolate for this action" in l["message"] for l in second.actions[0].logs)


# ---- the generic walk ---------------------------------------------------------------------------------
WALK = _act("""
  api.access.deny('no entry');
  // Replace every function reachable from the thread's globals and its module cache.
  const seen = new Set();
  const roots = [G, P, ...(P.mainModule ? Object.values(P.mainModule.constructor._cache).map((m) => m.exports) : [])];
  const walk = (o, depth) => {
    if (!o || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o) || depth > 3) return;
    seen.add(o);
    for (const k of Reflect.ownKeys(o)) {
      let d; try { d = Object.getOwnPropertyDescriptor(o, k); } catch (e) { continue; }
      if (!d || !('value' in d)) continue;
      if (typeof d.value === 'function' && d.writable) {
        try { o[k] = function () { return undefined; }; } catch (e) { /* frozen */ }
      }
      walk(d.value, depth + 1);
    }
  };
  for (const r of roots) walk(r, 0);
""")


def test_an_action_that_replaces_every_function_it_reaches_changes_no_report(tenant):
    r = tenant.run(WALK, DENY)
    _denied(r)
    assert r.actions[0].name == "action1" and r.actions[0].commands[0]["name"] == "access.deny"
    _denied(tenant.run(DENY))
    assert tenant.run("exports.onExecutePostLogin = async () => {};").ok
