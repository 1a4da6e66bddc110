"""login-post-identifier (v1, undocumented by Auth0): identifier-first login, after the identifier is
typed and before the connection is chosen (§1.10). Treated as experimental."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import ApiMethod, Arg, Trigger

_CONNECTION = {"type": "string", "min": 1}


def default_event() -> dict[str, Any]:
    transaction = e.transaction_base() | {"identifier": "jane.doe@example.com"}
    return {
        "client": e.client(),
        "request": e.request(query=True, asn=True),
        "tenant": e.tenant(),
        "transaction": transaction,
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="login-post-identifier", version="v1", handlers=("onExecutePostIdentifier",), blocking=True,
    doc="Runs in identifier-first login after the identifier is entered; can route to a connection.",
    api=(
        ApiMethod("authentication.setConnectionByName", (Arg("name", _CONNECTION),),
                  doc="Use this connection for the rest of the login (home-realm discovery)."),
        # An older variant seen in public user code; accepted so such code still runs.
        ApiMethod("setConnection", (Arg("name", _CONNECTION),),
                  doc="Older spelling of authentication.setConnectionByName."),
        *c.cache(),
    ),
    default_event=default_event, experimental=True,
)
