"""npm dependencies through the bundled npm: a real install of a small real package, offline reuse of the
cache, and clear errors naming the package (needs the npm registry for the install)."""
from __future__ import annotations

import asyncio

import pytest

from emulator.errors import DependencyError, UsageError
from emulator.runtime import ActionSource, DependencyCache, build_event, parse_spec, run_chain

UNREACHABLE = "http://127.0.0.1:9/"  # nothing listens on the discard port: npm fails at once
IS_NUMBER = [("is-number", "7.0.0")]
PL = "post-login"
ACTION = """const isNumber = require('is-number');
exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('n', isNumber(event.stats.logins_count)); };"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("deps")
    cache = DependencyCache(root)
    messages = []
    path = asyncio.run(cache.ensure(IS_NUMBER, progress=messages.append))
    return root, path, messages


def test_install_then_run_an_action_that_requires_it(emu, installed):
    root, path, messages = installed
    assert (path / "node_modules" / "is-number" / "package.json").exists()
    assert messages == ["installing is-number@7.0.0 with npm"]
    src = ActionSource("n", ACTION, "/actions/n.js", dependencies=IS_NUMBER)
    r = emu.run(run_chain(emu.host(), PL, [src], build_event(PL, None), dependency_cache=DependencyCache(root)))
    assert r.actions[0].error is None
    assert r.actions[0].commands == [{"name": "idToken.setCustomClaim", "args": ["n", True]}]


def test_cached_set_is_reused_offline_without_npm(installed):
    root, path, _ = installed
    offline = DependencyCache(root, registry=UNREACHABLE)
    messages = []
    assert asyncio.run(offline.ensure(list(reversed(IS_NUMBER)), progress=messages.append)) == path
    assert messages == []  # no install attempted


def test_offline_cache_miss_names_the_package(tmp_path):
    cache = DependencyCache(tmp_path, registry=UNREACHABLE)
    with pytest.raises(DependencyError) as err:
        asyncio.run(cache.ensure([("left-pad", "1.3.0")]))
    assert str(err.value).startswith("cannot install left-pad@1.3.0: the npm registry could not be reached")
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith(".")]  # nothing half-installed


def test_unknown_package_names_the_package(tmp_path):
    cache = DependencyCache(tmp_path)
    with pytest.raises(DependencyError) as err:
        asyncio.run(cache.ensure([("actions-emulator-no-such-package-zq", "1.0.0")]))
    assert str(err.value) == "cannot install actions-emulator-no-such-package-zq@1.0.0: no such package in the npm registry"


def test_at_most_ten_dependencies(tmp_path):
    with pytest.raises(UsageError, match="at most 10 dependencies"):
        asyncio.run(DependencyCache(tmp_path).ensure([(f"pkg{i}", "1.0.0") for i in range(11)]))


@pytest.mark.parametrize("spec, parsed", [("lodash@4.17.21", ("lodash", "4.17.21")),
                                          ("@scope/pkg@1.2.3", ("@scope/pkg", "1.2.3")),
                                          ("axios", ("axios", "latest"))])
def test_parse_spec(spec, parsed):
    assert parse_spec(spec) == parsed


@pytest.mark.parametrize("spec", ["lodash@", "Not A Name@1", "@@1", "x@1 2"])
def test_parse_spec_rejects(spec):
    with pytest.raises(UsageError, match="is not NAME@VERSION"):
        parse_spec(spec)
