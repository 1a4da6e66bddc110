"""/api/v2/logs (Lucene `q`, or `search`, over a log's fields, `page`/`per_page`, and the checkpoint form `from`/`take`),
one log by id, and the tickets and jobs that send a user a link (they land in the outbox)."""
from __future__ import annotations


from ... import store
from . import validate
from .base import endpoint
from .errors import bad_query, not_found
from .query import compile_query

MAX_TAKE = 100


def _all(api) -> list[dict]:
    return [{**log, "_id": log["log_id"]} for log in store.logs.all_oldest_first(api.ws, api.tenant)]


@endpoint("GET", "/logs", "read:logs", "read:logs_users")
async def list_logs(api, request):
    q = request.query
    logs = _all(api)
    search = q.get("q") or q.get("search")  # `search` is the name Auth0's current spec (and node-auth0 v5+) use
    if search:
        match = compile_query(search)
        logs = [log for log in logs if match(log)]
    if "from" in q or "take" in q:
        # The checkpoint form: logs after `from` (a log id), oldest first, `take` of them.
        take = validate.integer(q, "take", 50, 1, MAX_TAKE)
        start = q.get("from") or ""
        return [api.fields(request, log) for log in logs if log["log_id"] > start][:take]
    sort = q.get("sort") or "date:-1"
    field, _, direction = sort.partition(":")
    if direction not in ("1", "-1"):
        raise bad_query(f"Query validation error: 'String does not match pattern' on property sort ({sort}).")
    logs.sort(key=lambda log: (str(log.get(field, "")), log["log_id"]), reverse=direction == "-1")
    return api.page(request, logs, "logs")


@endpoint("GET", "/logs/{id}", "read:logs", "read:logs_users")
async def get_log(api, request):
    found = store.logs.get_many(api.ws, api.tenant, [request.match_info["id"]])
    if not found:
        raise not_found("log not found")
    return {**found[0], "_id": found[0]["log_id"]}


# ---- tickets and jobs ------------------------------------------------------------------------------------------
def _base_url(api) -> str:
    return api.server.issuer or api.server.url


@endpoint("POST", "/tickets/email-verification", "create:user_tickets", status=201)
async def email_verification_ticket(api, request):
    body = await api.body(request, {"user_id": "string", "result_url": "string", "ttl_sec": "integer",
                                    "includeEmailInRedirect": "boolean", "client_id": "string",
                                    "organization_id": "string", "identity": "object"}, ("user_id",))
    ticket, changes = api.emu.verification_email(api.tenant, body["user_id"], _base_url(api))
    api.changed(changes)
    return {"ticket": ticket["ticket"]}


@endpoint("POST", "/tickets/password-change", "create:user_tickets", status=201)
async def password_change_ticket(api, request):
    body = await api.body(request, {"user_id": "string", "email": "string", "connection_id": "string",
                                    "result_url": "string", "ttl_sec": "integer", "client_id": "string",
                                    "mark_email_as_verified": "boolean", "includeEmailInRedirect": "boolean",
                                    "organization_id": "string", "identity": "object"})
    if body.get("user_id"):
        user = store.directory.get_user(api.ws, api.tenant, body["user_id"])
    elif body.get("email") and body.get("connection_id"):
        conn = store.directory.connection_by_id(api.ws, api.tenant, body["connection_id"])
        user = store.directory.find_user(api.ws, api.tenant, body["email"], conn["name"])
        if user is None:
            raise not_found("The user does not exist.", "inexistent_user")
    else:
        raise validate.bad_body("Payload validation error: 'Missing required property: user_id'.")
    ticket = await api.server.password_ticket(request, user)
    api.changed(api.emu._sapi(api.tenant, "Create a password change ticket", "POST", "/api/v2/tickets/password-change"))
    return {"ticket": ticket}


@endpoint("POST", "/jobs/verification-email", "update:users", status=201)
async def verification_email_job(api, request):
    body = await api.body(request, {"user_id": "string", "client_id": "string", "identity": "object",
                                    "organization_id": "string"}, ("user_id",))
    _, changes = api.emu.verification_email(api.tenant, body["user_id"], _base_url(api))
    api.changed(changes)
    job_id = "job_" + api.ws.ids.token(16)
    return {"status": "completed", "type": "verification_email", "created_at": api.ws.clock.iso(), "id": job_id}
