"""One-line docs for event fields, as Auth0's reference describes them (keyed by dotted path; `*` matches
any trigger). Fields without an entry are described by their sample value in the default event."""
from __future__ import annotations

DOCS: dict[str, str] = {
    "accessToken": "The access token being issued to the machine-to-machine client.",
    "accessToken.customClaims": "Custom claims already on the access token.",
    "accessToken.scope": "The scopes granted to the access token.",
    "agent": "The AI agent acting for the user, when the request comes from one.",
    "anonymous_session": "The anonymous session of the browser that started the transaction.",
    "authentication": "Details about authentication signals obtained during the login flow.",
    "authentication.methods": "The authentication methods the user completed in this session, in order "
                              "(e.g. pwd, mfa, federated), each with its timestamp.",
    "authorization": "An object containing information that describes the authorization granted to the user.",
    "authorization.roles": "The names of the roles assigned to the user.",
    "client": "Information about the client (application) with which the transaction was initiated.",
    "client.client_id": "The client id of the application the user is logging in to.",
    "client.metadata": "An object for holding other application properties (client metadata).",
    "client.name": "The name of the application (as defined in the Dashboard).",
    "configuration": "The action's configuration values (Marketplace integrations).",
    "connection": "Details about the connection that was used to authenticate the user.",
    "connection.id": "The connection's unique identifier.",
    "connection.metadata": "Metadata associated with the connection.",
    "connection.name": "The name of the connection used to authenticate the user (e.g. twitter).",
    "connection.strategy": "The type of connection: auth0 for a database connection, or a social or "
                           "enterprise strategy.",
    "custom_domain": "The custom domain the request came through, when the tenant uses one.",
    "experiment": "The A/B experiment the transaction takes part in.",
    "message_options": "The phone message to deliver: recipient, text, code, message type and action.",
    "message_options.action": "Why the message is sent: enrollment or second-factor-authentication.",
    "message_options.code": "The one-time code in the message.",
    "message_options.message_type": "How to deliver the message: sms or voice.",
    "message_options.recipient": "The phone number to send the message to.",
    "message_options.text": "The message's text, in the user's language.",
    "organization": "Details about the organization associated with the current transaction.",
    "organization.display_name": "The friendly name of the organization.",
    "organization.id": "The organization identifier.",
    "organization.metadata": "Metadata associated with the organization.",
    "organization.name": "The name of the organization.",
    "prompt": "The Universal Login prompt the user is on.",
    "refresh_token": "The refresh token being exchanged (only in a refresh-token exchange).",
    "request": "Details about the request that initiated the transaction.",
    "request.body": "The body of the POST request (empty for a GET).",
    "request.geoip": "Where the request came from, by IP address.",
    "request.hostname": "The hostname used for the request.",
    "request.ip": "The originating IP address of the request.",
    "request.language": "The language requested by the browser.",
    "request.method": "The HTTP method of the request.",
    "request.query": "The query string parameters of the request.",
    "request.user_agent": "The value of the User-Agent header.",
    "resource_server": "The API (resource server) the access token is for.",
    "resource_server.identifier": "The identifier (audience) of the API.",
    "secrets": "The action's secrets, by name (set under Dependencies & secrets). Values are strings.",
    "security_context": "TLS fingerprints (JA3, JA4) of the client connection.",
    "session": "The user's session, when the transaction has one.",
    "session_transfer_token": "The session transfer token the login came with, if any.",
    "stats": "Login statistics for the current user.",
    "stats.logins_count": "The number of times this user has logged in.",
    "tenant": "Details about the tenant associated with the current transaction.",
    "tenant.id": "The name of the tenant.",
    "transaction": "Details about the current transaction.",
    "transaction.acr_values": "The requested authentication context class references.",
    "transaction.locale": "The locale used for the transaction (from ui_locales or the browser).",
    "transaction.metadata": "Values set by earlier post-login actions with api.transaction.setMetadata.",
    "transaction.protocol": "The protocol of the transaction (oidc-basic-profile, oauth2-refresh-token...).",
    "transaction.redirect_uri": "The URL to which Auth0 will redirect the browser after the transaction.",
    "transaction.requested_scopes": "The scopes requested (if any) when starting this authentication flow.",
    "transaction.response_mode": "How the authorization response is returned to the application.",
    "transaction.response_type": "The response types requested (code, token, id_token).",
    "transaction.state": "An opaque value the application adds to the request, returned on the redirect.",
    "transaction.ui_locales": "The locales requested for the Universal Login pages.",
    "user": "An object describing the user on whose behalf the current transaction was initiated.",
    "user.app_metadata": "Custom fields that store info about the user that influences access, such as "
                         "support plan or roles. Change it with api.user.setAppMetadata.",
    "user.created_at": "Timestamp of when the user profile was first created.",
    "user.email": "(unique) The user's email address.",
    "user.email_verified": "Whether this email address is verified (true) or unverified (false).",
    "user.enrolledFactors": "The MFA factors the user is enrolled in.",
    "user.family_name": "The user's family name.",
    "user.given_name": "The user's given name.",
    "user.identities": "The identities (connections) of the user, the primary first.",
    "user.last_password_reset": "When the user last reset their password.",
    "user.multifactor": "The MFA providers the user is enrolled with.",
    "user.name": "The user's full name.",
    "user.nickname": "The user's nickname.",
    "user.phone_number": "The user's phone number.",
    "user.phone_verified": "Whether the phone number is verified.",
    "user.picture": "URL of the user's picture.",
    "user.updated_at": "Timestamp of when the user's profile was last updated.",
    "user.user_id": "(unique) The user's identifier.",
    "user.user_metadata": "Custom fields that store info about the user that does not impact access, such as "
                          "preferences. Change it with api.user.setUserMetadata.",
    "user.username": "(unique) The user's username.",
}


def doc(path: str, sample: object = None) -> str:
    """The doc of an event field (dotted path from `event`), or its sample value."""
    if path in DOCS:
        return DOCS[path]
    if sample is None or isinstance(sample, (dict, list)):
        return ""
    text = repr(sample) if not isinstance(sample, str) else f'"{sample}"'
    return f"For example {text[:80]}."
