"""Real tokens: RS256 ID and access tokens signed with a per-tenant key kept in the workspace, and the
JWKS that verifies them (design §4). Custom claims set by actions are added, except Auth0's restricted
claim names, which are dropped silently as Auth0 does (spec §3.4)."""
from __future__ import annotations

from typing import Any

import asyncio
import base64
import functools
import hashlib
import json

from . import lazy
from .store.db import Workspace, transaction

# PyJWT and cryptography are imported with the first token (about 0.1 s the app's start need not pay).
jwt = lazy.module("jwt")
serialization = lazy.module("cryptography.hazmat.primitives.serialization")
rsa = lazy.module("cryptography.hazmat.primitives.asymmetric.rsa")

RESTRICTED_CLAIMS = frozenset("""acr act active amr at_hash ath attest aud auth_time authorization_details azp c_hash
client_id cnf cty dest entitlements events exp groups gty htm htu iat internalService iss jcard jku jti jwe jwk kid
may_act mky nbf nonce object_id org_id org_name orig origid permissions roles rph s_hash sid sip_callid sip_cseq_num
sip_date sip_from_tag sip_via_branch sub sub_jwk toe txn typ uuid vot vtm x5t#S256 scope""".split())
ID_TOKEN_LIFETIME_S = 36_000
ACCESS_TOKEN_LIFETIME_S = 86_400


def domain(tenant: str) -> str:
    """The emulated tenant's domain (tokens' issuer)."""
    return f"{tenant}.emulator.local"


def issuer(tenant: str) -> str:
    return f"https://{domain(tenant)}/"


@functools.lru_cache(maxsize=64)
def _parse(pem: str) -> rsa.RSAPrivateKey:
    """Parsing checks the RSA key, which takes tens of milliseconds: once per key, not per token."""
    return serialization.load_pem_private_key(pem.encode(), password=None)


def _key(ws: Workspace, tenant: str) -> tuple[str, rsa.RSAPrivateKey]:
    row = ws.db.execute("SELECT kid, private_pem FROM signing_keys WHERE tenant = ? ORDER BY created_at LIMIT 1",
                        [tenant]).fetchone()
    if row:
        return row[0], _parse(row[1])
    pem = new_private_pem()
    return add_key(ws, tenant, pem), _parse(pem)


def new_private_pem() -> str:
    """A new RSA-2048 signing key (a pure computation of 50 to 300 ms: callers on an event loop run it in
    a thread, see `ensure_key`)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def add_key(ws: Workspace, tenant: str, pem: str) -> str:
    kid = ws.ids.token(22)
    with transaction(ws):
        ws.db.execute("INSERT INTO signing_keys (tenant, kid, private_pem, created_at) VALUES (?,?,?,?)",
                      [tenant, kid, pem, ws.clock.iso()])
    return kid


async def ensure_key(ws: Workspace, tenant: str) -> None:
    """Make the tenant's signing key, if it has none, without blocking the event loop while it is made."""
    if ws.db.execute("SELECT 1 FROM signing_keys WHERE tenant = ?", [tenant]).fetchone() is None:
        pem = await asyncio.to_thread(new_private_pem)
        if ws.db.execute("SELECT 1 FROM signing_keys WHERE tenant = ?", [tenant]).fetchone() is None:
            add_key(ws, tenant, pem)


def jwks(ws: Workspace, tenant: str) -> dict:
    kid, key = _key(ws, tenant)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": "RS256"}]}


def custom_claims(claims: dict) -> tuple[dict, list[str]]:
    """Split what actions set into the claims that are kept and the restricted names that were dropped."""
    kept = {k: v for k, v in claims.items() if k not in RESTRICTED_CLAIMS}
    return kept, sorted(k for k in claims if k in RESTRICTED_CLAIMS)


def at_hash(access_token: str) -> str:
    """OIDC Core 3.1.3.6 (at_hash; c_hash of a code likewise, 3.3.2.11): the left half of the SHA-256 of
    the value, base64url without padding."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def mint(ws: Workspace, tenant: str, **kw: Any) -> dict:
    """ID and access tokens (see `_claims` for the arguments)."""
    return _sign(*_claims(ws, tenant, **kw))


async def mint_async(ws: Workspace, tenant: str, **kw: Any) -> dict:
    """`mint`, signing in a worker thread: RSA releases the GIL, so a batch's other runs go on meanwhile."""
    # run_in_executor, not to_thread: the app's Qt event loop (qasync) is not always "running" for asyncio.
    return await asyncio.get_event_loop().run_in_executor(None, _sign, *_claims(ws, tenant, **kw))


