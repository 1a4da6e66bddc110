"""/api/v2/clients (with secret rotation), /connections, /resource-servers, /client-grants and
/tenants/settings."""
from __future__ import annotations

from ... import store
from .base import CLAIMS, endpoint
from .errors import bad_body, not_found

CLIENT_FIELDS = {"name": "string", "description": "string", "app_type": "string", "callbacks": "array",
                 "allowed_origins": "array", "web_origins": "array", "allowed_logout_urls": "array",
                 "grant_types": "array", "token_endpoint_auth_method": "string", "logo_uri": "string",
                 "is_first_party": "boolean", "oidc_conformant": "boolean", "jwt_configuration": "object",
                 "client_metadata": "object", "sso": "boolean", "sso_disabled": "boolean", "cross_origin_auth": "boolean",
                 "custom_login_page_on": "boolean", "initiate_login_uri": "string", "refresh_token": "object",
                 "organization_usage": "string", "organization_require_behavior": "string", "native_social_login": "object",
                 "mobile": "object", "addons": "object", "client_aliases": "array", "is_token_endpoint_ip_header_trusted": "boolean",
                 "allowed_clients": "array", "cross_origin_loc": "string", "client_authentication_methods": "object",
                 "oidc_logout": "object", "require_pushed_authorization_requests": "boolean", "default_organization": "object",
                 "compliance_level": ("string", "null"), "require_proof_of_possession": "boolean",
                 "custom_login_page": "string", "form_template": "string", "encryption_key": "object",
                 "client_secret": "string"}


def render_client(api, client: dict, secret: bool = True) -> dict:
    out = {"tenant": api.tenant, "global": False, "is_first_party": True, "oidc_conformant": True,
           "callbacks": [], "allowed_origins": [], "web_origins": [], "allowed_logout_urls": [],
           "grant_types": ["authorization_code", "implicit", "refresh_token", "client_credentials"],
           "token_endpoint_auth_method": "client_secret_post", "app_type": "regular_web",
           "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 36000},
           **client}
    if secret:
        out["client_secret"] = store.directory.client_secret(api.ws, api.tenant, client["client_id"])
    else:
        out.pop("client_secret", None)
    return out


@endpoint("GET", "/clients", "read:clients", "read:client_keys")
async def list_clients(api, request):
    secret = "read:client_keys" in str(request[CLAIMS].get("scope", "")).split()
    clients = [render_client(api, c, secret) for c in store.directory.clients(api.ws, api.tenant)]
    if request.query.get("app_type"):
        types = request.query["app_type"].split(",")
        clients = [c for c in clients if c.get("app_type") in types]
    if request.query.get("is_global") == "true":
        clients = []
    return api.page(request, clients, "clients")


@endpoint("GET", "/clients/{id}", "read:clients", "read:client_keys")
async def get_client(api, request):
    secret = "read:client_keys" in str(request[CLAIMS].get("scope", "")).split()
    return api.fields(request, render_client(api, store.directory.client(api.ws, api.tenant, request.match_info["id"]), secret))


@endpoint("POST", "/clients", "create:clients", status=201)
async def create_client(api, request):
    body = await api.body(request, CLIENT_FIELDS, ("name",))
    client, changes = api.emu.create_client(api.tenant, body.pop("name"), body)
    api.changed(changes)
    return render_client(api, store.directory.client(api.ws, api.tenant, client["client_id"]))


@endpoint("PATCH", "/clients/{id}", "update:clients", "update:client_keys")
async def patch_client(api, request):
    body = await api.body(request, CLIENT_FIELDS)
    if "name" in body and not body["name"].strip():
        raise bad_body("Payload validation error: 'String is too short (0 chars), minimum 1' on property name.")
    client, changes = api.emu.patch_client(api.tenant, request.match_info["id"], body)
    api.changed(changes)
    return render_client(api, client)


@endpoint("POST", "/clients/{id}/rotate-secret", "update:client_keys")
async def rotate_secret(api, request):
    client, changes = api.emu.rotate_client_secret(api.tenant, request.match_info["id"])
    api.changed(changes)
    return render_client(api, client)


@endpoint("DELETE", "/clients/{id}", "delete:clients")
async def delete_client(api, request):
    api.changed(api.emu.delete_client(api.tenant, request.match_info["id"]))
    return None


