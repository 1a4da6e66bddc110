"""Which applications may do what on the local server: callback and logout URLs, grant types and client
authentication, from the tenant's clients (Deploy CLI `callbacks`, `allowed_logout_urls`,
`grant_types`). A tenant's Default App accepts any loopback URL, so a local app works at once."""
from __future__ import annotations

import base64
import fnmatch
import hmac
from urllib.parse import unquote, urlsplit

from .. import store
from .errors import OAuthError, invalid_request, unauthorized_client
from .oidc import GRANT_TYPES

DEFAULT_APP = "Default App"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
ALL_GRANTS = tuple(GRANT_TYPES)  # a client without `grant_types` may use every grant


def find(emu, tenant: str, client_id: str | None) -> dict:
    if not client_id:
        raise invalid_request("Missing required parameter: client_id")
    for client in store.directory.clients(emu.ws, tenant):
        if client["client_id"] == client_id:
            return client
    raise unauthorized_client(f"Unknown client: {client_id}")


def _loopback(url: str) -> bool:
    try:
        split = urlsplit(url)
    except ValueError:
        return False
    return split.scheme in ("http", "https") and (split.hostname or "") in LOOPBACK_HOSTS


def _listed(url: str, allowed: list[str]) -> bool:
    # Auth0 allows `*` as a subdomain wildcard; fnmatch is a superset that keeps a local tool simple.
    return any(url == a or ("*" in a and fnmatch.fnmatchcase(url, a)) for a in allowed or [])


def callback_allowed(client: dict, url: str) -> bool:
    if client["name"] == DEFAULT_APP and _loopback(url):
        return True
    return _listed(url, client.get("callbacks", []))


def logout_allowed(client: dict, url: str) -> bool:
    if client["name"] == DEFAULT_APP and _loopback(url):
        return True
    return _listed(url, client.get("allowed_logout_urls", []))


def grant_allowed(client: dict, grant: str) -> bool:
    return grant in (client.get("grant_types") or ALL_GRANTS)


def authenticate(emu, tenant: str, form: dict, authorization: str | None, *, required: bool) -> dict:
    """The client of a token request: client_secret_basic, client_secret_post, or none (a public client
    proving itself with PKCE). `required`: the grant needs a confidential client."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if authorization and authorization.lower().startswith("basic "):
        try:
            raw = base64.b64decode(authorization[6:]).decode()
        except (ValueError, UnicodeDecodeError):
            raise invalid_request("Malformed Authorization header.") from None
        client_id, _, secret = raw.partition(":")
        client_id, secret = unquote(client_id), unquote(secret)
    client = find(emu, tenant, client_id)
    if secret is not None:
        expected = store.directory.client_secret(emu.ws, tenant, client["client_id"])
        if not hmac.compare_digest(secret.encode(), expected.encode()):
            raise OAuthError(401, "access_denied", "Unauthorized")
    elif required:
        raise OAuthError(401, "access_denied", "Unauthorized")
    return client
