"""`api` methods shared by several triggers (spec §1.3-§1.9), written once and reused.

Messages follow Auth0's own harness (`@auth0/actions`) where it publishes them; rule dicts are read by
harness/validate.js. Each builder returns a tuple of ApiMethod so trigger modules can concatenate them.
"""
from __future__ import annotations

from . import schemas
from .registry import STOP, SUSPEND, ApiMethod, Arg, Codec

ANY = {"type": "any"}
STRING = {"type": "string"}
URL = {"type": "url"}  # what `new URL(value)` accepts, as in Auth0
HTTP_URL = {"type": "http_url"}  # ours, where Auth0's runtime only forwards the URL


def _scope_rule() -> dict:
    return {
        "type": "string", "trim": True, "min": 1, "max": 280, "no_ws": True, "error": "TypeError",
        "messages": {
            "type": "The value for the scope must be a string.",
            "min": "The value for the scope is required.",
            "max": "The value for the scope exceeds the allowed maximum of 280 characters.",
            "ws": "The value for the scope must not have whitespace.",
        },
    }


def cache() -> tuple[ApiMethod, ...]:
    return (
        ApiMethod("cache.get", (Arg("key"),), "value", behavior="cache.get",
                  doc="Read a cached record `{value, expires_at}`; undefined when missing or expired."),
        ApiMethod("cache.set", (Arg("key"), Arg("value"), Arg("options", ANY, True)),
                  "value", behavior="cache.set",
                  doc="Store a string for later executions of this trigger (default 15 min, max 24 h). "
                      "Returns `{type:'success', record}` or `{type:'error', code}`; never throws."),
        ApiMethod("cache.delete", (Arg("key"),), "value", behavior="cache.delete",
                  doc="Remove a cached record. Returns `{type:'success'}` or `{type:'error', code}`."),
    )


def user_metadata(pre_registration: bool = False) -> tuple[ApiMethod, ...]:
    """post-login checks the stored metadata is an object; pre-user-registration (a user not yet stored)
    does not, and has `setUserId` too."""
    kind = "queue" if pre_registration else "set"
    methods = (
        ApiMethod("user.setAppMetadata", (Arg("key"), Arg("value")), behavior=f"user.{kind}AppMetadata",
                  doc="Queue a change to a top-level app_metadata key (null deletes it). Later actions see it; "
                      "the user is updated once, after the trigger."),
        ApiMethod("user.setUserMetadata", (Arg("key"), Arg("value")), behavior=f"user.{kind}UserMetadata",
                  doc="Queue a change to a top-level user_metadata key (null deletes it). Later actions see it; "
                      "the user is updated once, after the trigger."),
    )
    if pre_registration:
        methods += (ApiMethod(
            "user.setUserId", (Arg("user_id"),),
            codec=Codec(schemas.SET_USER_ID, ("user_id",), prefix="Invalid setUserId arguments"),
            doc="Choose the id of the user about to be created (1-255 of `a-zA-Z0-9@._+-`)."),)
    return methods


def validation_error(prefix: str = "") -> ApiMethod:
    return ApiMethod("validation.error", (Arg("errorCode"), Arg("errorMessage")), effect=STOP,
                     codec=Codec(schemas.VALIDATION_ERROR, ("errorCode", "errorMessage"), prefix=prefix),
                     doc="Block the transaction with an error code and message (each at most 100 characters).")


def notification(what: str) -> tuple[ApiMethod, ...]:
    """The custom providers' verdict on a message (Auth0 keeps the last call; its runtime checks nothing)."""
    return (
        ApiMethod("notification.drop", (Arg("reason", ANY, True),), "void",
                  doc=f"The {what} failed for good: it is logged and never retried. The reason goes to the log "
                      f"(at most 1024 characters)."),
        ApiMethod("notification.retry", (Arg("reason", ANY, True),), "void",
                  doc=f"The {what} failed but may work later: it is logged and retried, up to 5 times. The "
                      f"reason goes to the log (at most 1024 characters)."),
    )


