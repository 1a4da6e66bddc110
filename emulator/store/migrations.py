"""Numbered schema migrations. A released migration is never edited: changes go in a new one.

The schema version lives in `PRAGMA user_version`; `PRAGMA application_id` marks the file as ours.
"""
from __future__ import annotations

APPLICATION_ID = 0x41454D55  # "AEMU"

# What a log's text search looks at (logs.search_text builds the same for new logs): its type,
# description, user, application, connection, IP, actions, and the text in its details (an error's
# message); not its ids, date, tenant, counters or execution ids. Kept short: FTS5 pays per character.
SEARCH_TEXT_SQL = """trim(type || ' ' || coalesce(description, '') || ' ' || coalesce(user_id, '') || ' ' ||
    coalesce(user_name, '') || ' ' || coalesce(json_extract(record, '$.client_name'), '') || ' ' ||
    coalesce(json_extract(record, '$.connection'), '') || ' ' || coalesce(json_extract(record, '$.ip'), '') || ' ' ||
    replace(action_names, ',', ' ') || ' ' ||
    coalesce((SELECT group_concat(value, ' ') FROM json_tree(record, '$.details')
              WHERE type = 'text' AND path NOT LIKE '$.details.actions%' AND path NOT LIKE '$.details.stats%'), ''))"""

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "tenants, directory (clients, connections, users), actions with versions, bindings", [
        """CREATE TABLE tenants (
            name TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE clients (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            client_id TEXT NOT NULL,
            name TEXT NOT NULL,
            config TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (tenant, client_id),
            UNIQUE (tenant, name)
        )""",
        """CREATE TABLE connections (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            strategy TEXT NOT NULL,
            config TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (tenant, id),
            UNIQUE (tenant, name)
        )""",
        """CREATE TABLE users (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            connection TEXT NOT NULL,
            email TEXT,
            username TEXT,
            phone_number TEXT,
            password_hash TEXT,
            profile TEXT NOT NULL DEFAULT '{}',
            app_metadata TEXT NOT NULL DEFAULT '{}',
            user_metadata TEXT NOT NULL DEFAULT '{}',
            roles TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (tenant, user_id)
        )""",
        "CREATE UNIQUE INDEX users_email ON users(tenant, connection, email) WHERE email IS NOT NULL",
        """CREATE TABLE actions (
            id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            name TEXT NOT NULL,
            trigger_id TEXT NOT NULL,
            trigger_version TEXT NOT NULL,
            code TEXT NOT NULL,
            runtime TEXT NOT NULL,
            dependencies TEXT NOT NULL DEFAULT '[]',
            secrets TEXT NOT NULL DEFAULT '{}',
            deployed_version INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (tenant, name)
        )""",
        """CREATE TABLE action_versions (
            id TEXT PRIMARY KEY,
            action_id TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            code TEXT NOT NULL,
            runtime TEXT NOT NULL,
            dependencies TEXT NOT NULL DEFAULT '[]',
            secrets TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            UNIQUE (action_id, number)
        )""",
        """CREATE TABLE bindings (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            trigger_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            id TEXT NOT NULL,
            action_id TEXT NOT NULL REFERENCES actions(id),
            display_name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (tenant, trigger_id, position)
        )""",
    ]),
    (2, "what runs leave behind: trigger caches, tenant logs, executions", [
        """CREATE TABLE cache_entries (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            trigger_id TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (tenant, trigger_id, key)
        )""",
        """CREATE TABLE logs (
            log_id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            date TEXT NOT NULL,
            type TEXT NOT NULL,
            user_id TEXT,
            user_name TEXT,
            client_id TEXT,
            description TEXT,
            trigger_id TEXT,
            action_names TEXT NOT NULL DEFAULT '',
            record TEXT NOT NULL
        )""",
        "CREATE INDEX logs_tenant_date ON logs(tenant, log_id)",
        """CREATE TABLE executions (
            id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            trigger_id TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            result TEXT NOT NULL
        )""",
        "CREATE INDEX executions_tenant ON executions(tenant, created_at)",
    ]),
    (3, "the outbox: messages the emulator 'sent'", [
        """CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            channel TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT,
            body TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )""",
    ]),
    (4, "flows (token signing keys, stored runs, MFA enrolments), saved test events, HTTP stubs", [
        """CREATE TABLE test_events (
            action_id TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            event TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (action_id, name)
        )""",
        """CREATE TABLE signing_keys (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            kid TEXT NOT NULL,
            private_pem TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (tenant, kid)
        )""",
        """CREATE TABLE flow_runs (
            id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            snapshot TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "ALTER TABLE tenants ADD COLUMN http_mode TEXT NOT NULL DEFAULT 'live'",
        """CREATE TABLE http_stubs (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            stub TEXT NOT NULL,
            PRIMARY KEY (tenant, position)
        )""",
        "ALTER TABLE users ADD COLUMN logins_count INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE users ADD COLUMN last_login TEXT",
        "ALTER TABLE users ADD COLUMN last_password_reset TEXT",
        """CREATE TABLE authenticators (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            type TEXT NOT NULL,
            phone_number TEXT,
            confirmed INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            PRIMARY KEY (tenant, id)
        )""",
    ]),
    (5, "indexes for a tenant's recent flow runs (the Simulator's list, the Timings charts)", [
        "CREATE INDEX flow_runs_tenant_created ON flow_runs(tenant, created_at)",
        "CREATE INDEX flow_runs_tenant_updated ON flow_runs(tenant, updated_at)",
    ]),
    (6, "debugger breakpoints per action (line, condition, logpoint message)", [
        """CREATE TABLE breakpoints (
            action_id TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
            line INTEGER NOT NULL,
            condition TEXT,
            log TEXT,
            PRIMARY KEY (action_id, line)
        )""",
    ]),
    (7, "the process stepping a journey (a crashed one's runs are marked interrupted); indexes for retention", [
        "ALTER TABLE flow_runs ADD COLUMN owner_pid INTEGER",
        # Retention prunes by age: without these it would read every row.
        "CREATE INDEX logs_date ON logs(date)",
        "CREATE INDEX executions_created ON executions(created_at)",
        "CREATE INDEX flow_runs_updated ON flow_runs(updated_at)",
    ]),
    (8, "APIs (resource servers): the audiences access tokens are issued for", [
        """CREATE TABLE resource_servers (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            identifier TEXT NOT NULL,
            name TEXT NOT NULL,
            config TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (tenant, identifier),
            UNIQUE (tenant, name)
        )""",
    ]),
    (9, "log filters that do not grow with the workspace: indexes by type, user and trigger, a table of the "
        "actions a log names, and FTS5 (trigram, so any part of a word matches) over a compact search text", [
        "CREATE INDEX logs_type ON logs(tenant, type, log_id)",
        "CREATE INDEX logs_user_id ON logs(tenant, user_id, log_id)",
        "CREATE INDEX logs_user_name ON logs(tenant, user_name, log_id)",
        "CREATE INDEX logs_trigger ON logs(tenant, trigger_id, log_id)",
        """CREATE TABLE log_actions (
            tenant TEXT NOT NULL,
            action TEXT NOT NULL,
            log_id TEXT NOT NULL REFERENCES logs(log_id) ON DELETE CASCADE,
            PRIMARY KEY (tenant, action, log_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX log_actions_log ON log_actions(log_id)",
        # Split each log's comma-separated action names into rows.
        """INSERT OR IGNORE INTO log_actions (tenant, action, log_id)
           WITH RECURSIVE split(tenant, log_id, name, rest) AS (
             SELECT tenant, log_id, '', action_names || ',' FROM logs WHERE action_names != ''
             UNION ALL
             SELECT tenant, log_id, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
             FROM split WHERE rest != ''
           ) SELECT tenant, name, log_id FROM split WHERE name != ''""",
        "ALTER TABLE logs ADD COLUMN search TEXT NOT NULL DEFAULT ''",
        f"UPDATE logs SET search = {SEARCH_TEXT_SQL}",
        """CREATE VIRTUAL TABLE logs_fts USING fts5(search, content='logs', content_rowid='rowid',
                                                    tokenize='trigram')""",
        "INSERT INTO logs_fts(logs_fts) VALUES('rebuild')",
        """CREATE TRIGGER logs_fts_insert AFTER INSERT ON logs BEGIN
             INSERT INTO logs_fts(rowid, search) VALUES (new.rowid, new.search);
           END""",
        """CREATE TRIGGER logs_fts_delete AFTER DELETE ON logs BEGIN
             INSERT INTO logs_fts(logs_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
           END""",
        """CREATE TRIGGER logs_fts_update AFTER UPDATE OF search ON logs BEGIN
             INSERT INTO logs_fts(logs_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
             INSERT INTO logs_fts(rowid, search) VALUES (new.rowid, new.search);
           END""",
    ]),
    (10, "the tenant's MFA policy (Auth0's Guardian policy: never, or all-applications)", [
        "ALTER TABLE tenants ADD COLUMN mfa_policy TEXT NOT NULL DEFAULT 'never'",
    ]),
    (11, "Actions Modules: a draft with published, numbered versions; the module versions an action pins", [
        """CREATE TABLE action_modules (
            id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            name TEXT NOT NULL,
            code TEXT NOT NULL,
            dependencies TEXT NOT NULL DEFAULT '[]',
            secrets TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (tenant, name)
        )""",
        """CREATE TABLE action_module_versions (
            id TEXT PRIMARY KEY,
            module_id TEXT NOT NULL REFERENCES action_modules(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            code TEXT NOT NULL,
            dependencies TEXT NOT NULL DEFAULT '[]',
            secrets TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            UNIQUE (module_id, number)
        )""",
        # [{module_name, module_version_number}], as the Deploy CLI writes them; names, because a module
        # cannot be renamed.
        "ALTER TABLE actions ADD COLUMN modules TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE action_versions ADD COLUMN modules TEXT NOT NULL DEFAULT '[]'",
    ]),
    (12, "Custom Token Exchange profiles: a subject_token_type and the custom-token-exchange action it runs", [
        """CREATE TABLE token_exchange_profiles (
            id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            name TEXT NOT NULL,
            subject_token_type TEXT NOT NULL,
            action TEXT NOT NULL,
            type TEXT NOT NULL DEFAULT 'custom_authentication',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (tenant, name),
            UNIQUE (tenant, subject_token_type)
        )""",
    ]),
    (13, "the Management API: roles with their permissions, users' own permissions, client grants, tenant "
         "settings and domain aliases, linked identities", [
        """CREATE TABLE roles (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (tenant, id),
            UNIQUE (tenant, name)
        )""",
        # A permission is a scope of one API, granted to a role or to a user directly.
        """CREATE TABLE permissions (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            holder TEXT NOT NULL,
            resource_server_identifier TEXT NOT NULL,
            permission_name TEXT NOT NULL,
            PRIMARY KEY (tenant, holder, resource_server_identifier, permission_name)
        )""",
        """CREATE TABLE client_grants (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            id TEXT NOT NULL,
            client_id TEXT NOT NULL,
            audience TEXT NOT NULL,
            scope TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (tenant, id),
            UNIQUE (tenant, client_id, audience)
        )""",
        "ALTER TABLE tenants ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE tenants ADD COLUMN domains TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE users ADD COLUMN identities TEXT NOT NULL DEFAULT '[]'",
        # Users' roles were names only: each name becomes a role of its tenant.
        """INSERT OR IGNORE INTO roles (tenant, id, name)
           SELECT tenant, 'rol_' || lower(hex(randomblob(8))), name FROM (
             SELECT DISTINCT u.tenant AS tenant, r.value AS name
             FROM users u, json_each(u.roles) r WHERE json_valid(u.roles) AND r.type = 'text')""",
    ]),
    (14, "brute-force protection: consecutive failed logins per user and IP, blocks, the tenant's setting", [
        """CREATE TABLE login_failures (
            tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            ip TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            blocked_at TEXT,
            PRIMARY KEY (tenant, user_id, ip)
        )""",
        "ALTER TABLE tenants ADD COLUMN brute_force TEXT NOT NULL DEFAULT '{}'",
    ]),
]

LATEST = MIGRATIONS[-1][0]
