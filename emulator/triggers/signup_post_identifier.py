"""signup-post-identifier (v1, beta): identifier-first signup, after the identifier is entered and before
the connection the user signs up with is final (spec §1.10, Auth0's `index.d.ts`). Auth0's published api
interface is empty while its docs name `api.authentication.setConnectionByName` and `setOrganization`;
the emulator offers those two (and the cache). The handler is not published: the login variant's
`onExecutePostIdentifier` is assumed. Treated as experimental."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import ApiMethod, Arg, Trigger

_NAME = {"type": "string", "min": 1}


def default_event() -> dict[str, Any]:
    """Every field of Auth0's SignupPostIdentifierV1Event, in this emulator's sample world."""
    return {
        "client": e.client(),
        "initial_connection": e.connection(),
        "initial_organization": {k: v for k, v in e.organization().items()
                                 if k in ("id", "display_name", "metadata", "name")},
        "request": e.request(query=True, asn=True),
        "resource_server": {"identifier": "https://api.example.com"},
        "security_context": {"ja3": "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0",
                             "ja4": "t13d1516h2_8daaf6152771_02713d6af862"},
        "tenant": e.tenant(),
        "transaction": e.transaction_base(),
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="signup-post-identifier", version="v1", handlers=("onExecutePostIdentifier",), blocking=True,
    doc="Runs in identifier-first signup after the identifier is entered; can choose the connection (and "
        "organization) the user signs up with. Beta.",
    api=(
        ApiMethod("authentication.setConnectionByName", (Arg("name", _NAME),),
                  doc="Sign the user up with this connection (event.initial_connection stays as it was)."),
        ApiMethod("authentication.setOrganization", (Arg("organization", _NAME),),
                  doc="Sign the user up in this organization (event.initial_organization stays as it was)."),
        *c.cache(),
    ),
    default_event=default_event, experimental=True,
)
