"""post-user-registration (v2, async): after the user is created; never changes the signup (§1.6)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import Trigger


def default_event() -> dict[str, Any]:
    request = {k: v for k, v in e.request().items() if k in ("ip", "method", "geoip", "hostname", "language",
                                                                "user_agent")}
    transaction = {k: v for k, v in e.transaction_base().items() if k != "login_hint"}
    return {
        "connection": e.connection(),
        "request": request,
        "tenant": e.tenant(),
        "transaction": transaction,
        "user": e.full_user(),
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="post-user-registration", version="v2", handlers=("onExecutePostUserRegistration",), blocking=False,
    doc="Runs asynchronously after a user is created; use it to notify other systems.",
    api=c.cache(), default_event=default_event,
)
