"""Loading user code as Auth0 does: warm module scope, lazy top level, load errors with the user's line
numbers, Auth0's handler checks, and `require` limited to built-ins and declared dependencies."""
from __future__ import annotations

from emulator.runtime import ActionSource

PL = "post-login"


def test_module_scope_is_kept_between_invocations_of_the_same_version(emu):
    src = ActionSource("counter", "let n = 0;\nexports.onExecutePostLogin = async () => { n += 1; console.log(n); };",
                       "/actions/counter.js")
    runs = [emu.chain(PL, src).actions[0].logs[0]["message"] for _ in range(3)]
    assert runs == ["1", "2", "3"]
    edited = ActionSource("counter", src.code + "\n// edited", "/actions/counter.js")
    assert emu.chain(PL, edited).actions[0].logs[0]["message"] == "1"  # a new version starts fresh


def test_top_level_runs_once_inside_the_first_invocation(emu):
    src = ActionSource("top", "console.log('loading');\nexports.onExecutePostLogin = async () => {};", "/actions/top.js")
    first, second = emu.chain(PL, src).actions[0], emu.chain(PL, src).actions[0]
    assert [l["message"] for l in first.logs] == ["loading"] and second.logs == []
    assert first.timings["load_ms"] > 0 and second.timings["load_ms"] == 0


def test_syntax_error_reports_the_users_line(emu):
    r = emu.chain(PL, "// header\nexports.onExecutePostLogin = async (e, api) => {\n  const x = ;\n};")
    err = r.actions[0].error
    assert (err.name, err.line, err.error_class) == ("SyntaxError", 3, "action_error")
    assert r.outcome.status == "failed"


def test_a_throw_at_load_is_rethrown_on_every_invocation(emu):
    src = ActionSource("boom", "\n\nthrow new Error('config missing');\nexports.onExecutePostLogin = async () => {};",
                       "/actions/boom.js")
    for _ in range(2):
        err = emu.chain(PL, src).actions[0].error
        assert (err.message, err.line) == ("config missing", 3)


def test_handler_must_be_async(emu):
    err = emu.chain(PL, "exports.onExecutePostLogin = function (event, api) {};").actions[0].error
    assert err.message == ('Invalid function signature for the "onExecutePostLogin" handler. '
                           'Use "exports.onExecutePostLogin = async function(event, api) { }" as the signature.')


def test_missing_handler(emu):
    err = emu.chain(PL, "exports.somethingElse = async () => {};").actions[0].error
    assert err.message.startswith('Invalid function signature for the "onExecutePostLogin" handler.')


def test_module_exports_replacement_and_exports_object_both_work(emu):
    r = emu.chain(PL, "module.exports = { onExecutePostLogin: async () => { console.log('via module.exports'); } };")
    assert r.actions[0].logs[0]["message"] == "via module.exports"


def test_require_builtins_but_not_undeclared_packages(emu):
    ok = emu.one(PL, "const c = require('crypto'); console.log(c.createHash('sha256').update('x').digest('hex').slice(0, 8));")
    assert ok.logs[0]["message"] == "2d711642"
    missing = emu.one(PL, "require('lodash');")
    assert missing.error.message.startswith("Cannot find module 'lodash'")
    assert missing.error.code == "MODULE_NOT_FOUND"


def test_host_environment_is_scrubbed(emu, monkeypatch):
    r = emu.one(PL, "console.log(JSON.stringify(process.env));")
    assert r.logs[0]["message"] == '{"TZ":"UTC"}'
