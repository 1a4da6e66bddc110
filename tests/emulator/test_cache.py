"""`api.cache` (spec §1.3): records, expiry, Auth0's limits and error codes, returned not thrown."""
from __future__ import annotations

import json

from emulator.runtime import build_event, run_chain

T = "post-login"
NOW = 1_800_000_000_000  # a fixed clock passed to the host


def _results(r):
    return [c.get("result") for c in r.commands]


def test_set_get_delete(emu):
    r = emu.one(T, """
      api.cache.set('k', 'v');
      api.cache.get('k');
      api.cache.delete('k');
      api.cache.get('k');
      api.cache.delete('k');
    """, now_ms=NOW)
    assert _results(r) == [
        {"type": "success", "record": {"value": "v", "expires_at": NOW + 15 * 60 * 1000}},
        {"value": "v", "expires_at": NOW + 15 * 60 * 1000},
        {"type": "success"},
        None,
        {"type": "error", "code": "CacheKeyDoesNotExist"},
    ]


def test_expiry_options(emu):
    r = emu.one(T, """
      api.cache.set('a', '1', {ttl: 1000});
      api.cache.set('b', '1', {ttl: 5000, expires_at: Date.now() + 1000});
      api.cache.set('c', '1', {ttl: -5});
      api.cache.set('d', '1', {ttl: 'soon'});
      api.cache.set('e', '1', {expires_at: Infinity});
      api.cache.set('f', '1', {ttl: 48 * 3600e3});
    """, now_ms=NOW)
    res = _results(r)
    assert res[0]["record"]["expires_at"] == NOW + 1000
    assert res[2:5] == [{"type": "error", "code": "ItemAlreadyExpired"}, {"type": "error", "code": "InvalidExpiry"},
                        {"type": "error", "code": "InvalidExpiry"}]
    assert res[5]["record"]["expires_at"] == NOW + 24 * 3600 * 1000  # capped at 24 h


def test_size_limits_are_error_codes_not_exceptions(emu):
    r = emu.one(T, """
      console.log(JSON.stringify(api.cache.set('k'.repeat(65), 'v')));
      console.log(JSON.stringify(api.cache.set('k', 'v'.repeat(4097))));
      for (let i = 0; i < 20; i++) api.cache.set('key' + i, 'v');
      console.log(JSON.stringify(api.cache.set('one-too-many', 'v')));
    """)
    assert r.error is None
    assert [json.loads(l["message"])["code"] for l in r.logs] == [
        "CacheKeySizeExceeded", "CacheValueSizeExceeded", "CacheSizeExceeded"]


def test_total_size_limit(emu):
    r = emu.one(T, "for (let i = 0; i < 3; i++) console.log(api.cache.set('k' + i, 'v'.repeat(4000)).type);")
    assert [l["message"] for l in r.logs] == ["success", "success", "error"]


def test_cache_is_shared_along_the_chain_and_returned_for_the_next_execution(emu):
    r = emu.chain(T, "exports.onExecutePostLogin = async (e, api) => { api.cache.set('token', 'abc'); };",
                  "exports.onExecutePostLogin = async (e, api) => { console.log(api.cache.get('token').value); };",
                  now_ms=NOW)
    assert r.actions[1].logs[0]["message"] == "abc"
    assert r.cache == {"token": {"value": "abc", "expires_at": NOW + 900_000}}
    # The next execution starts from the cache the last one left; expired records are gone.
    host = emu.host()
    src = emu.sources(["exports.onExecutePostLogin = async (e, api) => { console.log(String(api.cache.get('token') && api.cache.get('token').value)); };"])
    later = emu.run(run_chain(host, T, src, build_event(T, None), cache=r.cache, now_ms=NOW + 60_000))
    assert later.actions[0].logs[0]["message"] == "abc"
    expired = emu.run(run_chain(host, T, src, build_event(T, None), cache=r.cache, now_ms=NOW + 901_000))
    assert expired.actions[0].logs[0]["message"] == "undefined" and expired.cache == {}
