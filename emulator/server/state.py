"""What the local server remembers between requests: authorization transactions (one per /authorize,
holding the journey run it drives), codes, refresh tokens, login sessions and MFA tokens. Kept in
memory for the life of the server, as a development server does; journeys, users, logs and executions
are in the workspace."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

CODE_LIFETIME_S = 60  # Auth0: authorization codes expire after a minute and are single use
MFA_TOKEN_LIFETIME_S = 600  # Auth0: an mfa_token is good for ten minutes


def token(n: int = 32) -> str:
    return secrets.token_urlsafe(n)


@dataclass
class Transaction:
    """One /authorize request and the journey it drives."""

    id: str
    client: dict
    params: dict  # redirect_uri, state, nonce, scope, audience, response_mode, code_challenge, ...
    csrf: str = field(default_factory=token)
    run: Any = None  # the FlowRun in progress
    login_hint: str = ""
    code: str | None = None  # a hybrid response's code, made first: its c_hash goes into the ID token


@dataclass
class Grant:
    """What a code or refresh token stands for."""

    client_id: str
    user_id: str
    scope: str
    audience: str | None
    tokens: dict | None = None
    redirect_uri: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str = "S256"
    nonce: str | None = None
    sid: str | None = None
    auth_time: int | None = None
    amr: list | None = None  # ["mfa"] once the session passed an MFA challenge
    methods: list | None = None  # event.authentication.methods of the login, for later logins of the session
    issued: float = field(default_factory=time.monotonic)
    used: bool = False
    family: str = field(default_factory=token)  # refresh tokens rotated from one another share it


@dataclass
class PendingMfa:
    """An `mfa_token`: the login waiting for its second factor, and what the application asked for."""

    run: Any
    client_id: str
    scope: str
    audience: str | None
    issued: float = field(default_factory=time.monotonic)
    oob_code: str | None = None  # the last /mfa/challenge or /mfa/associate's, quoted back at /oauth/token

    def expired(self) -> bool:
        return time.monotonic() - self.issued > MFA_TOKEN_LIFETIME_S


@dataclass
class ServerState:
    transactions: dict[str, Transaction] = field(default_factory=dict)
    by_run: dict[str, str] = field(default_factory=dict)  # journey run id -> transaction id
    codes: dict[str, Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    rotated: dict[str, Grant] = field(default_factory=dict)  # refresh tokens spent by rotation -> their grant
    sessions: dict[str, dict] = field(default_factory=dict)  # cookie value -> {user_id, auth_time, sid}
    mfa_tokens: dict[str, PendingMfa] = field(default_factory=dict)

    def add_transaction(self, client: dict, params: dict) -> Transaction:
        tx = Transaction(id=token(24), client=client, params=params, login_hint=params.get("login_hint") or "")
        self.transactions[tx.id] = tx
        return tx

    def bind(self, tx: Transaction, run) -> None:
        tx.run = run
        self.by_run[run.id] = tx.id

    def code_for(self, grant: Grant, code: str | None = None) -> str:
        code = code or token(24)
        self.codes[code] = grant
        return code

    def revoke_family(self, family: str) -> int:
        """Every refresh token of a rotation family, live or spent, revoked; how many were live."""
        live = [t for t, g in self.refresh_tokens.items() if g.family == family]
        for value in live:
            del self.refresh_tokens[value]
        for value in [t for t, g in self.rotated.items() if g.family == family]:
            del self.rotated[value]
        return len(live)

    def take_code(self, code: str) -> Grant | None:
        """A code's grant, once: a second use (replay) finds nothing, as does an expired code."""
        grant = self.codes.pop(code, None)
        if grant is None or time.monotonic() - grant.issued > CODE_LIFETIME_S:
            return None
        return grant


class ServerPart:
    """A group of the local server's routes: it reaches the engine and the server's memory through here."""

    def __init__(self, server):
        self.server = server

    @property
    def emu(self):
        return self.server.emu

    @property
    def state(self) -> ServerState:
        return self.server.state
