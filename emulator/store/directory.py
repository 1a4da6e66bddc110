"""A tenant's applications (clients), connections and users. Passwords are stored only as bcrypt hashes
(Auth0's own algorithm, and the one its bulk user import accepts)."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re

import bcrypt

from ..errors import bad_request, conflict, not_found
from .db import Workspace, transaction
from .db import rows as db_rows
from . import user_defaults

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _rounds() -> int:
    # bcrypt's cost; tests lower it through the environment to stay fast.
    return int(os.environ.get("ACTIONS_EMULATOR_BCRYPT_ROUNDS", "10"))


def _stable_id(*parts: str, n: int = 32) -> str:
    """Deterministic ids for imported entities, so importing the same files twice gives the same ids."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest)[:n]


# ---- clients ------------------------------------------------------------------------------------------
def create_client(ws: Workspace, tenant: str, name: str, config: dict | None = None,
                  client_id: str | None = None) -> dict:
    client_id = client_id or _stable_id(tenant, "client", name)
    with transaction(ws):
        if ws.db.execute("SELECT 1 FROM clients WHERE tenant = ? AND name = ?", [tenant, name]).fetchone():
            raise conflict(f"An application named {name!r} already exists.")
        ws.db.execute("INSERT INTO clients (tenant, client_id, name, config) VALUES (?, ?, ?, ?)",
                      [tenant, client_id, name, json.dumps(config or {})])
    return {"client_id": client_id, "name": name, **(config or {})}


def upsert_client(ws: Workspace, tenant: str, name: str, config: dict) -> None:
    with transaction(ws):
        row = ws.db.execute("SELECT client_id FROM clients WHERE tenant = ? AND name = ?", [tenant, name]).fetchone()
        if row:
            ws.db.execute("UPDATE clients SET config = ? WHERE tenant = ? AND client_id = ?",
                          [json.dumps(config), tenant, row[0]])
        else:
            create_client(ws, tenant, name, config)


def clients(ws: Workspace, tenant: str) -> list[dict]:
    return [{"client_id": r["client_id"], "name": r["name"], **json.loads(r["config"])}
            for r in ws.db.query("SELECT * FROM clients WHERE tenant = ? ORDER BY name", [tenant])]


def client_secret(ws: Workspace, tenant: str, client_id: str) -> str:
    """The client's secret for the local server's /oauth/token: kept in its config, made on first use
    (Deploy CLI exports never carry secrets, as in Auth0)."""
    import secrets as _secrets

    with transaction(ws):
        row = ws.db.execute("SELECT config FROM clients WHERE tenant = ? AND client_id = ?", [tenant, client_id]).fetchone()
        if row is None:
            raise not_found(f"The application {client_id!r} does not exist.")
        config = json.loads(row[0])
        if not config.get("client_secret"):
            config["client_secret"] = _secrets.token_urlsafe(48)
            ws.db.execute("UPDATE clients SET config = ? WHERE tenant = ? AND client_id = ?",
                          [json.dumps(config), tenant, client_id])
    return config["client_secret"]


LOOPBACK_CALLBACKS = ["http://localhost:*", "http://127.0.0.1:*"]  # the Default App's, on the local server


def client_listing(ws: Workspace, tenant: str) -> list[dict]:
    """What an SDK needs of each application: id, secret, callbacks and grant types (empty: all)."""
    rows = []
    for client in clients(ws, tenant):
        default = client["name"] == "Default App"
        rows.append({"name": client["name"], "client_id": client["client_id"],
                     "client_secret": client_secret(ws, tenant, client["client_id"]),
                     "callbacks": client.get("callbacks") or (list(LOOPBACK_CALLBACKS) if default else []),
                     "allowed_logout_urls": client.get("allowed_logout_urls") or [],
                     "grant_types": client.get("grant_types") or []})
    return rows


# ---- connections --------------------------------------------------------------------------------------
def create_connection(ws: Workspace, tenant: str, name: str, strategy: str, config: dict | None = None) -> dict:
    conn_id = "con_" + _stable_id(tenant, "connection", name, n=16)
    with transaction(ws):
        if ws.db.execute("SELECT 1 FROM connections WHERE tenant = ? AND name = ?", [tenant, name]).fetchone():
            raise conflict(f"A connection named {name!r} already exists.")
        ws.db.execute("INSERT INTO connections (tenant, id, name, strategy, config) VALUES (?, ?, ?, ?, ?)",
                      [tenant, conn_id, name, strategy, json.dumps(config or {})])
    return {"id": conn_id, "name": name, "strategy": strategy, **(config or {})}