# ---- connections ---------------------------------------------------------------------------------------
CONNECTION_FIELDS = {"name": "string", "strategy": "string", "options": "object", "enabled_clients": "array",
                     "display_name": "string", "metadata": "object", "realms": "array", "is_domain_connection": "boolean",
                     "show_as_button": "boolean", "authentication": "object", "connected_accounts": "object"}


def render_connection(api, conn: dict) -> dict:
    return {"options": {}, "enabled_clients": [], "realms": [conn["name"]], "is_domain_connection": False, **conn}


@endpoint("GET", "/connections", "read:connections")
async def list_connections(api, request):
    conns = [render_connection(api, c) for c in store.directory.connections(api.ws, api.tenant)]
    if request.query.get("strategy"):
        wanted = request.query.getall("strategy")
        conns = [c for c in conns if c["strategy"] in wanted]
    if request.query.get("name"):
        conns = [c for c in conns if c["name"] == request.query["name"]]
    return api.page(request, conns, "connections")


@endpoint("GET", "/connections/{id}", "read:connections")
async def get_connection(api, request):
    return render_connection(api, store.directory.connection_by_id(api.ws, api.tenant, request.match_info["id"]))


@endpoint("POST", "/connections", "create:connections", status=201)
async def create_connection(api, request):
    body = await api.body(request, CONNECTION_FIELDS, ("name", "strategy"))
    conn, changes = api.emu.create_connection(api.tenant, body.pop("name"), body.pop("strategy"), body)
    api.changed(changes)
    return render_connection(api, conn)


@endpoint("PATCH", "/connections/{id}", "update:connections")
async def patch_connection(api, request):
    body = await api.body(request, {k: v for k, v in CONNECTION_FIELDS.items() if k not in ("name", "strategy")})
    conn, changes = api.emu.patch_connection(api.tenant, request.match_info["id"], body)
    api.changed(changes)
    return render_connection(api, conn)


@endpoint("DELETE", "/connections/{id}", "delete:connections", status=202)
async def delete_connection(api, request):
    api.changed(api.emu.delete_connection(api.tenant, request.match_info["id"]))
    return {}


# ---- resource servers ------------------------------------------------------------------------------------
API_FIELDS = {"name": "string", "identifier": "string", "scopes": "array", "signing_alg": "string",
              "signing_secret": "string", "allow_offline_access": "boolean", "token_lifetime": "integer",
              "token_lifetime_for_web": "integer", "skip_consent_for_verifiable_first_party_clients": "boolean",
              "enforce_policies": "boolean", "token_dialect": "string", "client": "object", "token_encryption": "object",
              "consent_policy": ("string", "null"), "authorization_details": "array", "proof_of_possession": "object",
              "subject_type_authorization": "object"}


def render_api(api, server: dict) -> dict:
    rs_id = "rs_" + store.directory._stable_id(api.tenant, "api", server["identifier"], n=16)
    return {"id": rs_id, "signing_alg": "RS256", "token_lifetime": 86400, "allow_offline_access": False,
            "skip_consent_for_verifiable_first_party_clients": True, "scopes": [], "is_system": False, **server}


def _find_api(api, rs_id: str) -> dict:
    for server in store.apis.list_(api.ws, api.tenant, include_system=True):
        rendered = render_api(api, server)
        if rs_id in (rendered["id"], server["identifier"]):
            return rendered
    raise not_found("Resource server not found", "inexistent_resource_server")


@endpoint("GET", "/resource-servers", "read:resource_servers")
async def list_apis(api, request):
    store.system_api.ensure(api.ws, api.tenant)
    servers = [render_api(api, s) for s in store.apis.list_(api.ws, api.tenant, include_system=True)]
    return api.page(request, servers, "resource_servers")


@endpoint("GET", "/resource-servers/{id}", "read:resource_servers")
async def get_api(api, request):
    return _find_api(api, request.match_info["id"])


def _scopes(body: dict) -> None:
    for scope in body.get("scopes", []):
        if not isinstance(scope, dict) or not isinstance(scope.get("value"), str):
            raise bad_body("Payload validation error: 'Missing required property: value' on property scopes.")


