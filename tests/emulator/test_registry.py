"""The trigger registry is the single source of truth: it matches the spec's catalogue, no other module
spells a trigger id, and the README's trigger table is generated from it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from emulator import triggers
from emulator.cli.run import triggers_markdown

ROOT = Path(__file__).parent.parent.parent

# The spec's catalogue (shared/spec/auth0-actions.md §1.1, and §10 for credentials-exchange):
# id -> (version, handlers, blocking).
CATALOGUE = {
    "pre-user-registration": ("v2", ("onExecutePreUserRegistration", "onContinuePreUserRegistration"), True),
    "post-user-registration": ("v2", ("onExecutePostUserRegistration",), False),
    "login-post-identifier": ("v1", ("onExecutePostIdentifier",), True),
    "post-login": ("v3", ("onExecutePostLogin", "onContinuePostLogin"), True),
    "post-change-password": ("v2", ("onExecutePostChangePassword",), False),
    "password-reset-post-challenge": ("v1", ("onExecutePostChallenge", "onContinuePostChallenge"), True),
    "send-phone-message": ("v2", ("onExecuteSendPhoneMessage",), True),
    "credentials-exchange": ("v2", ("onExecuteCredentialsExchange",), True),
    "custom-phone-provider": ("v1", ("onExecuteCustomPhoneProvider",), True),
    "custom-email-provider": ("v1", ("onExecuteCustomEmailProvider",), True),
    "custom-token-exchange": ("v1", ("onExecuteCustomTokenExchange",), True),
    # beta, handler not published: the login variant's is assumed (README behaviour notes)
    "signup-post-identifier": ("v1", ("onExecutePostIdentifier",), True),
}


def test_catalogue_matches_the_spec():
    assert {t.id: (t.version, t.handlers, t.blocking) for t in triggers.all_triggers()} == CATALOGUE


def test_unknown_trigger_error_lists_the_known_ones():
    with pytest.raises(triggers.UnknownTrigger) as err:
        triggers.get("post-logon")
    assert "post-login" in str(err.value)


@pytest.mark.parametrize("trigger", triggers.ids())
def test_methods_are_unique_documented_and_well_formed(trigger):
    t = triggers.get(trigger)
    paths = [m.path for m in t.api]
    assert len(paths) == len(set(paths))
    for m in t.api:
        assert m.doc, m.path
        assert m.signature.startswith(f"api.{m.path}(")


def test_post_login_has_the_spec_surface():
    t = triggers.get("post-login")
    namespaces = {m.namespace for m in t.api}
    assert namespaces == {"access", "accessToken", "authentication", "cache", "groups", "idToken", "multifactor",
                          "prompt", "redirect", "refreshToken", "roles", "rules", "samlResponse", "session",
                          "transaction", "user", "validation"}


def test_no_trigger_id_is_spelled_outside_the_registry():
    quoted = [q + i + q for i in triggers.ids() for q in ('"', "'")]
    registry = ROOT / "emulator" / "triggers"
    sources = [p for d in ("emulator", "app") for ext in ("*.py", "*.js") for p in (ROOT / d).rglob(ext)]
    offenders = [str(p.relative_to(ROOT)) for p in sources
                 if not p.is_relative_to(registry) and any(q in p.read_text() for q in quoted)]
    assert offenders == []


def test_readme_trigger_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- triggers:start -->\n(.*?)<!-- triggers:end -->", readme, re.S)
    assert block, "README.md lacks the generated trigger table"
    assert block.group(1) == triggers_markdown(), "run: actions-emulator triggers --markdown, and paste it into README.md"


AUTH0_PATHS = yaml.safe_load((Path(__file__).parent.parent / "data" / "auth0_event_paths.yaml").read_text())


def _has_path(event: dict, path: str) -> bool:
    node = event
    for part in path.split("."):
        name, _, index = part.partition("[")
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
        if index:
            i = int(index[:-1] or 0)
            if not isinstance(node, list) or len(node) <= i:
                return False
            node = node[i]
    return True


@pytest.mark.parametrize("trigger_id", sorted(AUTH0_PATHS))
def test_default_event_has_every_path_of_auth0s_example_event(trigger_id):
    event = triggers.get(trigger_id).default_event()
    missing = [p for p in AUTH0_PATHS[trigger_id] if not _has_path(event, p)]
    assert not missing, missing