def _claims(ws: Workspace, tenant: str, *, user: dict, client_id: str, audience: str | None, scopes: list[str],
            id_claims: dict, access_claims: dict, session_id: str, auth_time_s: int, nonce: str | None = None,
            iss: str | None = None, extra_access: dict | None = None, extra_id: dict | None = None) -> tuple:
    """What to sign, read from the workspace. `iss` is the issuer a local server answers as (its URL with a
    trailing /); by default the tenant's emulated domain. `extra_access`: claims Auth0 itself adds to the
    access token (a token exchange's `act`, org_id), which custom claims may not set; `extra_id` likewise
    for the ID token (`amr` after MFA, a hybrid response's `c_hash`)."""
    kid, key = _key(ws, tenant)
    now = ws.clock.now_ms() // 1000
    iss = iss or issuer(tenant)
    base = {"iss": iss, "sub": user["user_id"], "iat": now}
    id_token = {**base, "aud": client_id, "exp": now + ID_TOKEN_LIFETIME_S, "sid": session_id, "auth_time": auth_time_s}
    if "profile" in scopes:
        for claim in ("name", "nickname", "picture", "given_name", "family_name", "updated_at"):
            if user.get(claim) is not None:
                id_token[claim] = user[claim]
    if "email" in scopes and user.get("email"):
        id_token["email"] = user["email"]
        id_token["email_verified"] = bool(user.get("email_verified", False))
    if nonce:
        id_token["nonce"] = nonce
    kept_id, dropped_id = custom_claims(id_claims)
    id_token.update(kept_id)
    id_token.update(extra_id or {})
    access = {**base, "aud": [a for a in (audience, f"{iss}userinfo") if a],
              "exp": now + ACCESS_TOKEN_LIFETIME_S, "azp": client_id, "scope": " ".join(scopes)}
    kept_access, dropped_access = custom_claims(access_claims)
    access.update(kept_access)
    access.update(extra_access or {})
    return kid, key, id_token, access, scopes, {"id_token": dropped_id, "access_token": dropped_access}


def _sign(kid: str, key, id_token: dict, access: dict, scopes: list[str], dropped: dict) -> dict:
    headers = {"kid": kid}
    access_token = jwt.encode(access, key, algorithm="RS256", headers={**headers, "typ": "at+jwt"})
    id_token["at_hash"] = at_hash(access_token)
    return {
        "id_token": jwt.encode(id_token, key, algorithm="RS256", headers=headers),
        "access_token": access_token,
        "token_type": "Bearer", "expires_in": ACCESS_TOKEN_LIFETIME_S, "scope": " ".join(scopes),
        "dropped_claims": dropped,
    }


def mint_client(ws: Workspace, tenant: str, *, client_id: str, audience: str, scopes: list[str], iss: str | None = None,
                claims: dict | None = None) -> str:
    """An access token for the client_credentials grant (the client acts for itself). `claims`: the
    custom claims credentials-exchange actions set (already without restricted names)."""
    kid, key = _key(ws, tenant)
    now = ws.clock.now_ms() // 1000
    claims = {**(claims or {}), "iss": iss or issuer(tenant), "sub": f"{client_id}@clients", "aud": audience,
              "iat": now, "exp": now + ACCESS_TOKEN_LIFETIME_S, "scope": " ".join(scopes), "gty": "client-credentials",
              "azp": client_id}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, "typ": "at+jwt"})


def verify(ws: Workspace, tenant: str, token: str, audience: str | list[str] | None = None,
           iss: str | None = None) -> dict:
    """Decode and check a token against the tenant's JWKS (what the app shows as 'signature verified').
    `iss`: the issuer expected (a local server's URL), by default the tenant's emulated domain."""
    keys = {k["kid"]: jwt.PyJWK(k) for k in jwks(ws, tenant)["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    # Times are the emulator's clock, which may be fixed far from now (deterministic runs): the signature,
    # issuer and audience are checked, expiry is not.
    return jwt.decode(token, keys[kid].key, algorithms=["RS256"], issuer=iss or issuer(tenant), audience=audience,
                      options={"verify_aud": audience is not None, "verify_exp": False, "verify_iat": False,
                               "verify_nbf": False})


def verify_signed(ws: Workspace, tenant: str, token: str) -> dict:
    """A token's claims once its signature checks against the tenant's keys; the caller checks issuer,
    audience and expiry (the Management API accepts several issuers: the local server's, the domains')."""
    keys = {k["kid"]: jwt.PyJWK(k) for k in jwks(ws, tenant)["keys"]}
    kid = jwt.get_unverified_header(token).get("kid")
    if kid not in keys:
        raise jwt.InvalidTokenError("unknown key")
    return jwt.decode(token, keys[kid].key, algorithms=["RS256"],
                      options={"verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False,
                               "verify_iss": False})


def ensure_key_sync(ws: Workspace, tenant: str) -> None:
    """`ensure_key` for a one-shot command (nothing else waits on it)."""
    if ws.db.execute("SELECT 1 FROM signing_keys WHERE tenant = ?", [tenant]).fetchone() is None:
        add_key(ws, tenant, new_private_pem())
