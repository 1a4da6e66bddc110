"""password-reset-post-challenge (v1): after the reset link was followed, before the new password (§1.8)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import STOP, ApiMethod, Arg, Trigger


def default_event() -> dict[str, Any]:
    transaction = e.transaction_base() | {"requested_authorization_details": [{"type": "payment_initiation"}],
                                          "linking_id": "lnk_5Qw8Er2Ty"}
    user = e.full_user(factors=True) | {"last_password_reset": "2026-10-01T08:00:00.000Z"}
    return {
        "authentication": {"methods": [{"name": "email", "timestamp": e.NOW, "type": "email"}],
                           "riskAssessment": e.risk_assessment(full=False)},
        "authorization": {"roles": []},
        "client": e.cimd_client(),
        "connection": e.connection(),
        "custom_domain": e.custom_domain(),
        "organization": e.organization(),
        "prompt": {"id": "form_1234567890", "fields": {}, "vars": {}},
        # Auth0's example request carries a body with these four fields (and the authorize query).
        "request": e.request(query=True, body=True) | {"body": {
            "client_id": e.client()["client_id"], "client_secret": "********",
            "audience": "https://dev-tenant.us.auth0.com/api/v2/", "grant_type": "client_credentials"}},
        "stats": {"logins_count": 12},
        "tenant": e.tenant(),
        "transaction": transaction,
        "user": user,
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
