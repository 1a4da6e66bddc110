"""A tenant's outbound-HTTP mode and stubs (see runtime/http_stubs.py for their shape)."""
from __future__ import annotations

import json

from ..runtime.http_stubs import check_mode, validate
from .db import Workspace, transaction
from .tenants import require


def config(ws: Workspace, tenant: str) -> dict:
    require(ws, tenant)
    mode = ws.db.execute("SELECT http_mode FROM tenants WHERE name = ?", [tenant]).fetchone()[0]
    stubs = [json.loads(r[0]) for r in ws.db.execute("SELECT stub FROM http_stubs WHERE tenant = ? ORDER BY position",
                                                     [tenant])]
    return {"mode": mode, "stubs": stubs}


def set_mode(ws: Workspace, tenant: str, mode: str) -> None:
    require(ws, tenant)
    with transaction(ws):
        ws.db.execute("UPDATE tenants SET http_mode = ? WHERE name = ?", [check_mode(mode), tenant])


def set_stubs(ws: Workspace, tenant: str, stubs: list[dict]) -> None:
    require(ws, tenant)
    validate(stubs, "stubs")
    with transaction(ws):
        ws.db.execute("DELETE FROM http_stubs WHERE tenant = ?", [tenant])
        for position, stub in enumerate(stubs):
            ws.db.execute("INSERT INTO http_stubs (tenant, position, stub) VALUES (?,?,?)",
                          [tenant, position, json.dumps(stub)])
