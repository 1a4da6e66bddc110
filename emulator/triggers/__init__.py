"""The trigger registry: every trigger the emulator knows, looked up by id (design §2).

No trigger id is spelled out anywhere else in the code base: callers iterate `all_triggers()` or call
`get(id)`.
"""
from __future__ import annotations

from . import (credentials_exchange, custom_email_provider, custom_phone_provider, custom_token_exchange,
               login_post_identifier, signup_post_identifier,
               password_reset_post_challenge, post_change_password, post_login, post_user_registration,
               pre_user_registration, send_phone_message)
from .registry import EFFECTS, STOP, SUSPEND, ApiMethod, Arg, Trigger

# In the order a user meets them in a journey.
_ORDER = (signup_post_identifier, pre_user_registration, post_user_registration, login_post_identifier, post_login,
          password_reset_post_challenge, post_change_password, send_phone_message, credentials_exchange,
          custom_phone_provider, custom_email_provider, custom_token_exchange)
TRIGGERS: dict[str, Trigger] = {m.TRIGGER.id: m.TRIGGER for m in _ORDER}

# The ids, for code that must name one trigger (the flows): spelled once, in each trigger's module.
SIGNUP_POST_IDENTIFIER = signup_post_identifier.TRIGGER.id
PRE_USER_REGISTRATION = pre_user_registration.TRIGGER.id
POST_USER_REGISTRATION = post_user_registration.TRIGGER.id
LOGIN_POST_IDENTIFIER = login_post_identifier.TRIGGER.id
POST_LOGIN = post_login.TRIGGER.id
PASSWORD_RESET_POST_CHALLENGE = password_reset_post_challenge.TRIGGER.id
POST_CHANGE_PASSWORD = post_change_password.TRIGGER.id
SEND_PHONE_MESSAGE = send_phone_message.TRIGGER.id
CREDENTIALS_EXCHANGE = credentials_exchange.TRIGGER.id
CUSTOM_PHONE_PROVIDER = custom_phone_provider.TRIGGER.id
CUSTOM_EMAIL_PROVIDER = custom_email_provider.TRIGGER.id
CUSTOM_TOKEN_EXCHANGE = custom_token_exchange.TRIGGER.id


class UnknownTrigger(KeyError):
    def __str__(self) -> str:
        return f"unknown trigger {self.args[0]!r} (known: {', '.join(TRIGGERS)})"


def get(trigger_id: str) -> Trigger:
    try:
        return TRIGGERS[trigger_id]
    except KeyError:
        raise UnknownTrigger(trigger_id) from None


def ids() -> list[str]:
    return list(TRIGGERS)


def all_triggers() -> list[Trigger]:
    return list(TRIGGERS.values())


__all__ = ["SIGNUP_POST_IDENTIFIER", "PRE_USER_REGISTRATION", "POST_USER_REGISTRATION", "LOGIN_POST_IDENTIFIER", "POST_LOGIN",
           "PASSWORD_RESET_POST_CHALLENGE", "POST_CHANGE_PASSWORD", "SEND_PHONE_MESSAGE", "CREDENTIALS_EXCHANGE", "CUSTOM_PHONE_PROVIDER",
           "CUSTOM_EMAIL_PROVIDER", "CUSTOM_TOKEN_EXCHANGE", "TRIGGERS", "get", "ids", "all_triggers", "UnknownTrigger", "Trigger", "ApiMethod", "Arg",
           "STOP", "SUSPEND", "EFFECTS"]