def access_deny(with_user_message: bool = False) -> ApiMethod:
    args = (Arg("reason", STRING),)
    doc = "Deny the transaction. The current action finishes; no later action runs."
    if with_user_message:
        args += (Arg("userMessage", STRING, True),)
        doc += " `reason` goes to the tenant logs, `userMessage` may be shown to the user."
    return ApiMethod("access.deny", args, effect=STOP, doc=doc)


FACTOR = {"type": "factor"}
FACTORS = {"type": "factors"}


def authentication_challenge(with_enroll: bool) -> tuple[ApiMethod, ...]:
    options = Arg("options", {"type": "object"}, True)
    methods = (
        ApiMethod("authentication.challengeWith", (Arg("factor", FACTOR), options), "void", effect=SUSPEND,
                  doc="Challenge the user with this factor (`{type, options?}`); the pipeline pauses after this "
                      "action and resumes at the next one. At most 4 challenge/enroll calls per flow."),
        ApiMethod("authentication.challengeWithAny", (Arg("factors", FACTORS),), "void", effect=SUSPEND,
                  doc="Let the user pick one of these factors to be challenged with; pauses after this action."),
    )
    if with_enroll:
        methods += (
            ApiMethod("authentication.enrollWith", (Arg("factor", FACTOR), options), "void", effect=SUSPEND,
                      doc="Enroll the user in this factor; pauses after this action, resumes at the next."),
            ApiMethod("authentication.enrollWithAny", (Arg("factors", FACTORS),), "void", effect=SUSPEND,
                      doc="Let the user pick a factor to enroll in; pauses after this action."),
        )
    return methods


def redirect(with_can_redirect: bool, continue_handler: str) -> tuple[ApiMethod, ...]:
    """post-login's sendUserTo returns the api (chainable); password-reset-post-challenge's returns nothing."""
    methods = (
        ApiMethod("redirect.encodeToken", (Arg("options"),), "value",
                  behavior="redirect.encodeToken",
                  doc="Sign `{secret, payload, expiresInSeconds=900}` into an HS256 JWT to pass to the redirect "
                      "target (signed, not encrypted)."),
        ApiMethod("redirect.sendUserTo", (Arg("url", URL), Arg("options", ANY, True)),
                  "chain" if with_can_redirect else "void",
                  effect=SUSPEND, behavior="redirect.sendUserTo", guards=("redirect_conflict",),
                  doc=f"Send the browser to `url` (with `options.query`) after this action; the flow resumes in "
                      f"`{continue_handler}` of the same action when the user comes back to /continue."),
        ApiMethod("redirect.validateToken", (Arg("options"),), "value",
                  behavior="redirect.validateToken",
                  doc="Read the token returned to /continue (`tokenParameterName`, default `session_token`), "
                      "check its signature, expiry, state and subject, and return its payload; throws if invalid."),
    )
    if with_can_redirect:
        methods += (ApiMethod("redirect.canRedirect", (), "value", behavior="redirect.canRedirect",
                              doc="(Deprecated) false for prompt=none and for token-endpoint protocols."),)
    return methods


def prompt_render(continue_handler: str) -> ApiMethod:
    return ApiMethod(
        "prompt.render", (Arg("promptId"), Arg("options", ANY, True)),
        "void", effect=SUSPEND, behavior="prompt.render", guards=("render_conflict",),
        codec=Codec(schemas.RENDER_PROMPT, ("promptId", "promptOptions"), or_default={"promptOptions": {}}),
        doc=f"Render a Form; the flow resumes in `{continue_handler}` with `event.prompt`. "
            f"One per action, not with a redirect.")


__all__ = [
    "ANY", "STRING", "URL", "HTTP_URL", "cache", "user_metadata", "validation_error", "access_deny", "notification",
    "authentication_challenge", "redirect", "prompt_render", "_scope_rule",
]


def flagged(path: str, args: tuple = (), doc: str = "") -> ApiMethod:
    """A method Auth0's runtime has behind a feature flag (Early Access): it throws `Method not
    implemented.` before looking at its arguments, as Auth0's does while the flag is off."""
    return ApiMethod(path, args, "void", guards=("not_implemented",),
                     doc=(doc + " " if doc else "") + "Early Access in Auth0, behind a feature flag: throws "
                                                     "`Method not implemented.` until it is generally available.")