def upsert_connection(ws: Workspace, tenant: str, name: str, strategy: str, config: dict) -> None:
    with transaction(ws):
        if ws.db.execute("SELECT 1 FROM connections WHERE tenant = ? AND name = ?", [tenant, name]).fetchone():
            ws.db.execute("UPDATE connections SET strategy = ?, config = ? WHERE tenant = ? AND name = ?",
                          [strategy, json.dumps(config), tenant, name])
        else:
            create_connection(ws, tenant, name, strategy, config)


def connections(ws: Workspace, tenant: str) -> list[dict]:
    return [{"id": r["id"], "name": r["name"], "strategy": r["strategy"], **json.loads(r["config"])}
            for r in ws.db.query("SELECT * FROM connections WHERE tenant = ? ORDER BY name", [tenant])]


def connection(ws: Workspace, tenant: str, name: str) -> dict:
    found = [c for c in connections(ws, tenant) if c["name"] == name]
    if not found:
        raise not_found(f"The connection {name!r} does not exist.")
    return found[0]


# ---- users --------------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(_rounds())).decode()


# Verifications that succeeded, remembered for this process only (batches and repeated logins skip
# bcrypt's ~80 ms): keyed by an HMAC under a key made at start-up, never by the password itself. Passwords
# are still stored as bcrypt at cost 10, and the first verification pays the real cost.
_VERIFIED_KEY = os.urandom(32)
_VERIFIED: dict[bytes, None] = {}
_VERIFIED_MAX = 10_000


def _verified_key(user_hash: str, password: str) -> bytes:
    return hmac.new(_VERIFIED_KEY, user_hash.encode() + b"\0" + password.encode(), hashlib.sha256).digest()


def remembered(user_hash: str | None, password: str) -> bool:
    """True when this hash and password already verified in this process (no bcrypt needed)."""
    return bool(user_hash) and _verified_key(user_hash, password) in _VERIFIED


def verify_password(user_hash: str | None, password: str) -> bool:
    if not user_hash:
        return False
    if remembered(user_hash, password):
        return True
    ok = bcrypt.checkpw(password.encode(), user_hash.encode())
    if ok:
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.pop(next(iter(_VERIFIED)))
        _VERIFIED[_verified_key(user_hash, password)] = None
    return ok


