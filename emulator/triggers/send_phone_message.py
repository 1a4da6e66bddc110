"""send-phone-message (v2): delivers MFA SMS/voice codes when the phone provider is Custom (§1.9)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import Trigger


def default_event() -> dict[str, Any]:
    return {
        "message_options": {
            "action": "second-factor-authentication", "code": "123456", "message_type": "sms",
            "recipient": "+14255550123", "text": "123456 is your verification code for My Web App.",
        },
        "client": e.client(),
        "custom_domain": e.custom_domain(),
        "request": e.request(),
        "security_context": e.security_context(),
        "tenant": e.tenant(),
        "transaction": {"correlation_id": "c0rr3l4t10n-1d"},
        # A code goes out to an enrolled (or enrolling) phone: Guardian is among the user's factors.
        "user": e.full_user(factors=True) | {"last_password_reset": "2026-10-01T08:00:00.000Z",
                                             "multifactor": ["guardian"]},
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="send-phone-message", version="v2", handlers=("onExecuteSendPhoneMessage",), blocking=True,
    doc="Runs when an MFA code must be sent by SMS or voice through a custom provider.",
    api=c.cache(), default_event=default_event,
)
