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
        "request": e.request(),
        "tenant": e.tenant(),
        "transaction": {"correlation_id": "c0rr3l4t10n-1d"},
        "user": e.full_user(factors=True),
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="send-phone-message", version="v2", handlers=("onExecuteSendPhoneMessage",), blocking=True,
    doc="Runs when an MFA code must be sent by SMS or voice through a custom provider.",
    api=c.cache(), default_event=default_event,
)
