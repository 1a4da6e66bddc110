"""post-user-registration (v2, async): after the user is created; never changes the signup (§1.6)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import Trigger


def default_event() -> dict[str, Any]:
    request = {k: v for k, v in e.request().items() if k in ("ip", "method", "geoip", "hostname", "language",
                                                                "user_agent")}
    transaction = e.transaction_base() | {"id": "nZniEmn3ejOpcV46_ac1CxJCuO_gAuwR"}
    user = e.full_user() | {"last_password_reset": "2026-10-01T08:00:00.000Z"}
    # Auth0's example user also carries the tenant's id and the phone in camelCase (the signup's own fields).
    user |= {"tenant": e.tenant()["id"], "phoneNumber": user["phone_number"]}
    return {
        "authentication": {"riskAssessment": e.risk_assessment(full=False)},
        "connection": e.connection(),
        "custom_domain": e.custom_domain(),
        "experiment": e.experiment(),
        "request": request,
        "security_context": e.security_context(),
        "tenant": e.tenant(),
        "transaction": transaction,
        "user": user,
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="post-user-registration", version="v2", handlers=("onExecutePostUserRegistration",), blocking=False,
    doc="Runs asynchronously after a user is created; use it to notify other systems.",
    api=c.cache(), default_event=default_event,
)
