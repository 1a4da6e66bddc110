"""pre-user-registration (v2): before a user is created in a database or passwordless connection (§1.5)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import Trigger


def default_event() -> dict[str, Any]:
    transaction = {k: v for k, v in e.transaction_base().items() if k != "login_hint"}
    user = e.proposed_user() | {"picture": "https://s.gravatar.com/avatar/0?s=480&d=identicon",
                                "phone_number": "+14255550123"}
    return {
        "anonymous_session": e.anonymous_session(),
        "authentication": {"riskAssessment": e.risk_assessment(full=False)},
        "client": e.cimd_client(),
        "connection": e.connection(),
        "custom_domain": e.custom_domain(),
        "experiment": e.experiment(),
        "request": e.request(query=False, body=True) | {"body": {"ulp-custom-field": "value"}},
        "security_context": e.security_context(),
        "tenant": e.tenant(),
        "transaction": transaction,
        "user": user,
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="pre-user-registration", version="v2",
    # Auth0's harness accepts onContinuePreUserRegistration too (no documented use, spec open question 15).
    handlers=("onExecutePreUserRegistration", "onContinuePreUserRegistration"), blocking=True,
    doc="Runs before a user is created in a Database or Passwordless connection; can deny the signup.",
    api=(c.access_deny(with_user_message=True), c.validation_error(prefix="Failed to add validation error"),
         *c.user_metadata(pre_registration=True),
         *c.cache()),
    default_event=default_event,
)
