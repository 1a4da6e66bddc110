"""custom-email-provider (v1): delivers the tenant's e-mails (verification, password reset...) through
the bound action instead of Auth0's e-mail providers."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import Trigger

SENDER = "no-reply@dev-tenant.example.com"


def notification(to: str, subject: str, text: str, message_type: str) -> dict[str, Any]:
    html = "".join(f"<p>{line}</p>" for line in text.split("\n") if line)
    return {"from": SENDER, "html": html, "locale": "en-US", "message_type": message_type, "subject": subject,
            "text": text, "to": to}


def default_event() -> dict[str, Any]:
    """Every field of Auth0's example custom-email-provider event, in this emulator's sample world."""
    return {
        "client": e.cimd_client(),
        "connection": e.connection(),
        "custom_domain": e.custom_domain(),
        "notification": notification("jane.doe@example.com", "Verify your e-mail",
                                     "Please verify your e-mail: https://dev-tenant.us.auth0.com/u/email-verification",
                                     "verify_email"),
        "organization": e.organization(),
        "request": e.request(query=True),
        "tenant": e.tenant_settings(),
        "transaction": {"correlation_id": "c0rr3l4t10n-1d"},
        "user": {k: v for k, v in e.full_user().items()
                 if k not in ("identities", "created_at", "updated_at", "phone_number", "phone_verified")}
                | {"profile_id": "prof_5f7c8ec7c33c6c004bbafe82"},
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="custom-email-provider", version="v1", handlers=("onExecuteCustomEmailProvider",), blocking=True,
    max_bindings=1,
    doc="Delivers the tenant's e-mails (verification, password reset...) through your own provider. "
        "api.notification.drop or retry reports a failure.",
    api=(*c.notification("e-mail"), *c.cache()),
    default_event=default_event,
)
