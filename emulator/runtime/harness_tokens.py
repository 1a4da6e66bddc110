"""HS256 signing in Python for tokens that come *back* to actions (what an external redirect page signs
for `api.redirect.validateToken`). PyJWT does the work."""
from __future__ import annotations

import jwt


def sign_hs256(payload: dict, secret: str) -> str:
    return jwt.encode(payload, secret, algorithm="HS256")
