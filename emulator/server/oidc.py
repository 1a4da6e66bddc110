"""OIDC pieces with no journey rule in them: the discovery document, PKCE, and how an authorization
response reaches the application (query, fragment, form_post, web_message)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

from ..triggers.custom_token_exchange import GRANT_TYPE as TOKEN_EXCHANGE_GRANT

RESPONSE_MODES = ("query", "fragment", "form_post", "web_message")  # web_message: Auth0's, for auth0-spa-js
RESPONSE_TYPES = ("code", "token", "id_token", "code token", "code id_token", "id_token token", "code id_token token")
SIGNING_ALGS = ["RS256"]  # what the emulator signs with (tokens.py); nothing else is advertised
GRANT_TYPES = ["authorization_code", "implicit", "refresh_token", "client_credentials", "password",
               "http://auth0.com/oauth/grant-type/password-realm", "http://auth0.com/oauth/grant-type/mfa-oob",
               "http://auth0.com/oauth/grant-type/mfa-otp", TOKEN_EXCHANGE_GRANT]


def response_types(value: str) -> frozenset[str] | None:
    """A `response_type` as a set ("id_token token" = "token id_token"), or None if Auth0 does not support it."""
    words = frozenset(value.split())
    return words if words in {frozenset(t.split()) for t in RESPONSE_TYPES} else None


def check_response_type(types: frozenset[str] | None, mode: str, params: dict, allowed) -> dict | None:
    """Why /authorize refuses a response type (the error sent back to the application), or None.
    `allowed(grant)`: whether the client may use a grant type. OIDC Core: a response that returns an ID
    token from /authorize needs a `nonce` (3.2.2.1, 3.3.2.11) and the `openid` scope; tokens never travel
    in a query string (OAuth 2.0 Multiple Response Types §5)."""
    if types is None:
        return {"error": "unsupported_response_type",
                "error_description": f"Unsupported response type: {params.get('response_type')}"}
    needs = []
    if "code" in types:
        needs.append("authorization_code")
    if types & {"token", "id_token"}:
        needs.append("implicit")
    for grant in needs:
        if not allowed(grant):
            return {"error": "unauthorized_client",
                    "error_description": f"Grant type '{grant}' not allowed for the client."}
    if types & {"token", "id_token"} and mode == "query":
        return {"error": "invalid_request",
                "error_description": f'response_mode "query" is not allowed for response_type "{params["response_type"]}".'}
    if "id_token" in types and "openid" not in params["scope"].split():
        return {"error": "invalid_request", "error_description": "The openid scope is required for an id_token."}
    if "id_token" in types and not params.get("nonce"):
        return {"error": "invalid_request", "error_description": "Missing required parameter: nonce"}
    return None


def discovery(issuer: str) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}authorize",
        "token_endpoint": f"{issuer}oauth/token",
        "userinfo_endpoint": f"{issuer}userinfo",
        "mfa_challenge_endpoint": f"{issuer}mfa/challenge",  # Auth0 publishes it too
        "jwks_uri": f"{issuer}.well-known/jwks.json",
        "revocation_endpoint": f"{issuer}oauth/revoke",
        "end_session_endpoint": f"{issuer}oidc/logout",
        "scopes_supported": ["openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname",
                             "email", "email_verified", "picture", "created_at", "identities", "phone", "address"],
        "response_types_supported": list(RESPONSE_TYPES),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": GRANT_TYPES,
        "code_challenge_methods_supported": ["S256", "plain"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": SIGNING_ALGS,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "claims_supported": ["aud", "amr", "auth_time", "c_hash", "at_hash", "created_at", "email", "email_verified",
                             "exp", "family_name", "given_name", "iat", "identities", "iss", "name", "nickname",
                             "nonce", "phone_number", "picture", "sid", "sub"],
        "request_uri_parameter_supported": False,
        "request_parameter_supported": False,
    }


def pkce_ok(verifier: str, challenge: str, method: str) -> bool:
    """RFC 7636 §4.6: S256 is BASE64URL(SHA256(verifier)) without padding; plain compares as is."""
    if method == "S256":
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
    else:
        expected = verifier
    return hmac.compare_digest(expected, challenge)


def respond(redirect_uri: str, params: dict, mode: str) -> web.Response:
    """Send an authorization response (or error) to the application the way it asked for."""
    params = {k: v for k, v in params.items() if v is not None}
    if mode == "form_post":
        fields = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(str(v))}">'
                         for k, v in params.items())
        body = (f'<!doctype html><html><head><title>Submit This Form</title></head>'
                f'<body onload="document.forms[0].submit()"><form method="post" action="{html.escape(redirect_uri)}">'
                f'{fields}<noscript><button type="submit">Continue</button></noscript></form></body></html>')
        return web.Response(text=body, content_type="text/html")
    if mode == "web_message":
        # auth0-spa-js's silent authentication: the page in its hidden iframe posts the response up.
        split = urlsplit(redirect_uri)
        origin = f"{split.scheme}://{split.netloc}"
        message = json.dumps({"type": "authorization_response", "response": params})
        body = (f"<!doctype html><html><head><title>Authorization Response</title></head><body><script>"
                f"(window.opener || window.parent).postMessage({message}, {json.dumps(origin)});"
                f"</script></body></html>")
        return web.Response(text=body, content_type="text/html")
    split = urlsplit(redirect_uri)
    if mode == "fragment":
        url = urlunsplit((split.scheme, split.netloc, split.path, split.query, urlencode(params)))
    else:
        query = f"{split.query}&{urlencode(params)}" if split.query else urlencode(params)
        url = urlunsplit((split.scheme, split.netloc, split.path, query, split.fragment))
    return redirect(url)


def redirect(url: str) -> web.Response:
    return web.Response(status=302, headers={"Location": url, "Cache-Control": "no-store"})
