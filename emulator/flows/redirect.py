"""What the page an action redirected to sends back to /continue: an HS256 session token carrying the
run's `state`, signed with a secret the action validates with (`api.redirect.validateToken`). Signed on
the run's own clock, so a deterministic run (whose clock is fixed) accepts it."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from .. import store, tokens
from ..errors import UsageError
from ..runtime.harness_tokens import sign_hs256
from .run import FlowRun

TTL_S = 900


def _now_s(run: FlowRun) -> int:
    det = run.deterministic
    return (det["start_ms"] + det["steps"] * 1000) // 1000 if det else int(time.time())


def redirecting_action_secrets(emu, run: FlowRun) -> dict[str, str]:
    """The secrets of the action that redirected (the one a /continue resumes)."""
    cur = run.cursor
    if cur is None or (run.waiting or {}).get("for") not in ("continue", "form"):
        return {}
    ref = cur.actions[cur.index]
    return store.actions.source(emu.ws, run.tenant, ref["name"], ref["version"])["secrets"]


def session_token(emu, run: FlowRun, claims: dict, *, secret: str | None = None,
                  secret_name: str | None = None) -> str:
    if not run.ctx.get("user_id"):
        raise UsageError(f"run {run.id} has no user yet")
    if secret_name:
        secrets = redirecting_action_secrets(emu, run)
        if secret_name not in secrets:
            raise UsageError(f"the redirecting action has no secret {secret_name!r}")
        secret = secrets[secret_name]
    if not secret:
        raise UsageError("a secret is required to sign the session token")
    now = _now_s(run)
    payload = {"iss": tokens.domain(run.tenant), "sub": run.ctx["user_id"], "state": run.id, "iat": now,
               "exp": now + TTL_S, **claims}
    return sign_hs256(payload, secret)


TOKEN_PARAMETER = "session_token"  # validateToken's default tokenParameterName, and what pages send


def token_parameter(run: FlowRun) -> str:
    """The parameter the redirect sent its token in (and so expects it back in): session_token by default."""
    query = parse_qs(urlsplit((run.waiting or {}).get("url", "")).query)
    return next((k for k in query if k == TOKEN_PARAMETER or k.endswith("_token")), TOKEN_PARAMETER)


def expects_session_token(run: FlowRun) -> bool:
    """Whether the redirect carried a session token (api.redirect.encodeToken): its page signs one back."""
    query = parse_qs(urlsplit((run.waiting or {}).get("url", "")).query)
    return any(k == TOKEN_PARAMETER or k.endswith("_token") for k in query)


def only_secret_name(emu, run: FlowRun) -> str:
    secrets = redirecting_action_secrets(emu, run)
    if len(secrets) != 1:
        names = ", ".join(sorted(secrets)) or "none"
        raise UsageError(f"the redirecting action has {len(secrets)} secrets ({names}): say which signs the "
                         f"session token (--continue-secret NAME)")
    return next(iter(secrets))


def missing_token_message(emu, run: FlowRun) -> str:
    """One line: what --auto (or a batch) needs to come back from this redirect."""
    cur = run.cursor
    action = cur.actions[cur.index]["name"] if cur is not None else "the action"
    secrets = ", ".join(sorted(redirecting_action_secrets(emu, run))) or "its secret"
    return (f"{action} redirected with a session token its onContinue validates: give the claims its page would "
            f"sign, e.g. --continue-claim age_verified=true (signed with {secrets}), or answer once in the "
            f"Simulator before a batch")
