"""Every api method of every trigger, called with valid, boundary and invalid arguments by real action
code in real Node, against what Auth0's own runtime does (tests/data/api_agreement.yaml, written down
from Auth0's code). The agreement is reported by `test_agreement_is_complete`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from emulator import triggers

DATA = yaml.safe_load((Path(__file__).parent.parent / "data" / "api_agreement.yaml").read_text())
CASES = [(trigger, case) for trigger, cases in DATA.items() for case in cases]

# Runs `call` and prints what it did as one JSON line; an abort ends the action before the line.
PROBE = """
{before}
let out;
try {{
  const r = ({call});
  if (r && typeof r.then === 'function') {{
    try {{ out = {{resolves: await r}}; }} catch (e) {{ out = {{rejects: e.message, class: e.constructor.name}}; }}
  }} else {{
    out = {{returns: r === api ? 'api' : r === undefined ? 'undefined' : r}};
  }}
}} catch (e) {{
  out = {{throws: e.message, class: e.constructor.name}};
}}
console.log(JSON.stringify(out));
"""


def _case_id(item) -> str:
    trigger, case = item
    return f"{trigger}:{case['call'][4:60]}"


def _observed(emu, trigger: str, case: dict):
    body = PROBE.format(before=case.get("before", "") + ";", call=case["call"])
    r = emu.one(trigger, body, event=case.get("event"))
    printed = [json.loads(line["message"]) for line in r.logs if line["message"].startswith("{")]
    return r, (printed[0] if printed else None)


@pytest.mark.parametrize("item", CASES, ids=[_case_id(c) for c in CASES])
def test_api_call_agrees_with_auth0(emu, item):
    trigger, case = item
    r, out = _observed(emu, trigger, case)
    if "aborts" in case:
        assert r.error is not None and r.error.message == case["aborts"], (r.error, out)
        assert r.error.error_class == "action_error"
        assert out is None or "throws" not in out  # the action could not catch it
        return
    assert r.error is None, r.error
    if "returns" in case:
        assert out == {"returns": case["returns"]}
    elif "returns_match" in case:
        assert "returns" in out and {k: out["returns"].get(k) for k in case["returns_match"]} == case["returns_match"]
    elif "resolves" in case:
        assert out == {"resolves": case["resolves"]}
    elif "throws" in case:
        assert out == {"throws": case["throws"], "class": case.get("class", "Error")}
    elif "rejects" in case:
        assert out == {"rejects": case["rejects"], "class": case.get("class", "Error")}
    else:
        assert "rejects" in out and out["rejects"].startswith(case["rejects_prefix"]), out
        assert out["class"] == case.get("class", "Error")


def test_agreement_covers_every_method_of_every_trigger():
    """Each api method of each trigger in the registry has at least one case (a new method needs one)."""
    covered = {(t, c["call"].split("(")[0].removeprefix("api.")) for t, c in CASES}
    covered |= {(t, c["call"].split("(")[0].removeprefix("typeof api.")) for t, c in CASES}
    missing = [f"{t.id}: {m.path}" for t in triggers.all_triggers() if t.id in DATA
               for m in t.api if (t.id, m.path) not in covered]
    assert not missing, missing
