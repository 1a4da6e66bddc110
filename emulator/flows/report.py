"""What a flow run shows a person or a script: outcome, waiting step, error in Auth0's shape, tokens with
their decoded and verified claims, and per trigger the executions with each action's commands."""
from __future__ import annotations

from .. import store, tokens
from .run import FlowRun


def report(emu, run: FlowRun) -> dict:
    out = {"flow": run.kind, "run_id": run.id, "tenant": run.tenant, "status": run.status, "state": run.state,
           "waiting": run.waiting, "error": run.error, "deterministic": bool(run.deterministic)}
    result = run.result or {}
    if "tokens" in result:
        minted = result["tokens"]
        client_id = run.ctx["client"]["client_id"]
        iss = run.inputs.get("issuer")
        claims = {"access_token": tokens.verify(emu.ws, run.tenant, minted["access_token"], iss=iss)}
        if "id_token" in minted:  # none for a machine (client_credentials)
            claims = {"id_token": tokens.verify(emu.ws, run.tenant, minted["id_token"], client_id, iss=iss), **claims}
        out["tokens"] = {**{k: minted[k] for k in ("id_token", "access_token", "token_type", "expires_in", "scope")
                            if k in minted},
                         "claims": claims, "signature_verified": True, "dropped_claims": minted["dropped_claims"]}
    for key in ("user", "message", "result_url"):
        if key in result:
            out[key] = result[key]
    out["executions"] = {}
    for ref in run.executions:
        execution = store.executions.get(emu.ws, ref["id"])
        out["executions"].setdefault(ref["trigger"], []).append({
            "execution_id": ref["id"], "outcome": execution["outcome"],
            "actions": [{"name": r["action_name"], "version": r["emulator"]["version"],
                         "handler": r["emulator"]["handler"], "commands": r["emulator"]["commands"],
                         "logs": r["emulator"]["logs"], "http": r["emulator"].get("http", []),
                         "error": r["emulator"]["error"]} for r in execution["results"]]})
    # Only the run's own records: the Simulator renders this after every step, on tenants with many logs.
    out["logs"] = [{"type": l["type"], "description": l.get("description")}
                   for l in store.logs.get_many(emu.ws, run.tenant, run.logs)]
    return out
