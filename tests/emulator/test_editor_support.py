"""What the editors get from the core: TypeScript declarations of each trigger's event and api from the
registry, a JSON Schema of its event, and lint warnings for code that will fail at run time. No Qt."""
from __future__ import annotations

import json
import re

import pytest

from emulator import triggers
from emulator.editor.declarations import api_type_name, declarations
from emulator.editor.event_schema import event_schema
from emulator.editor.lint import lint, mask


@pytest.mark.parametrize("trigger", triggers.ids())
def test_declarations_cover_every_api_method_and_event_field(trigger):
    t = triggers.get(trigger)
    text = declarations(trigger, ["API_KEY"])
    assert f"interface {api_type_name(t)} {{" in text
    for method in t.api:
        name = method.path.rsplit(".", 1)[-1]
        assert re.search(rf"\b{re.escape(name)}\(", text), method.path
        if method.doc:
            assert method.doc.replace("*/", "*\u2215") in text, method.path
    for field in t.default_event():
        assert re.search(rf"\n    {field}: ", text), field
    for handler in t.handlers:
        assert f"{handler}?: (event: Auth0.Event, api: Auth0.{api_type_name(t)}) => Promise<void> | void;" in text
    assert "      API_KEY: string;" in text  # the action's own secrets complete under event.secrets
    assert text.count("{") == text.count("}")


def test_declarations_type_arguments_and_returns():
    text = declarations("post-login")
    assert "deny(reason: string): PostLoginAPI;" in text  # chains return the api
    assert "get(key: string): CacheRecord | undefined;" in text
    assert "setCookieMode(mode: \"persistent\" | \"non-persistent\"): void;" in text
    assert 'enable(provider: "any" | "duo" | "google-authenticator" | "guardian" | "none", options?: ' in text
    assert "getUserEffectiveRoles(params?: Record<string, any>): Promise<{ roles: Role[]; next?: string }>;" in text
    # Auth0's doc for a known field, the sample value for the others.
    assert "/** (unique) The user's email address. */\n      email?: string;" in text
    assert '/** For example "Bellevue". */\n        cityName?: string;' in text


def test_declarations_type_require_for_typed_dependencies():
    text = declarations("post-login", typed_dependencies=["axios"])
    assert 'declare function require(id: "axios"): typeof import("axios");' in text
    assert text.rstrip().endswith("declare function require(id: string): any;")


def test_event_schema_types_every_field():
    schema = event_schema("post-login")
    user = schema["properties"]["user"]
    assert user["type"] == "object" and user["properties"]["email"]["type"] == "string"
    assert user["properties"]["email_verified"]["type"] == "boolean"
    assert schema["properties"]["stats"]["properties"]["logins_count"]["type"] == "number"
    assert "description" in user["properties"]["email"]
    assert schema["properties"]["secrets"]["additionalProperties"] == {"type": "string"}
    assert "additionalProperties" not in schema  # fields Auth0 adds later stay allowed


def test_mask_blanks_strings_comments_and_regexes_but_not_template_code():
    code = "a('//x') // c\n/* b */ `t ${api.x} u` / 2; r = /'/; z"
    masked = mask(code)
    assert len(masked) == len(code) and masked.count("\n") == 1
    assert "//x" not in masked and "c\n" not in masked and "b */" not in masked
    assert "api.x" in masked and "/ 2" in masked and masked.endswith("z")


def test_lint_names_unknown_api_methods_with_a_suggestion():
    code = "exports.onExecutePostLogin = async (event, api) => {\n  api.access.denyy('x');\n  api.bogus();\n};\n"
    found = lint(code, "post-login")
    assert [(d.line, d.column, d.end_column, d.code) for d in found] == [(2, 14, 19, "unknown-api"),
                                                                         (3, 7, 12, "unknown-api")]
    assert found[0].message == "api.access.denyy is not a post-login api method (api.access has deny). Did you mean deny?"
    assert found[1].message.startswith("api.bogus is not part of the post-login api.")
    # The same names inside strings and comments are not code.
    assert lint("// api.nope()\nconst s = 'api.nope()';\n", "post-login") == []
    # Another trigger has another api: idToken exists at post-login only.
    assert lint("api.idToken.setCustomClaim('a', 1);", "post-login") == []
    assert [d.code for d in lint("api.idToken.setCustomClaim('a', 1);", "credentials-exchange")] == ["unknown-api"]


def test_lint_secrets_and_dependencies():
    code = ("const axios = require('axios');\nconst fp = require('lodash/fp');\nconst c = require('node:crypto');\n"
            "const h = require('./helper');\nconst k = event.secrets.API_KEY + event.secrets['TOKEN'];\n")
    found = {d.code: d for d in lint(code, "post-login", ["TOKEN"], ["lodash@4"])}
    assert set(found) == {"missing-dependency", "relative-require", "unknown-secret"}
    assert found["missing-dependency"].message.startswith("axios is not a dependency of this action")
    assert (found["missing-dependency"].line, found["missing-dependency"].column) == (1, 24)
    assert found["unknown-secret"].message.startswith("API_KEY is not a secret of this action (its secrets: TOKEN)")
    assert found["relative-require"].line == 4
    assert lint("event.secrets.X", "post-login")[0].message.startswith("X is not a secret of this action (it has none)")


def test_type_files_of_a_dependency_that_ships_them(tmp_path):
    import asyncio

    from emulator.editor.dependency_types import for_action, type_libs
    from emulator.runtime.deps import DependencyCache, DependencyError

    cache = DependencyCache.default()
    deps = [{"name": "dayjs", "version": "1"}]
    try:
        root = asyncio.run(cache.ensure([("dayjs", "1")]))
    except DependencyError as exc:  # only when the npm registry can't be reached and nothing is cached
        pytest.skip(f"dayjs is not available: {exc}")
    libs, typed = for_action(deps, cache)
    assert typed == ["dayjs"]
    assert "file:///node_modules/dayjs/index.d.ts" in libs and "format(" in libs["file:///node_modules/dayjs/index.d.ts"]
    assert json.loads(libs["file:///node_modules/dayjs/package.json"])["types"] == "index.d.ts"
    assert type_libs(root / "node_modules", ["dayjs"], budget=10) == ({}, [])  # too big for the budget: left out
    assert for_action(deps, DependencyCache(tmp_path)) == ({}, [])  # not installed yet: nothing to read


def test_a_modules_declarations_have_its_secrets_and_no_event_or_api():
    from emulator.editor.declarations import module_declarations

    text = module_declarations(["CRM_TOKEN"], ["dayjs"])
    assert "declare const actions: {" in text and "CRM_TOKEN: string;" in text
    assert "Event" not in text and "API" not in text
    assert 'declare function require(id: "dayjs"): typeof import("dayjs");' in text
