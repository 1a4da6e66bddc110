"""post-change-password (v2, async): after a database user changed or reset a password (§1.7)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import Trigger


USER_FIELDS = ("id", "user_id", "email", "email_verified", "phone_number", "phone_verified", "username",
               "last_password_reset")  # a small user object, no metadata (spec §1.7)


def default_event() -> dict[str, Any]:
    full = e.full_user()
    user = {k: full[k] for k in USER_FIELDS if k in full}
    user["last_password_reset"] = "2026-11-26T10:00:00.000Z"
    user["id"] = e.USER_ID.split("|", 1)[1]  # Auth0 sends the id without its provider too
    request = {k: v for k, v in e.request().items() if k != "query"}
    return {
        "authentication": {"riskAssessment": e.risk_assessment(full=False)},
        "connection": e.connection(),
        "custom_domain": e.custom_domain(),
        "request": request,
        "tenant": e.tenant(),
        "transaction": {"correlation_id": "c0rr3l4t10n-1d"},
        "user": user,
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="post-change-password", version="v2", handlers=("onExecutePostChangePassword",), blocking=False,
    doc="Runs asynchronously after a database user changes or resets their password.",
    api=c.cache(), default_event=default_event, user_fields=USER_FIELDS,
)
