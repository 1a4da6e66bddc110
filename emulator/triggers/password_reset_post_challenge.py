"""password-reset-post-challenge (v1): after the reset link was followed, before the new password (§1.8)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import STOP, ApiMethod, Arg, Trigger


def default_event() -> dict[str, Any]:
    return {
        "authentication": {"methods": [{"name": "email", "timestamp": "2026-11-26T10:00:00.000Z"}]},
        "authorization": {"roles": []},
        "client": e.client(),
        "connection": e.connection(),
        "request": e.request(query=True, body=True),
        "stats": {"logins_count": 12},
        "tenant": e.tenant(),
        "transaction": {"correlation_id": "c0rr3l4t10n-1d", "locale": "en", "login_hint": "jane.doe@example.com",
                        "state": "dGVzdC1zdGF0ZQ", "ui_locales": ["en"]},
        "user": e.full_user(factors=True),
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="password-reset-post-challenge", version="v1",
    handlers=("onExecutePostChallenge", "onContinuePostChallenge"), blocking=True,
    doc="Runs in the password-reset journey after the first challenge (the e-mailed link), before the new "
        "password is entered.",
    api=(
        ApiMethod("access.deny", (Arg("reason", c.STRING),), "void", effect=STOP,
                  doc="Stop the password reset. The current action finishes; no later action runs."),
        *c.authentication_challenge(with_enroll=False),
        *c.redirect(with_can_redirect=False, continue_handler="onContinuePostChallenge"),
        c.prompt_render("onContinuePostChallenge"),
        ApiMethod("transaction.setResultUrl", (Arg("url", c.URL), Arg("options", c.ANY, True)), "void",
                  behavior="transaction.setResultUrl",
                  doc="Where to send the user once the password has been reset (with `options.query`)."),
        *c.cache(),
    ),
    default_event=default_event,
    max_bindings=4,  # "up to four Actions" for this trigger (spec §1.8)
)
