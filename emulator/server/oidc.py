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

RESPONSE_MODES = ("query", "fragment", "form_post", "web_message")


def discovery(issuer: str) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}authorize",
        "token_endpoint": f"{issuer}oauth/token",
        "userinfo_endpoint": f"{issuer}userinfo",
        "mfa_challenge_endpoint": f"{issuer}mfa/challenge",
        "jwks_uri": f"{issuer}.well-known/jwks.json",
        "revocation_endpoint": f"{issuer}oauth/revoke",
        "end_session_endpoint": f"{issuer}oidc/logout",
        "scopes_supported": ["openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname",
                             "email", "email_verified", "picture", "created_at", "identities", "phone", "address"],
        "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "token id_token",
                                     "code token id_token"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": list(RESPONSE_MODES),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "claims_supported": ["aud", "auth_time", "created_at", "email", "email_verified", "exp", "family_name",
                             "given_name", "iat", "identities", "iss", "name", "nickname", "phone_number", "picture",
                             "sub"],
        "request_uri_parameter_supported": False,
        "request_parameter_supported": False,
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "PS256"],
        "end_session_endpoint_supported": True,
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
