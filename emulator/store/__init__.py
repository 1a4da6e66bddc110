"""The workspace: one SQLite file holding tenants and everything Auth0 keeps for them (design §5).

Plain functions over the database, grouped by what they own; `open_workspace` opens, checks and
upgrades the file.
"""
from . import (actions, apis, authenticators, bindings, breakpoints, brute_force, cache, client_grants, directory, executions, http, logs, modules, outbox,
               roles, system_api, tenants,
               test_events, token_exchange)
from .db import Workspace, WorkspaceError, default_path, open_workspace, transaction

__all__ = ["actions", "apis", "authenticators", "bindings", "breakpoints", "brute_force", "cache", "client_grants", "directory", "roles", "system_api", "executions", "http", "logs", "modules", "outbox", "tenants", "test_events", "token_exchange", "Workspace",
           "WorkspaceError", "default_path", "open_workspace", "transaction"]