@endpoint("POST", "/resource-servers", "create:resource_servers", status=201)
async def create_api(api, request):
    body = await api.body(request, API_FIELDS, ("identifier",))
    _scopes(body)
    server, changes = api.emu.save_api(api.tenant, body.pop("identifier"), body, create=True)
    api.changed(changes)
    return render_api(api, server)


@endpoint("PATCH", "/resource-servers/{id}", "update:resource_servers")
async def patch_api(api, request):
    body = await api.body(request, {k: v for k, v in API_FIELDS.items() if k != "identifier"})
    _scopes(body)
    current = _find_api(api, request.match_info["id"])
    server, changes = api.emu.save_api(api.tenant, current["identifier"], body, create=False)
    api.changed(changes)
    return render_api(api, server)


@endpoint("DELETE", "/resource-servers/{id}", "delete:resource_servers")
async def delete_api(api, request):
    current = _find_api(api, request.match_info["id"])
    api.changed(api.emu.delete_api(api.tenant, current["identifier"]))
    return None


# ---- client grants -----------------------------------------------------------------------------------------
@endpoint("GET", "/client-grants", "read:client_grants")
async def list_grants(api, request):
    grants = store.client_grants.list_(api.ws, api.tenant, client_id=request.query.get("client_id"),
                                       audience=request.query.get("audience"))
    return api.page(request, grants, "client_grants")


@endpoint("POST", "/client-grants", "create:client_grants", status=201)
async def create_grant(api, request):
    body = await api.body(request, {"client_id": "string", "audience": "string", "scope": "array",
                                    "organization_usage": "string", "allow_any_organization": "boolean",
                                    "subject_type": "string", "authorization_details_types": "array"},
                          ("client_id", "audience", "scope"))
    grant, changes = api.emu.create_client_grant(api.tenant, body["client_id"], body["audience"], body["scope"])
    api.changed(changes)
    return grant


@endpoint("PATCH", "/client-grants/{id}", "update:client_grants")
async def patch_grant(api, request):
    body = await api.body(request, {"scope": "array", "organization_usage": ("string", "null"),
                                    "allow_any_organization": ("boolean", "null"), "authorization_details_types": "array"})
    grant = store.client_grants.get(api.ws, api.tenant, request.match_info["id"])
    grant, changes = api.emu.update_client_grant(api.tenant, grant["id"], body.get("scope", grant["scope"]))
    api.changed(changes)
    return grant


@endpoint("DELETE", "/client-grants/{id}", "delete:client_grants")
async def delete_grant(api, request):
    api.changed(api.emu.delete_client_grant(api.tenant, request.match_info["id"]))
    return None


# ---- tenant settings -------------------------------------------------------------------------------------------
SETTINGS_FIELDS = {"friendly_name": "string", "picture_url": "string", "support_email": "string",
                   "support_url": "string", "allowed_logout_urls": "array", "session_lifetime": "number",
                   "idle_session_lifetime": "number", "sandbox_version": "string", "default_audience": "string",
                   "default_directory": "string", "flags": "object", "enabled_locales": "array",
                   "error_page": "object", "device_flow": "object", "universal_login": "object",
                   "session_cookie": "object", "default_redirection_uri": "string", "guardian_mfa_page": "object",
                   "change_password": "object", "sessions": "object", "oidc_logout": "object",
                   "customize_mfa_in_postlogin_action": "boolean", "allow_organization_name_in_authentication_api": "boolean",
                   "acr_values_supported": "array", "mtls": "object", "pushed_authorization_requests_supported": "boolean",
                   "authorization_response_iss_parameter_supported": "boolean"}


def render_settings(api) -> dict:
    return {"friendly_name": api.tenant, "picture_url": "", "support_email": "", "support_url": "",
            "allowed_logout_urls": [], "session_lifetime": 168, "idle_session_lifetime": 72,
            "sandbox_version": "22", "enabled_locales": ["en"], "flags": {},
            **store.tenants.settings(api.ws, api.tenant)}


@endpoint("GET", "/tenants/settings", "read:tenant_settings")
async def get_settings(api, request):
    return api.fields(request, render_settings(api))


@endpoint("PATCH", "/tenants/settings", "update:tenant_settings")
async def patch_settings(api, request):
    body = await api.body(request, SETTINGS_FIELDS)
    _, changes = api.emu.update_tenant_settings(api.tenant, body)
    api.changed(changes)
    return render_settings(api)
