"""custom-phone-provider (v1): delivers the tenant's SMS and voice messages (MFA codes) through the bound
action instead of Auth0's providers. When a custom phone provider is bound, send-phone-message actions
are not run: the provider takes precedence, as in Auth0."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import Trigger

# Auth0's message types for phone messages (the emulator sends the OTP ones).
MESSAGE_TYPES = ("otp_verify", "otp_enroll", "blocked_account", "change_password", "password_breach")


def notification(recipient: str, code: str, text: str, message_type: str, voice: bool = False) -> dict[str, Any]:
    spoken = ". ".join(code)
    return {"as_text": text, "as_voice": text.replace(code, f"{spoken}. I repeat, {spoken}"), "code": code,
            "delivery_method": "voice" if voice else "text", "locale": "en-US", "message_type": message_type,
            "recipient": recipient}


def default_event() -> dict[str, Any]:
    """Every field of Auth0's example custom-phone-provider event, in this emulator's sample world."""
    user = e.full_user() | {"last_password_reset": "2026-10-01T08:00:00.000Z"}
    return {
        "client": e.cimd_client(),
        "connection": e.connection(),
        "custom_domain": e.custom_domain(),
        "notification": notification("+14255550123", "123456", "123456 is your verification code for My Web App.",
                                     "otp_verify") | {"from": "+14255550100"},
        "organization": e.organization(),
        "request": e.request(body=True) | {"method": "POST"},
        "tenant": e.tenant_settings(),
        "transaction": {"correlation_id": "c0rr3l4t10n-1d"},
        "user": user,
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="custom-phone-provider", version="v1", handlers=("onExecuteCustomPhoneProvider",), blocking=True,
    max_bindings=1,
    doc="Delivers SMS and voice messages (MFA codes) through your own provider; takes precedence over "
        "send-phone-message. api.notification.drop or retry reports a failure.",
    api=(*c.notification("message"), *c.cache()),
    default_event=default_event,
)
