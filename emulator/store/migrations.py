"""Numbered schema migrations. A released migration is never edited: changes go in a new one.

The schema version lives in `PRAGMA user_version`; `PRAGMA application_id` marks the file as ours.
"""
from __future__ import annotations

APPLICATION_ID = 0x41454D55  # "AEMU"

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
]

LATEST = MIGRATIONS[-1][0]