def create_user(ws: Workspace, tenant: str, *, email: str | None, password: str | None = None,
                password_hash: str | None = None, connection_name: str = "Username-Password-Authentication",
                username: str | None = None, phone_number: str | None = None, app_metadata: dict | None = None,
                user_metadata: dict | None = None, roles: list[str] | None = None, profile: dict | None = None,
                user_id: str | None = None) -> dict:
    if email is not None and not _EMAIL.match(email):
        raise bad_request(f"Invalid email {email!r}.")
    if password_hash is not None and not password_hash.startswith("$2"):
        raise bad_request("Only bcrypt password hashes can be imported.")
    conn = connection(ws, tenant, connection_name)
    now = ws.clock.iso()
    user_id = user_id or f"{'auth0' if conn['strategy'] == 'auth0' else conn['strategy']}|{ws.ids.hex(24)}"
    hashed = password_hash or (hash_password(password) if password else None)
    if conn["strategy"] == "auth0":
        profile = user_defaults.filled(profile, email=email, username=username, phone_number=phone_number)
    with transaction(ws):
        if email and ws.db.execute("SELECT 1 FROM users WHERE tenant = ? AND connection = ? AND email = ?",
                                   [tenant, connection_name, email]).fetchone():
            raise conflict("The user already exists.")
        ws.db.execute(
            """INSERT INTO users (tenant, user_id, connection, email, username, phone_number, password_hash, profile,
               app_metadata, user_metadata, roles, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            [tenant, user_id, connection_name, email, username, phone_number, hashed, json.dumps(profile or {}),
             json.dumps(app_metadata or {}), json.dumps(user_metadata or {}), json.dumps(roles or []), now, now])
        _ensure_roles(ws, tenant, roles)
    return get_user(ws, tenant, user_id)


def _ensure_roles(ws: Workspace, tenant: str, names: list[str] | None) -> None:
    """Users hold roles by name: a name no role has yet becomes a role of the tenant."""
    for name in names or []:
        ws.db.execute("INSERT OR IGNORE INTO roles (tenant, id, name) VALUES (?,?,?)",
                      [tenant, "rol_" + _stable_id(tenant, "role", name, n=16), name])


def _user(row: dict) -> dict:
    profile = json.loads(row["profile"])
    return {
        "user_id": row["user_id"], "email": row["email"], "username": row["username"],
        "phone_number": row["phone_number"], "connection": row["connection"],
        "app_metadata": json.loads(row["app_metadata"]), "user_metadata": json.loads(row["user_metadata"]),
        "roles": json.loads(row["roles"]), "created_at": row["created_at"], "updated_at": row["updated_at"],
        **({"last_password_reset": row["last_password_reset"]} if row["last_password_reset"] else {}),
        **profile,
    }


def get_user(ws: Workspace, tenant: str, user_id: str) -> dict:
    rows = db_rows(ws, "SELECT * FROM users WHERE tenant = ? AND user_id = ?", [tenant, user_id])
    if not rows:
        raise not_found(f"The user {user_id!r} does not exist.")
    return _user(rows[0])


def password_hash(ws: Workspace, tenant: str, user_id: str) -> str | None:
    row = ws.db.execute("SELECT password_hash FROM users WHERE tenant = ? AND user_id = ?", [tenant, user_id]).fetchone()
    return row[0] if row else None


def users(ws: Workspace, tenant: str) -> list[dict]:
    return [_user(r) for r in ws.db.query("SELECT * FROM users WHERE tenant = ? ORDER BY created_at, email", [tenant])]


def update_user(ws: Workspace, tenant: str, user_id: str, *, password: str | None = None,
                password_hash: str | None = None, **fields) -> dict:
    """Change a user's profile, metadata, roles or password; omitted fields stay as they are."""
    get_user(ws, tenant, user_id)
    sets, params = [], []
    for column in ("email", "username", "phone_number"):
        if fields.get(column) is not None:
            sets.append(f"{column} = ?")
            params.append(fields[column])
    for column in ("app_metadata", "user_metadata", "roles", "profile"):
        if fields.get(column) is not None:
            sets.append(f"{column} = ?")
            params.append(json.dumps(fields[column]))
    if password_hash or password:
        sets.append("password_hash = ?")
        params.append(password_hash or hash_password(password))
    with transaction(ws):
        _ensure_roles(ws, tenant, fields.get("roles"))
        if sets:
            ws.db.execute(f"UPDATE users SET {', '.join(sets)}, updated_at = ? WHERE tenant = ? AND user_id = ?",
                          params + [ws.clock.iso(), tenant, user_id])
    return get_user(ws, tenant, user_id)


def record_login(ws: Workspace, tenant: str, user_id: str) -> int:
    """Count a successful login; returns the new count."""
    with transaction(ws):
        ws.db.execute("UPDATE users SET logins_count = logins_count + 1, last_login = ? WHERE tenant = ? AND user_id = ?",
                      [ws.clock.iso(), tenant, user_id])
        return ws.db.execute("SELECT logins_count FROM users WHERE tenant = ? AND user_id = ?", [tenant, user_id]).fetchone()[0]


def logins_count(ws: Workspace, tenant: str, user_id: str) -> int:
    row = ws.db.execute("SELECT logins_count FROM users WHERE tenant = ? AND user_id = ?", [tenant, user_id]).fetchone()
    return row[0] if row else 0


def set_password(ws: Workspace, tenant: str, user_id: str, password: str | None = None, *,
                 password_hash: str | None = None) -> None:
    hashed = password_hash or hash_password(password)
    with transaction(ws):
        now = ws.clock.iso()
        ws.db.execute("UPDATE users SET password_hash = ?, last_password_reset = ?, updated_at = ? "
                      "WHERE tenant = ? AND user_id = ?", [hashed, now, now, tenant, user_id])


def find_user(ws: Workspace, tenant: str, email: str, connection_name: str) -> dict | None:
    row = ws.db.execute("SELECT user_id FROM users WHERE tenant = ? AND connection = ? AND email = ?",
                        [tenant, connection_name, email]).fetchone()
    return get_user(ws, tenant, row[0]) if row else None


def apply_metadata(ws: Workspace, tenant: str, user_id: str, pending: dict) -> dict:
    """Apply actions' queued metadata in one update: null deletes a key (spec §2.1)."""
    user = get_user(ws, tenant, user_id)
    fields = {}
    for field in ("app_metadata", "user_metadata"):
        changes = pending.get(field) or {}
        if changes:
            merged = dict(user[field])
            for key, value in changes.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            fields[field] = merged
    return update_user(ws, tenant, user_id, **fields) if fields else user


# ---- what the Management API adds: deletes, patches, linked identities -----------------------------------
def profile(ws: Workspace, tenant: str, user_id: str) -> dict:
    row = ws.db.execute("SELECT profile FROM users WHERE tenant = ? AND user_id = ?", [tenant, user_id]).fetchone()
    if row is None:
        raise not_found(f"The user {user_id!r} does not exist.")
    return json.loads(row[0])


def delete_user(ws: Workspace, tenant: str, user_id: str) -> None:
    with transaction(ws):
        get_user(ws, tenant, user_id)
        ws.db.execute("DELETE FROM authenticators WHERE tenant = ? AND user_id = ?", [tenant, user_id])
        ws.db.execute("DELETE FROM permissions WHERE tenant = ? AND holder = ?", [tenant, "user:" + user_id])
        ws.db.execute("DELETE FROM users WHERE tenant = ? AND user_id = ?", [tenant, user_id])


def _provider(user_id: str) -> tuple[str, str]:
    provider, _, rest = user_id.partition("|")
    return provider, rest


def identities(ws: Workspace, tenant: str, user_id: str) -> list[dict]:
    """The user's identities as Auth0 lists them: its own first, then the accounts linked into it."""
    row = ws.db.execute("SELECT connection, identities FROM users WHERE tenant = ? AND user_id = ?",
                        [tenant, user_id]).fetchone()
    if row is None:
        raise not_found(f"The user {user_id!r} does not exist.")
    provider, rest = _provider(user_id)
    conn = connection(ws, tenant, row[0]) if row[0] else {"strategy": provider}
    return [{"connection": row[0], "user_id": rest, "provider": provider,
             "isSocial": conn.get("strategy") not in ("auth0", "sms", "email", "samlp", "waad", "oidc")},
            *json.loads(row[1])]


def link(ws: Workspace, tenant: str, primary: str, secondary: str) -> list[dict]:
    """Link `secondary` into `primary` (Auth0: the secondary account stops existing on its own)."""
    with transaction(ws):
        if primary == secondary:
            raise bad_request("Main identity and the new one are the same.")
        get_user(ws, tenant, primary)
        other = get_user(ws, tenant, secondary)
        provider, rest = _provider(secondary)
        entry = {"connection": other["connection"], "user_id": rest, "provider": provider, "isSocial": provider != "auth0",
                 "profileData": {k: other[k] for k in ("email", "username", "phone_number", "name", "nickname",
                                                       "picture", "email_verified") if other.get(k) is not None},
                 "_record": {"password_hash": password_hash(ws, tenant, secondary),
                             "app_metadata": other["app_metadata"], "user_metadata": other["user_metadata"],
                             "created_at": other["created_at"]}}
        linked = identities(ws, tenant, primary)[1:] + [entry] + identities(ws, tenant, secondary)[1:]
        ws.db.execute("DELETE FROM users WHERE tenant = ? AND user_id = ?", [tenant, secondary])
        ws.db.execute("UPDATE users SET identities = ?, updated_at = ? WHERE tenant = ? AND user_id = ?",
                      [json.dumps(linked), ws.clock.iso(), tenant, primary])
    return public_identities(ws, tenant, primary)


def public_identities(ws: Workspace, tenant: str, user_id: str) -> list[dict]:
    return [{k: v for k, v in i.items() if not k.startswith("_")} for i in identities(ws, tenant, user_id)]


def unlink(ws: Workspace, tenant: str, primary: str, provider: str, secondary_id: str) -> tuple[list[dict], str]:
    """Undo a link: the secondary account is a user of its own again. Returns the primary's identities
    and the restored user's id."""
    with transaction(ws):
        own, *linked = identities(ws, tenant, primary)
        entry = next((i for i in linked if i["provider"] == provider and i["user_id"] == secondary_id), None)
        if entry is None:
            raise bad_request("The identity is not linked to this user.")
        restored = f"{provider}|{secondary_id}"
        record, data = entry.get("_record") or {}, entry.get("profileData") or {}
        now = ws.clock.iso()
        ws.db.execute(
            """INSERT INTO users (tenant, user_id, connection, email, username, phone_number, password_hash, profile,
               app_metadata, user_metadata, roles, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            [tenant, restored, entry["connection"], data.get("email"), data.get("username"), data.get("phone_number"),
             record.get("password_hash"), json.dumps({k: data[k] for k in ("name", "nickname", "picture", "email_verified")
                                                      if k in data}),
             json.dumps(record.get("app_metadata") or {}), json.dumps(record.get("user_metadata") or {}), "[]",
             record.get("created_at") or now, now])
        ws.db.execute("UPDATE users SET identities = ?, updated_at = ? WHERE tenant = ? AND user_id = ?",
                      [json.dumps([i for i in linked if i is not entry]), now, tenant, primary])
    return public_identities(ws, tenant, primary), restored


def _client_row(ws: Workspace, tenant: str, client_id: str) -> dict:
    row = ws.db.execute("SELECT name, config FROM clients WHERE tenant = ? AND client_id = ?", [tenant, client_id]).fetchone()
    if row is None:
        raise not_found("Client not found")
    return {"client_id": client_id, "name": row[0], **json.loads(row[1])}


def client(ws: Workspace, tenant: str, client_id: str) -> dict:
    return _client_row(ws, tenant, client_id)


def patch_client(ws: Workspace, tenant: str, client_id: str, changes: dict) -> dict:
    with transaction(ws):
        current = _client_row(ws, tenant, client_id)
        name = changes.get("name", current["name"])
        if name != current["name"] and ws.db.execute("SELECT 1 FROM clients WHERE tenant = ? AND name = ?",
                                                     [tenant, name]).fetchone():
            raise conflict(f"An application named {name!r} already exists.")
        config = {k: v for k, v in {**current, **changes}.items() if k not in ("client_id", "name")}
        ws.db.execute("UPDATE clients SET name = ?, config = ? WHERE tenant = ? AND client_id = ?",
                      [name, json.dumps(config), tenant, client_id])
    return _client_row(ws, tenant, client_id)


def delete_client(ws: Workspace, tenant: str, client_id: str) -> None:
    with transaction(ws):
        _client_row(ws, tenant, client_id)
        ws.db.execute("DELETE FROM client_grants WHERE tenant = ? AND client_id = ?", [tenant, client_id])
        ws.db.execute("DELETE FROM clients WHERE tenant = ? AND client_id = ?", [tenant, client_id])


def connection_by_id(ws: Workspace, tenant: str, connection_id: str) -> dict:
    found = [c for c in connections(ws, tenant) if c["id"] == connection_id]
    if not found:
        raise not_found("The connection does not exist")
    return found[0]


def patch_connection(ws: Workspace, tenant: str, connection_id: str, changes: dict) -> dict:
    with transaction(ws):
        current = connection_by_id(ws, tenant, connection_id)
        config = {k: v for k, v in {**current, **changes}.items() if k not in ("id", "name", "strategy")}
        ws.db.execute("UPDATE connections SET config = ? WHERE tenant = ? AND id = ?",
                      [json.dumps(config), tenant, connection_id])
    return connection_by_id(ws, tenant, connection_id)


def delete_connection(ws: Workspace, tenant: str, connection_id: str) -> None:
    with transaction(ws):
        conn = connection_by_id(ws, tenant, connection_id)
        ws.db.execute("DELETE FROM users WHERE tenant = ? AND connection = ?", [tenant, conn["name"]])
        ws.db.execute("DELETE FROM connections WHERE tenant = ? AND id = ?", [tenant, connection_id])


def last_login(ws: Workspace, tenant: str, user_id: str) -> str | None:
    row = ws.db.execute("SELECT last_login FROM users WHERE tenant = ? AND user_id = ?", [tenant, user_id]).fetchone()
    return row[0] if row else None

